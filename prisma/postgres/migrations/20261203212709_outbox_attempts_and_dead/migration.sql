-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "AppDataSync" ADD COLUMN     "deadAt" TIMESTAMP(3);


-- Tier sync rows that gave up are "dead", like every other outbox (app/jobs/backoff.ts).
UPDATE "TierChange" SET "syncStatus" = 'dead' WHERE "syncStatus" = 'failed';
