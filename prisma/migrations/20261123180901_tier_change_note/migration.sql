-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TierChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "fromTier" TEXT,
    "toTier" TEXT,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL DEFAULT 'system',
    "note" TEXT,
    "syncStatus" TEXT NOT NULL DEFAULT 'pending',
    "syncAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextSyncAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TierChange_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_TierChange" ("createdAt", "customerGid", "fromTier", "id", "lastError", "memberId", "nextSyncAt", "reason", "shopId", "syncAttempts", "syncStatus", "toTier") SELECT "createdAt", "customerGid", "fromTier", "id", "lastError", "memberId", "nextSyncAt", "reason", "shopId", "syncAttempts", "syncStatus", "toTier" FROM "TierChange";
DROP TABLE "TierChange";
ALTER TABLE "new_TierChange" RENAME TO "TierChange";
CREATE INDEX "TierChange_shopId_memberId_createdAt_idx" ON "TierChange"("shopId", "memberId", "createdAt");
CREATE INDEX "TierChange_syncStatus_nextSyncAt_idx" ON "TierChange"("syncStatus", "nextSyncAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Referral_shopId_friendCode_idx" ON "Referral"("shopId", "friendCode");

