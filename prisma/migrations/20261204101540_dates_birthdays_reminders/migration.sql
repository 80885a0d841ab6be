-- AlterTable
ALTER TABLE "Program" ADD COLUMN "expiryReminderDays" INTEGER;
ALTER TABLE "Program" ADD COLUMN "winbackDays" INTEGER;

-- CreateTable
CREATE TABLE "DateSweep" (
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "through" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "kind"),
    CONSTRAINT "DateSweep_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Member" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "email" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "tags" TEXT NOT NULL DEFAULT '',
    "locale" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "points" INTEGER NOT NULL DEFAULT 0,
    "pendingPoints" INTEGER NOT NULL DEFAULT 0,
    "lifetimePoints" INTEGER NOT NULL DEFAULT 0,
    "tierId" TEXT,
    "tierManual" BOOLEAN NOT NULL DEFAULT false,
    "tierManualUntil" DATETIME,
    "tierChangedAt" DATETIME,
    "referralCode" TEXT,
    "customerUpdatedAt" DATETIME,
    "enrolledAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastActivityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "birthMonth" INTEGER,
    "birthDay" INTEGER,
    "birthYear" INTEGER,
    "birthdaySetAt" DATETIME,
    "birthdaySyncDue" BOOLEAN NOT NULL DEFAULT false,
    "lastOrderAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Member_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Member_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "Tier" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Member" ("createdAt", "customerGid", "customerUpdatedAt", "email", "enrolledAt", "firstName", "id", "lastActivityAt", "lastName", "lifetimePoints", "locale", "pendingPoints", "points", "referralCode", "shopId", "status", "tags", "tierChangedAt", "tierId", "tierManual", "tierManualUntil", "updatedAt") SELECT "createdAt", "customerGid", "customerUpdatedAt", "email", "enrolledAt", "firstName", "id", "lastActivityAt", "lastName", "lifetimePoints", "locale", "pendingPoints", "points", "referralCode", "shopId", "status", "tags", "tierChangedAt", "tierId", "tierManual", "tierManualUntil", "updatedAt" FROM "Member";
DROP TABLE "Member";
ALTER TABLE "new_Member" RENAME TO "Member";
CREATE INDEX "Member_shopId_createdAt_idx" ON "Member"("shopId", "createdAt");
CREATE INDEX "Member_shopId_status_tierId_idx" ON "Member"("shopId", "status", "tierId");
CREATE INDEX "Member_shopId_status_points_pendingPoints_idx" ON "Member"("shopId", "status", "points", "pendingPoints");
CREATE INDEX "Member_shopId_tierId_idx" ON "Member"("shopId", "tierId");
CREATE INDEX "Member_shopId_points_idx" ON "Member"("shopId", "points");
CREATE INDEX "Member_shopId_lastActivityAt_idx" ON "Member"("shopId", "lastActivityAt");
CREATE INDEX "Member_shopId_email_idx" ON "Member"("shopId", "email");
CREATE INDEX "Member_shopId_birthMonth_birthDay_idx" ON "Member"("shopId", "birthMonth", "birthDay");
CREATE INDEX "Member_shopId_enrolledAt_idx" ON "Member"("shopId", "enrolledAt");
CREATE INDEX "Member_shopId_lastOrderAt_idx" ON "Member"("shopId", "lastOrderAt");
CREATE INDEX "Member_birthdaySyncDue_idx" ON "Member"("birthdaySyncDue");
CREATE UNIQUE INDEX "Member_shopId_customerGid_key" ON "Member"("shopId", "customerGid");
CREATE UNIQUE INDEX "Member_shopId_referralCode_key" ON "Member"("shopId", "referralCode");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Backfill (0023): each member's newest paid order, for win-back.
UPDATE "Member" SET "lastOrderAt" = (
    SELECT MAX(COALESCE(o."processedAt", o."createdAt")) FROM "OrderRecord" o
    WHERE o."memberId" = "Member"."id" AND o."paid" = 1 AND o."cancelled" = 0
);
