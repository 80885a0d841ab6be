-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN "creditMinor" BIGINT;

