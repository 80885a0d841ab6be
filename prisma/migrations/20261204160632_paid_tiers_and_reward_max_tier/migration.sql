-- AlterTable
ALTER TABLE "Reward" ADD COLUMN "maxTierRank" INTEGER;

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

-- CreateIndex
CREATE INDEX "TierMembership_shopId_memberId_endedAt_idx" ON "TierMembership"("shopId", "memberId", "endedAt");

-- CreateIndex
CREATE INDEX "TierMembership_shopId_endedAt_endsAt_idx" ON "TierMembership"("shopId", "endedAt", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "TierMembership_shopId_orderGid_lineItemId_key" ON "TierMembership"("shopId", "orderGid", "lineItemId");

