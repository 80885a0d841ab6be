-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "productVariantGid" TEXT;

-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "rewardName" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "Redemption_shopId_code_idx" ON "Redemption"("shopId", "code");

-- CreateIndex
CREATE INDEX "Redemption_status_createdAt_idx" ON "Redemption"("status", "createdAt");

