-- AlterTable
ALTER TABLE "OrderRecord" ADD COLUMN "backfill" TEXT;

-- CreateTable
CREATE TABLE "EnrolmentRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "actor" TEXT NOT NULL DEFAULT 'system',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "phase" TEXT NOT NULL DEFAULT 'customers',
    "options" TEXT NOT NULL DEFAULT '{}',
    "bulkOperationId" TEXT,
    "linesDone" INTEGER NOT NULL DEFAULT 0,
    "customersSeen" INTEGER NOT NULL DEFAULT 0,
    "enrolled" INTEGER NOT NULL DEFAULT 0,
    "alreadyMembers" INTEGER NOT NULL DEFAULT 0,
    "excludedSkipped" INTEGER NOT NULL DEFAULT 0,
    "ordersSeen" INTEGER NOT NULL DEFAULT 0,
    "ordersCounted" INTEGER NOT NULL DEFAULT 0,
    "pointsAwarded" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EnrolmentRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Program" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "pendingDays" INTEGER NOT NULL DEFAULT 0,
    "expiryMonths" INTEGER,
    "tierBasis" TEXT NOT NULL DEFAULT 'spend',
    "tierPeriod" TEXT NOT NULL DEFAULT 'calendar_year',
    "excludedTags" TEXT NOT NULL DEFAULT '',
    "tierKeepNextPeriod" BOOLEAN NOT NULL DEFAULT true,
    "tierLastReviewAt" DATETIME,
    "pointsNames" TEXT NOT NULL DEFAULT '{}',
    "programName" TEXT NOT NULL DEFAULT 'Rewards',
    "widgetSettings" TEXT NOT NULL DEFAULT '{}',
    "referralSettings" TEXT NOT NULL DEFAULT '{}',
    "widgetSeenAt" DATETIME,
    "launchedAt" DATETIME,
    "enrolOrderDays" INTEGER NOT NULL DEFAULT 60,
    "enrolAwardPoints" BOOLEAN NOT NULL DEFAULT false,
    "enrolSignupBonus" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Program_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Program" ("excludedTags", "expiryMonths", "id", "launchedAt", "pendingDays", "pointsNames", "programName", "referralSettings", "shopId", "status", "tierBasis", "tierKeepNextPeriod", "tierLastReviewAt", "tierPeriod", "updatedAt", "widgetSeenAt", "widgetSettings") SELECT "excludedTags", "expiryMonths", "id", "launchedAt", "pendingDays", "pointsNames", "programName", "referralSettings", "shopId", "status", "tierBasis", "tierKeepNextPeriod", "tierLastReviewAt", "tierPeriod", "updatedAt", "widgetSeenAt", "widgetSettings" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shopId_key" ON "Program"("shopId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "EnrolmentRun_shopId_createdAt_idx" ON "EnrolmentRun"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "EnrolmentRun_status_nextAttemptAt_idx" ON "EnrolmentRun"("status", "nextAttemptAt");

