-- CreateTable
CREATE TABLE "ReconcileRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "membersChecked" INTEGER NOT NULL DEFAULT 0,
    "ordersChecked" INTEGER NOT NULL DEFAULT 0,
    "differenceCount" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    CONSTRAINT "ReconcileRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReconcileDifference" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "memberId" TEXT,
    "orderGid" TEXT,
    "expected" TEXT NOT NULL,
    "actual" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReconcileDifference_runId_fkey" FOREIGN KEY ("runId") REFERENCES "ReconcileRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ReconcileRun_shopId_startedAt_idx" ON "ReconcileRun"("shopId", "startedAt");

-- CreateIndex
CREATE INDEX "ReconcileDifference_runId_idx" ON "ReconcileDifference"("runId");

