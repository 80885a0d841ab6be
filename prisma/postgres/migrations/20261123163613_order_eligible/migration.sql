-- AlterTable
ALTER TABLE "OrderRecord" ADD COLUMN     "eligibleMinor" BIGINT NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "OrderRecord_shopId_memberId_processedAt_idx" ON "OrderRecord"("shopId", "memberId", "processedAt");

