-- AlterTable
ALTER TABLE "Member" ADD COLUMN "emailMarketingCheckedAt" DATETIME;
ALTER TABLE "Member" ADD COLUMN "emailMarketingState" TEXT;
ALTER TABLE "Member" ADD COLUMN "emailUnsubscribedAt" DATETIME;

-- CreateTable
CREATE TABLE "EmailSettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "senderName" TEXT,
    "replyTo" TEXT,
    "logoUrl" TEXT,
    "rewardsUrl" TEXT,
    "occasions" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EmailSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EmailSuppression" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EmailSuppression_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "EmailSuppression_shopId_email_key" ON "EmailSuppression"("shopId", "email");

