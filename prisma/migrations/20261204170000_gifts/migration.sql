-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN "giftImageUrl" TEXT;
ALTER TABLE "Redemption" ADD COLUMN "giftSourceGid" TEXT;
ALTER TABLE "Redemption" ADD COLUMN "giftVariantGid" TEXT;

