-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "pointsDirty" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pointsSyncError" TEXT;

-- CreateTable
CREATE TABLE "PointsSync" (
    "shopId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "deadAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),

    CONSTRAINT "PointsSync_pkey" PRIMARY KEY ("shopId")
);

-- CreateIndex
CREATE INDEX "Member_pointsDirty_shopId_idx" ON "Member"("pointsDirty", "shopId");

-- AddForeignKey
ALTER TABLE "PointsSync" ADD CONSTRAINT "PointsSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

