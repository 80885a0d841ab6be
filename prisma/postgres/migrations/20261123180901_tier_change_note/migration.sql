-- AlterTable
ALTER TABLE "TierChange" ADD COLUMN     "actor" TEXT NOT NULL DEFAULT 'system',
ADD COLUMN     "note" TEXT;

-- CreateIndex
CREATE INDEX "Referral_shopId_friendCode_idx" ON "Referral"("shopId", "friendCode");

