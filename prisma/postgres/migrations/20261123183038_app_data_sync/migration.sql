-- CreateTable
CREATE TABLE "AppDataSync" (
    "shopId" TEXT NOT NULL,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "syncedAt" TIMESTAMP(3),

    CONSTRAINT "AppDataSync_pkey" PRIMARY KEY ("shopId")
);

-- CreateIndex
CREATE INDEX "AppDataSync_dirty_nextAttemptAt_idx" ON "AppDataSync"("dirty", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "AppDataSync" ADD CONSTRAINT "AppDataSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: every installed shop gets its app-data metafield on the first sweep.
INSERT INTO "AppDataSync" ("shopId") SELECT "id" FROM "Shop" WHERE "uninstalledAt" IS NULL;
