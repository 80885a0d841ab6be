-- CreateTable
CREATE TABLE "TierDiscount" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "tierName" TEXT NOT NULL,
    "wantActive" BOOLEAN NOT NULL,
    "segmentGid" TEXT,
    "discountGid" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "version" INTEGER NOT NULL DEFAULT 1,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextSyncAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leasedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TierDiscount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TierDiscount_status_nextSyncAt_idx" ON "TierDiscount"("status", "nextSyncAt");

-- CreateIndex
CREATE UNIQUE INDEX "TierDiscount_shopId_tierId_key" ON "TierDiscount"("shopId", "tierId");

-- AddForeignKey
ALTER TABLE "TierDiscount" ADD CONSTRAINT "TierDiscount_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

