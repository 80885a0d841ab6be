-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "giftImageUrl" TEXT,
ADD COLUMN     "giftSourceGid" TEXT,
ADD COLUMN     "giftVariantGid" TEXT;

