-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Program" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "pendingDays" INTEGER NOT NULL DEFAULT 0,
    "expiryMonths" INTEGER,
    "expiryReminderDays" INTEGER,
    "winbackDays" INTEGER,
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
    "memberAccess" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Program_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Program" ("enrolAwardPoints", "enrolOrderDays", "enrolSignupBonus", "excludedTags", "expiryMonths", "expiryReminderDays", "id", "launchedAt", "pendingDays", "pointsNames", "programName", "referralSettings", "shopId", "status", "tierBasis", "tierKeepNextPeriod", "tierLastReviewAt", "tierPeriod", "updatedAt", "widgetSeenAt", "widgetSettings", "winbackDays") SELECT "enrolAwardPoints", "enrolOrderDays", "enrolSignupBonus", "excludedTags", "expiryMonths", "expiryReminderDays", "id", "launchedAt", "pendingDays", "pointsNames", "programName", "referralSettings", "shopId", "status", "tierBasis", "tierKeepNextPeriod", "tierLastReviewAt", "tierPeriod", "updatedAt", "widgetSeenAt", "widgetSettings", "winbackDays" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shopId_key" ON "Program"("shopId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

