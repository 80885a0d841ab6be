-- CreateTable
CREATE TABLE "Occasion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT,
    "email" TEXT,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',
    "occurredAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Occasion_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OccasionDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "occasionId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "recipient" TEXT,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OccasionDelivery_occasionId_fkey" FOREIGN KEY ("occasionId") REFERENCES "Occasion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Occasion_shopId_occurredAt_idx" ON "Occasion"("shopId", "occurredAt");

-- CreateIndex
CREATE INDEX "Occasion_shopId_memberId_kind_idx" ON "Occasion"("shopId", "memberId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Occasion_shopId_key_key" ON "Occasion"("shopId", "key");

-- CreateIndex
CREATE INDEX "OccasionDelivery_channel_status_nextAttemptAt_idx" ON "OccasionDelivery"("channel", "status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OccasionDelivery_shopId_channel_status_sentAt_idx" ON "OccasionDelivery"("shopId", "channel", "status", "sentAt");

-- CreateIndex
CREATE INDEX "OccasionDelivery_shopId_createdAt_idx" ON "OccasionDelivery"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "OccasionDelivery_occasionId_channel_key" ON "OccasionDelivery"("occasionId", "channel");

