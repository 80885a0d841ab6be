-- CreateTable
CREATE TABLE "KlaviyoIntegration" (
    "shopId" TEXT NOT NULL,
    "privateKey" TEXT NOT NULL,
    "keyHint" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "validatedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KlaviyoIntegration_pkey" PRIMARY KEY ("shopId")
);

-- AddForeignKey
ALTER TABLE "KlaviyoIntegration" ADD CONSTRAINT "KlaviyoIntegration_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

