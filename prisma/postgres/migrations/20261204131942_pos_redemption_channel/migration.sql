-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "channel" TEXT NOT NULL DEFAULT 'online',
ADD COLUMN     "staffId" TEXT;

