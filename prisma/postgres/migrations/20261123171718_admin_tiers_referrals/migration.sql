-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "launchedAt" TIMESTAMP(3),
ADD COLUMN     "pointsNames" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "programName" TEXT NOT NULL DEFAULT 'Rewards',
ADD COLUMN     "referralSettings" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "tierKeepNextPeriod" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "tierLastReviewAt" TIMESTAMP(3),
ADD COLUMN     "widgetSeenAt" TIMESTAMP(3),
ADD COLUMN     "widgetSettings" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "referralCode" TEXT,
ADD COLUMN     "tierChangedAt" TIMESTAMP(3),
ADD COLUMN     "tierManual" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tierManualUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "multiplierPermille" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "tierRanks" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL,
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
    "rewardAvailableAt" TIMESTAMP(3),
    "rewardedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "fromTier" TEXT,
    "toTier" TEXT,
    "reason" TEXT NOT NULL,
    "syncStatus" TEXT NOT NULL DEFAULT 'pending',
    "syncAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextSyncAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierChange_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Member_shopId_tierId_idx" ON "Member"("shopId", "tierId");

-- CreateIndex
CREATE UNIQUE INDEX "Member_shopId_referralCode_key" ON "Member"("shopId", "referralCode");

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierChange" ADD CONSTRAINT "TierChange_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

