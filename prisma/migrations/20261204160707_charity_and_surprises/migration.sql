-- CreateTable
CREATE TABLE "CharitySettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "pointsPerUnit" INTEGER NOT NULL DEFAULT 100,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CharitySettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Cause" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Cause_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Donation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "causeId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Donation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Donation_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Donation_causeId_fkey" FOREIGN KEY ("causeId") REFERENCES "Cause" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Surprise" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "audience" TEXT NOT NULL DEFAULT '{}',
    "prizeType" TEXT NOT NULL,
    "prizePoints" INTEGER,
    "rewardId" TEXT,
    "winnersWanted" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "eligibleCount" INTEGER,
    "winnerCount" INTEGER NOT NULL DEFAULT 0,
    "awardedCount" INTEGER NOT NULL DEFAULT 0,
    "drawnAt" DATETIME,
    "actor" TEXT NOT NULL DEFAULT 'system',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "finishedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Surprise_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SurpriseWinner" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "surpriseId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "awardedAt" DATETIME,
    "redemptionId" TEXT,
    "seenAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SurpriseWinner_surpriseId_fkey" FOREIGN KEY ("surpriseId") REFERENCES "Surprise" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SurpriseWinner_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Cause_shopId_enabled_idx" ON "Cause"("shopId", "enabled");

-- CreateIndex
CREATE INDEX "Donation_shopId_createdAt_idx" ON "Donation"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Donation_causeId_createdAt_idx" ON "Donation"("causeId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Donation_shopId_requestId_key" ON "Donation"("shopId", "requestId");

-- CreateIndex
CREATE INDEX "Surprise_shopId_createdAt_idx" ON "Surprise"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Surprise_status_nextAttemptAt_idx" ON "Surprise"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "SurpriseWinner_surpriseId_awardedAt_idx" ON "SurpriseWinner"("surpriseId", "awardedAt");

-- CreateIndex
CREATE INDEX "SurpriseWinner_memberId_seenAt_idx" ON "SurpriseWinner"("memberId", "seenAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurpriseWinner_surpriseId_memberId_key" ON "SurpriseWinner"("surpriseId", "memberId");

