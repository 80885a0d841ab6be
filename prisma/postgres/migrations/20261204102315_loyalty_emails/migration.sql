-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "emailMarketingCheckedAt" TIMESTAMP(3),
ADD COLUMN     "emailMarketingState" TEXT,
ADD COLUMN     "emailUnsubscribedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "EmailSettings" (
    "shopId" TEXT NOT NULL,
    "senderName" TEXT,
    "replyTo" TEXT,
    "logoUrl" TEXT,
    "rewardsUrl" TEXT,
    "occasions" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "EmailSuppression" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailSuppression_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EmailSuppression_shopId_email_key" ON "EmailSuppression"("shopId", "email");

-- AddForeignKey
ALTER TABLE "EmailSettings" ADD CONSTRAINT "EmailSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailSuppression" ADD CONSTRAINT "EmailSuppression_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

