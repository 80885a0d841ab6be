-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "memberAccess" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "textOverrides" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "leaderboardOptInAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "EarningRule" ADD COLUMN     "translations" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Tier" ADD COLUMN     "translations" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "maxTierRank" INTEGER,
ADD COLUMN     "translations" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "giftImageUrl" TEXT,
ADD COLUMN     "giftSourceGid" TEXT,
ADD COLUMN     "giftVariantGid" TEXT;

-- AlterTable
ALTER TABLE "OrderRecord" ADD COLUMN     "earnByLine" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "earnMinSpendMinor" BIGINT,
ADD COLUMN     "earnMode" TEXT;

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "collectionGid" TEXT,
ADD COLUMN     "collectionTitle" TEXT;

-- CreateTable
CREATE TABLE "TierMembership" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'paid',
    "orderGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierMembership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Challenge" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "target" INTEGER NOT NULL,
    "windowKind" TEXT NOT NULL DEFAULT 'fixed',
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "windowDays" INTEGER,
    "collectionGid" TEXT,
    "rewardPoints" INTEGER NOT NULL DEFAULT 0,
    "badgeId" TEXT,
    "giftRef" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Challenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeProgress" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "joinedAt" TIMESTAMP(3) NOT NULL,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "completedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChallengeProgress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Badge" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "icon" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Badge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberBadge" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "badgeId" TEXT NOT NULL,
    "challengeId" TEXT,
    "awardedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberBadge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogProduct" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "productType" TEXT NOT NULL DEFAULT '',
    "vendor" TEXT NOT NULL DEFAULT '',
    "syncedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogProduct_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogCollection" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL DEFAULT '',
    "syncedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogCollection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogMembership" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,

    CONSTRAINT "CatalogMembership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogSync" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "products" INTEGER NOT NULL DEFAULT 0,
    "collections" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "CatalogSync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" TEXT NOT NULL,
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

    CONSTRAINT "OrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderRefundLine" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "refundGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "taxMinor" BIGINT NOT NULL DEFAULT 0,
    "nonEarning" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "OrderRefundLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CharitySettings" (
    "shopId" TEXT NOT NULL,
    "pointsPerUnit" INTEGER NOT NULL DEFAULT 100,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CharitySettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "Cause" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cause_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Donation" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "causeId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Donation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Surprise" (
    "id" TEXT NOT NULL,
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
    "drawnAt" TIMESTAMP(3),
    "actor" TEXT NOT NULL DEFAULT 'system',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Surprise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurpriseWinner" (
    "id" TEXT NOT NULL,
    "surpriseId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "awardedAt" TIMESTAMP(3),
    "redemptionId" TEXT,
    "seenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurpriseWinner_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "TierMembership" ADD CONSTRAINT "TierMembership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierMembership" ADD CONSTRAINT "TierMembership_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierMembership" ADD CONSTRAINT "TierMembership_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "Tier"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_badgeId_fkey" FOREIGN KEY ("badgeId") REFERENCES "Badge"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeProgress" ADD CONSTRAINT "ChallengeProgress_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeProgress" ADD CONSTRAINT "ChallengeProgress_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Badge" ADD CONSTRAINT "Badge_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberBadge" ADD CONSTRAINT "MemberBadge_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberBadge" ADD CONSTRAINT "MemberBadge_badgeId_fkey" FOREIGN KEY ("badgeId") REFERENCES "Badge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogProduct" ADD CONSTRAINT "CatalogProduct_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogCollection" ADD CONSTRAINT "CatalogCollection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogMembership" ADD CONSTRAINT "CatalogMembership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogSync" ADD CONSTRAINT "CatalogSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderRefundLine" ADD CONSTRAINT "OrderRefundLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CharitySettings" ADD CONSTRAINT "CharitySettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Cause" ADD CONSTRAINT "Cause_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Donation" ADD CONSTRAINT "Donation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Donation" ADD CONSTRAINT "Donation_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Donation" ADD CONSTRAINT "Donation_causeId_fkey" FOREIGN KEY ("causeId") REFERENCES "Cause"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Surprise" ADD CONSTRAINT "Surprise_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurpriseWinner" ADD CONSTRAINT "SurpriseWinner_surpriseId_fkey" FOREIGN KEY ("surpriseId") REFERENCES "Surprise"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurpriseWinner" ADD CONSTRAINT "SurpriseWinner_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

