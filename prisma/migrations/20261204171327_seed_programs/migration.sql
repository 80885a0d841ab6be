-- AlterTable
ALTER TABLE "Member" ADD COLUMN "leaderboardOptInAt" DATETIME;

-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN "giftImageUrl" TEXT;
ALTER TABLE "Redemption" ADD COLUMN "giftSourceGid" TEXT;
ALTER TABLE "Redemption" ADD COLUMN "giftVariantGid" TEXT;

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "collectionGid" TEXT;
ALTER TABLE "Campaign" ADD COLUMN "collectionTitle" TEXT;

-- CreateTable
CREATE TABLE "TierMembership" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'paid',
    "orderGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    "endReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TierMembership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TierMembership_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TierMembership_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "Tier" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Challenge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "target" INTEGER NOT NULL,
    "windowKind" TEXT NOT NULL DEFAULT 'fixed',
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME,
    "windowDays" INTEGER,
    "collectionGid" TEXT,
    "rewardPoints" INTEGER NOT NULL DEFAULT 0,
    "badgeId" TEXT,
    "giftRef" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Challenge_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Challenge_badgeId_fkey" FOREIGN KEY ("badgeId") REFERENCES "Badge" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChallengeProgress" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "joinedAt" DATETIME NOT NULL,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "completedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ChallengeProgress_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ChallengeProgress_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Badge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "icon" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Badge_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MemberBadge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "badgeId" TEXT NOT NULL,
    "challengeId" TEXT,
    "awardedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MemberBadge_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MemberBadge_badgeId_fkey" FOREIGN KEY ("badgeId") REFERENCES "Badge" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CatalogProduct" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "productType" TEXT NOT NULL DEFAULT '',
    "vendor" TEXT NOT NULL DEFAULT '',
    "syncedAt" DATETIME NOT NULL,
    CONSTRAINT "CatalogProduct_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CatalogCollection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL DEFAULT '',
    "syncedAt" DATETIME NOT NULL,
    CONSTRAINT "CatalogCollection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CatalogMembership" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,
    CONSTRAINT "CatalogMembership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CatalogSync" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "products" INTEGER NOT NULL DEFAULT 0,
    "collections" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastError" TEXT,
    CONSTRAINT "CatalogSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "productGid" TEXT,
    "variantGid" TEXT,
    "quantity" INTEGER NOT NULL,
    "currentQuantity" INTEGER NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "taxMinor" BIGINT NOT NULL DEFAULT 0,
    "nonEarning" BOOLEAN NOT NULL DEFAULT false,
    "earnPermille" INTEGER,
    "earnExtraPoints" INTEGER,
    "earnMultiplierPermille" INTEGER,
    CONSTRAINT "OrderLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderRefundLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "refundGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "taxMinor" BIGINT NOT NULL DEFAULT 0,
    "nonEarning" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "OrderRefundLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CharitySettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "pointsPerUnit" INTEGER NOT NULL DEFAULT 100,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CharitySettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Cause" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Cause_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Donation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "causeId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Donation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Donation_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Donation_causeId_fkey" FOREIGN KEY ("causeId") REFERENCES "Cause" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Surprise" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "audience" TEXT NOT NULL DEFAULT '{}',
    "prizeType" TEXT NOT NULL,
    "prizePoints" INTEGER,
    "rewardId" TEXT,
    "winnersWanted" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "eligibleCount" INTEGER,
    "winnerCount" INTEGER NOT NULL DEFAULT 0,
    "awardedCount" INTEGER NOT NULL DEFAULT 0,
    "drawnAt" DATETIME,
    "actor" TEXT NOT NULL DEFAULT 'system',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "finishedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Surprise_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SurpriseWinner" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "surpriseId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "awardedAt" DATETIME,
    "redemptionId" TEXT,
    "seenAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SurpriseWinner_surpriseId_fkey" FOREIGN KEY ("surpriseId") REFERENCES "Surprise" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SurpriseWinner_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "memberAccess" TEXT NOT NULL DEFAULT '{}',
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
    "maxTierRank" INTEGER,
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
CREATE TABLE "new_OrderRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "memberId" TEXT,
    "customerGid" TEXT,
    "name" TEXT,
    "currencyCode" TEXT NOT NULL,
    "stateUpdatedAt" DATETIME NOT NULL,
    "paid" BOOLEAN NOT NULL DEFAULT false,
    "cancelled" BOOLEAN NOT NULL DEFAULT false,
    "taxesIncluded" BOOLEAN NOT NULL DEFAULT false,
    "processedAt" DATETIME,
    "grossMinor" BIGINT NOT NULL DEFAULT 0,
    "editRemovedMinor" BIGINT NOT NULL DEFAULT 0,
    "refundedIds" TEXT NOT NULL DEFAULT '',
    "earnPoints" INTEGER,
    "earnSpendMinor" BIGINT,
    "multiplierPermille" INTEGER,
    "pointsTarget" INTEGER NOT NULL DEFAULT 0,
    "pointsCredited" INTEGER NOT NULL DEFAULT 0,
    "pointsPending" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DATETIME,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "eligibleMinor" BIGINT NOT NULL DEFAULT 0,
    "orderTotalMinor" BIGINT NOT NULL DEFAULT 0,
    "backfill" TEXT,
    "earnMode" TEXT,
    "earnMinSpendMinor" BIGINT,
    "earnByLine" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "OrderRecord_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OrderRecord" ("availableAt", "backfill", "cancelled", "createdAt", "currencyCode", "customerGid", "earnPoints", "earnSpendMinor", "editRemovedMinor", "eligibleMinor", "grossMinor", "id", "memberId", "multiplierPermille", "name", "orderGid", "orderTotalMinor", "paid", "pointsCredited", "pointsPending", "pointsTarget", "processedAt", "refundedIds", "revision", "shopId", "stateUpdatedAt", "taxesIncluded", "updatedAt") SELECT "availableAt", "backfill", "cancelled", "createdAt", "currencyCode", "customerGid", "earnPoints", "earnSpendMinor", "editRemovedMinor", "eligibleMinor", "grossMinor", "id", "memberId", "multiplierPermille", "name", "orderGid", "orderTotalMinor", "paid", "pointsCredited", "pointsPending", "pointsTarget", "processedAt", "refundedIds", "revision", "shopId", "stateUpdatedAt", "taxesIncluded", "updatedAt" FROM "OrderRecord";
DROP TABLE "OrderRecord";
ALTER TABLE "new_OrderRecord" RENAME TO "OrderRecord";
CREATE INDEX "OrderRecord_shopId_availableAt_idx" ON "OrderRecord"("shopId", "availableAt");
CREATE INDEX "OrderRecord_shopId_memberId_processedAt_idx" ON "OrderRecord"("shopId", "memberId", "processedAt");
CREATE UNIQUE INDEX "OrderRecord_shopId_orderGid_key" ON "OrderRecord"("shopId", "orderGid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "TierMembership_shopId_memberId_endedAt_idx" ON "TierMembership"("shopId", "memberId", "endedAt");

-- CreateIndex
CREATE INDEX "TierMembership_shopId_endedAt_endsAt_idx" ON "TierMembership"("shopId", "endedAt", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "TierMembership_shopId_orderGid_lineItemId_key" ON "TierMembership"("shopId", "orderGid", "lineItemId");

-- CreateIndex
CREATE INDEX "Challenge_shopId_status_idx" ON "Challenge"("shopId", "status");

-- CreateIndex
CREATE INDEX "ChallengeProgress_memberId_idx" ON "ChallengeProgress"("memberId");

-- CreateIndex
CREATE INDEX "ChallengeProgress_challengeId_completedAt_idx" ON "ChallengeProgress"("challengeId", "completedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChallengeProgress_challengeId_memberId_key" ON "ChallengeProgress"("challengeId", "memberId");

-- CreateIndex
CREATE INDEX "Badge_shopId_idx" ON "Badge"("shopId");

-- CreateIndex
CREATE INDEX "MemberBadge_badgeId_idx" ON "MemberBadge"("badgeId");

-- CreateIndex
CREATE UNIQUE INDEX "MemberBadge_memberId_badgeId_key" ON "MemberBadge"("memberId", "badgeId");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogProduct_shopId_productGid_key" ON "CatalogProduct"("shopId", "productGid");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogCollection_shopId_collectionGid_key" ON "CatalogCollection"("shopId", "collectionGid");

-- CreateIndex
CREATE INDEX "CatalogMembership_shopId_collectionGid_idx" ON "CatalogMembership"("shopId", "collectionGid");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogMembership_shopId_productGid_collectionGid_key" ON "CatalogMembership"("shopId", "productGid", "collectionGid");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogSync_shopId_key" ON "CatalogSync"("shopId");

-- CreateIndex
CREATE INDEX "OrderLine_shopId_productGid_idx" ON "OrderLine"("shopId", "productGid");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLine_shopId_orderGid_lineItemId_key" ON "OrderLine"("shopId", "orderGid", "lineItemId");

-- CreateIndex
CREATE INDEX "OrderRefundLine_shopId_orderGid_idx" ON "OrderRefundLine"("shopId", "orderGid");

-- CreateIndex
CREATE UNIQUE INDEX "OrderRefundLine_shopId_refundGid_lineItemId_key" ON "OrderRefundLine"("shopId", "refundGid", "lineItemId");

-- CreateIndex
CREATE INDEX "Cause_shopId_enabled_idx" ON "Cause"("shopId", "enabled");

-- CreateIndex
CREATE INDEX "Donation_shopId_createdAt_idx" ON "Donation"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Donation_causeId_createdAt_idx" ON "Donation"("causeId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Donation_shopId_requestId_key" ON "Donation"("shopId", "requestId");

-- CreateIndex
CREATE INDEX "Surprise_shopId_createdAt_idx" ON "Surprise"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Surprise_status_nextAttemptAt_idx" ON "Surprise"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "SurpriseWinner_surpriseId_awardedAt_idx" ON "SurpriseWinner"("surpriseId", "awardedAt");

-- CreateIndex
CREATE INDEX "SurpriseWinner_memberId_seenAt_idx" ON "SurpriseWinner"("memberId", "seenAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurpriseWinner_surpriseId_memberId_key" ON "SurpriseWinner"("surpriseId", "memberId");

-- CreateIndex
CREATE INDEX "Member_shopId_leaderboardOptInAt_idx" ON "Member"("shopId", "leaderboardOptInAt");

