-- CreateTable
CREATE TABLE "PointsSync" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "deadAt" DATETIME,
    "syncedAt" DATETIME,
    CONSTRAINT "PointsSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (hand-written: ADD COLUMN instead of Prisma's table redefinition, so a
-- migration of another branch that also changes Member keeps its columns and ours)
ALTER TABLE "Member" ADD COLUMN "pointsDirty" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Member" ADD COLUMN "pointsSyncError" TEXT;

-- CreateIndex
CREATE INDEX "Member_pointsDirty_shopId_idx" ON "Member"("pointsDirty", "shopId");
