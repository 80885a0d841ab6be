-- AlterTable
ALTER TABLE "AppDataSync" ADD COLUMN "deadAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Redemption" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "rewardId" TEXT,
    "requestId" TEXT NOT NULL,
    "rewardName" TEXT NOT NULL DEFAULT '',
    "pointsSpent" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "expiresAt" DATETIME,
    "code" TEXT,
    "discountGid" TEXT,
    "error" TEXT,
    "usedOrderGid" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    CONSTRAINT "Redemption_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Redemption_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Redemption_rewardId_fkey" FOREIGN KEY ("rewardId") REFERENCES "Reward" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Redemption" ("code", "createdAt", "discountGid", "error", "expiresAt", "id", "memberId", "pointsSpent", "requestId", "rewardId", "rewardName", "shopId", "status", "updatedAt", "usedOrderGid") SELECT "code", "createdAt", "discountGid", "error", "expiresAt", "id", "memberId", "pointsSpent", "requestId", "rewardId", "rewardName", "shopId", "status", "updatedAt", "usedOrderGid" FROM "Redemption";
DROP TABLE "Redemption";
ALTER TABLE "new_Redemption" RENAME TO "Redemption";
CREATE INDEX "Redemption_memberId_createdAt_idx" ON "Redemption"("memberId", "createdAt");
CREATE INDEX "Redemption_shopId_code_idx" ON "Redemption"("shopId", "code");
CREATE INDEX "Redemption_status_createdAt_idx" ON "Redemption"("status", "createdAt");
CREATE UNIQUE INDEX "Redemption_shopId_requestId_key" ON "Redemption"("shopId", "requestId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Tier sync rows that gave up are "dead", like every other outbox (app/jobs/backoff.ts).
UPDATE "TierChange" SET "syncStatus" = 'dead' WHERE "syncStatus" = 'failed';
