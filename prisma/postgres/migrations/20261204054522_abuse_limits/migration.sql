-- AlterTable
ALTER TABLE "Referral" ADD COLUMN     "friendCodeAt" TIMESTAMP(3),
ADD COLUMN     "visitorKey" TEXT;

-- CreateIndex
CREATE INDEX "Referral_shopId_friendCodeAt_idx" ON "Referral"("shopId", "friendCodeAt");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shopId_visitorKey_key" ON "Referral"("shopId", "visitorKey");

