-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "enrolAwardPoints" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "enrolOrderDays" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "enrolSignupBonus" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "OrderRecord" ADD COLUMN     "backfill" TEXT;

-- CreateTable
CREATE TABLE "EnrolmentRun" (
    "id" TEXT NOT NULL,
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
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EnrolmentRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EnrolmentRun_shopId_createdAt_idx" ON "EnrolmentRun"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "EnrolmentRun_status_nextAttemptAt_idx" ON "EnrolmentRun"("status", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "EnrolmentRun" ADD CONSTRAINT "EnrolmentRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

