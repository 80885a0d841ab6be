-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "expiryReminderDays" INTEGER,
ADD COLUMN     "winbackDays" INTEGER;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "birthDay" INTEGER,
ADD COLUMN     "birthMonth" INTEGER,
ADD COLUMN     "birthYear" INTEGER,
ADD COLUMN     "birthdaySetAt" TIMESTAMP(3),
ADD COLUMN     "birthdaySyncDue" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lastOrderAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DateSweep" (
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "through" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DateSweep_pkey" PRIMARY KEY ("shopId","kind")
);

-- CreateIndex
CREATE INDEX "Member_shopId_birthMonth_birthDay_idx" ON "Member"("shopId", "birthMonth", "birthDay");

-- CreateIndex
CREATE INDEX "Member_shopId_enrolledAt_idx" ON "Member"("shopId", "enrolledAt");

-- CreateIndex
CREATE INDEX "Member_shopId_lastOrderAt_idx" ON "Member"("shopId", "lastOrderAt");

-- CreateIndex
CREATE INDEX "Member_birthdaySyncDue_idx" ON "Member"("birthdaySyncDue");

-- AddForeignKey
ALTER TABLE "DateSweep" ADD CONSTRAINT "DateSweep_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill (0023): each member's newest paid order, for win-back.
UPDATE "Member" m SET "lastOrderAt" = o.last
FROM (
    SELECT "memberId", MAX(COALESCE("processedAt", "createdAt")) AS last FROM "OrderRecord"
    WHERE "memberId" IS NOT NULL AND "paid" AND NOT "cancelled"
    GROUP BY "memberId"
) o
WHERE m."id" = o."memberId";
