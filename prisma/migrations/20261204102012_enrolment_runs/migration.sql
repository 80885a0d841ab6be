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

-- AlterTable (ADD COLUMN, not a table redefinition: a redefinition would drop Program
-- columns that other migrations of the same day add before this one)
ALTER TABLE "Program" ADD COLUMN "enrolOrderDays" INTEGER NOT NULL DEFAULT 60;
ALTER TABLE "Program" ADD COLUMN "enrolAwardPoints" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Program" ADD COLUMN "enrolSignupBonus" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "EnrolmentRun_shopId_createdAt_idx" ON "EnrolmentRun"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "EnrolmentRun_status_nextAttemptAt_idx" ON "EnrolmentRun"("status", "nextAttemptAt");

