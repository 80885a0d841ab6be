-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Program" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "pendingDays" INTEGER NOT NULL DEFAULT 0,
    "expiryMonths" INTEGER,
    "expiryReminderDays" INTEGER,
    "winbackDays" INTEGER,
    "tierBasis" TEXT NOT NULL DEFAULT 'spend',
    "tierPeriod" TEXT NOT NULL DEFAULT 'calendar_year',
    "excludedTags" TEXT NOT NULL DEFAULT '',
    "tierKeepNextPeriod" BOOLEAN NOT NULL DEFAULT true,
    "tierLastReviewAt" DATETIME,
    "pointsNames" TEXT NOT NULL DEFAULT '{}',
    "programName" TEXT NOT NULL DEFAULT 'Rewards',
    "widgetSettings" TEXT NOT NULL DEFAULT '{}',
    "textOverrides" TEXT NOT NULL DEFAULT '{}',
    "referralSettings" TEXT NOT NULL DEFAULT '{}',
    "widgetSeenAt" DATETIME,
    "launchedAt" DATETIME,
    "enrolOrderDays" INTEGER NOT NULL DEFAULT 60,
    "enrolAwardPoints" BOOLEAN NOT NULL DEFAULT false,
    "enrolSignupBonus" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Program_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Program" ("enrolAwardPoints", "enrolOrderDays", "enrolSignupBonus", "excludedTags", "expiryMonths", "expiryReminderDays", "id", "launchedAt", "pendingDays", "pointsNames", "programName", "referralSettings", "shopId", "status", "tierBasis", "tierKeepNextPeriod", "tierLastReviewAt", "tierPeriod", "updatedAt", "widgetSeenAt", "widgetSettings", "winbackDays") SELECT "enrolAwardPoints", "enrolOrderDays", "enrolSignupBonus", "excludedTags", "expiryMonths", "expiryReminderDays", "id", "launchedAt", "pendingDays", "pointsNames", "programName", "referralSettings", "shopId", "status", "tierBasis", "tierKeepNextPeriod", "tierLastReviewAt", "tierPeriod", "updatedAt", "widgetSeenAt", "widgetSettings", "winbackDays" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shopId_key" ON "Program"("shopId");
CREATE TABLE "new_EarningRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "spendMinor" BIGINT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "limit" TEXT NOT NULL DEFAULT 'once',
    "config" TEXT NOT NULL DEFAULT '{}',
    "translations" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EarningRule_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_EarningRule" ("config", "createdAt", "enabled", "id", "limit", "name", "points", "shopId", "spendMinor", "type", "updatedAt") SELECT "config", "createdAt", "enabled", "id", "limit", "name", "points", "shopId", "spendMinor", "type", "updatedAt" FROM "EarningRule";
DROP TABLE "EarningRule";
ALTER TABLE "new_EarningRule" RENAME TO "EarningRule";
CREATE INDEX "EarningRule_shopId_type_idx" ON "EarningRule"("shopId", "type");
CREATE TABLE "new_Tier" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "thresholdMinor" BIGINT NOT NULL DEFAULT 0,
    "multiplierPermille" INTEGER NOT NULL DEFAULT 1000,
    "perks" TEXT NOT NULL DEFAULT '{}',
    "translations" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Tier_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Tier" ("createdAt", "id", "multiplierPermille", "name", "perks", "rank", "shopId", "thresholdMinor", "updatedAt") SELECT "createdAt", "id", "multiplierPermille", "name", "perks", "rank", "shopId", "thresholdMinor", "updatedAt" FROM "Tier";
DROP TABLE "Tier";
ALTER TABLE "new_Tier" RENAME TO "Tier";
CREATE UNIQUE INDEX "Tier_shopId_rank_key" ON "Tier"("shopId", "rank");
CREATE TABLE "new_Reward" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "valueMinor" BIGINT,
    "percentOff" INTEGER,
    "minOrderMinor" BIGINT,
    "expiryDays" INTEGER,
    "minTierRank" INTEGER,
    "productVariantGid" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "config" TEXT NOT NULL DEFAULT '{}',
    "translations" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Reward_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Reward" ("config", "createdAt", "enabled", "expiryDays", "id", "minOrderMinor", "minTierRank", "name", "percentOff", "pointsCost", "productVariantGid", "shopId", "type", "updatedAt", "valueMinor") SELECT "config", "createdAt", "enabled", "expiryDays", "id", "minOrderMinor", "minTierRank", "name", "percentOff", "pointsCost", "productVariantGid", "shopId", "type", "updatedAt", "valueMinor" FROM "Reward";
DROP TABLE "Reward";
ALTER TABLE "new_Reward" RENAME TO "Reward";
CREATE INDEX "Reward_shopId_enabled_idx" ON "Reward"("shopId", "enabled");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

