-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "multiplierPermille" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "tierRanks" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Campaign_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "visitorToken" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'visited',
    "friendEmail" TEXT,
    "friendCustomerGid" TEXT,
    "friendCode" TEXT,
    "friendDiscountGid" TEXT,
    "orderGid" TEXT,
    "orderValueMinor" BIGINT,
    "heldReason" TEXT,
    "rewardAvailableAt" DATETIME,
    "rewardedAt" DATETIME,
    "decidedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Referral_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "fromTier" TEXT,
    "toTier" TEXT,
    "reason" TEXT NOT NULL,
    "syncStatus" TEXT NOT NULL DEFAULT 'pending',
    "syncAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextSyncAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TierChange_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Program" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "pendingDays" INTEGER NOT NULL DEFAULT 0,
    "expiryMonths" INTEGER,
    "tierBasis" TEXT NOT NULL DEFAULT 'spend',
    "tierPeriod" TEXT NOT NULL DEFAULT 'calendar_year',
    "excludedTags" TEXT NOT NULL DEFAULT '',
    "tierKeepNextPeriod" BOOLEAN NOT NULL DEFAULT true,
    "tierLastReviewAt" DATETIME,
    "pointsNames" TEXT NOT NULL DEFAULT '{}',
    "programName" TEXT NOT NULL DEFAULT 'Rewards',
    "widgetSettings" TEXT NOT NULL DEFAULT '{}',
    "referralSettings" TEXT NOT NULL DEFAULT '{}',
    "widgetSeenAt" DATETIME,
    "launchedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Program_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Program" ("excludedTags", "expiryMonths", "id", "pendingDays", "shopId", "status", "tierBasis", "tierPeriod", "updatedAt") SELECT "excludedTags", "expiryMonths", "id", "pendingDays", "shopId", "status", "tierBasis", "tierPeriod", "updatedAt" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shopId_key" ON "Program"("shopId");
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Member_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Member_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "Tier" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Member" ("createdAt", "customerGid", "customerUpdatedAt", "email", "enrolledAt", "firstName", "id", "lastActivityAt", "lastName", "lifetimePoints", "locale", "pendingPoints", "points", "shopId", "status", "tags", "tierId", "updatedAt") SELECT "createdAt", "customerGid", "customerUpdatedAt", "email", "enrolledAt", "firstName", "id", "lastActivityAt", "lastName", "lifetimePoints", "locale", "pendingPoints", "points", "shopId", "status", "tags", "tierId", "updatedAt" FROM "Member";
DROP TABLE "Member";
ALTER TABLE "new_Member" RENAME TO "Member";
CREATE INDEX "Member_shopId_tierId_idx" ON "Member"("shopId", "tierId");
CREATE INDEX "Member_shopId_points_idx" ON "Member"("shopId", "points");
CREATE INDEX "Member_shopId_lastActivityAt_idx" ON "Member"("shopId", "lastActivityAt");
CREATE INDEX "Member_shopId_email_idx" ON "Member"("shopId", "email");
CREATE UNIQUE INDEX "Member_shopId_customerGid_key" ON "Member"("shopId", "customerGid");
CREATE UNIQUE INDEX "Member_shopId_referralCode_key" ON "Member"("shopId", "referralCode");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Campaign_shopId_startsAt_idx" ON "Campaign"("shopId", "startsAt");

-- CreateIndex
CREATE INDEX "Referral_shopId_referrerId_status_idx" ON "Referral"("shopId", "referrerId", "status");

-- CreateIndex
CREATE INDEX "Referral_shopId_friendEmail_idx" ON "Referral"("shopId", "friendEmail");

-- CreateIndex
CREATE INDEX "Referral_shopId_friendCustomerGid_idx" ON "Referral"("shopId", "friendCustomerGid");

-- CreateIndex
CREATE INDEX "Referral_shopId_status_createdAt_idx" ON "Referral"("shopId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shopId_visitorToken_key" ON "Referral"("shopId", "visitorToken");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shopId_orderGid_key" ON "Referral"("shopId", "orderGid");

-- CreateIndex
CREATE INDEX "TierChange_shopId_memberId_createdAt_idx" ON "TierChange"("shopId", "memberId", "createdAt");

-- CreateIndex
CREATE INDEX "TierChange_syncStatus_nextSyncAt_idx" ON "TierChange"("syncStatus", "nextSyncAt");

