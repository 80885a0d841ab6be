-- CreateTable
CREATE TABLE "AppDataSync" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "syncedAt" DATETIME,
    CONSTRAINT "AppDataSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AppDataSync_dirty_nextAttemptAt_idx" ON "AppDataSync"("dirty", "nextAttemptAt");


-- Backfill: every installed shop gets its app-data metafield on the first sweep.
INSERT INTO "AppDataSync" ("shopId") SELECT "id" FROM "Shop" WHERE "uninstalledAt" IS NULL;
