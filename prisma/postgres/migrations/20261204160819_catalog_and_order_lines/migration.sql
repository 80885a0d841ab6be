-- AlterTable
ALTER TABLE "OrderRecord" ADD COLUMN     "earnByLine" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "earnMinSpendMinor" BIGINT,
ADD COLUMN     "earnMode" TEXT;

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "collectionGid" TEXT,
ADD COLUMN     "collectionTitle" TEXT;

-- CreateTable
CREATE TABLE "CatalogProduct" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "productType" TEXT NOT NULL DEFAULT '',
    "vendor" TEXT NOT NULL DEFAULT '',
    "syncedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogProduct_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogCollection" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL DEFAULT '',
    "syncedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogCollection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogMembership" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,

    CONSTRAINT "CatalogMembership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogSync" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "products" INTEGER NOT NULL DEFAULT 0,
    "collections" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "CatalogSync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "productGid" TEXT,
    "variantGid" TEXT,
    "quantity" INTEGER NOT NULL,
    "currentQuantity" INTEGER NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "taxMinor" BIGINT NOT NULL DEFAULT 0,
    "nonEarning" BOOLEAN NOT NULL DEFAULT false,
    "earnPermille" INTEGER,
    "earnExtraPoints" INTEGER,
    "earnMultiplierPermille" INTEGER,

    CONSTRAINT "OrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderRefundLine" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "refundGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "taxMinor" BIGINT NOT NULL DEFAULT 0,
    "nonEarning" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "OrderRefundLine_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CatalogProduct_shopId_productGid_key" ON "CatalogProduct"("shopId", "productGid");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogCollection_shopId_collectionGid_key" ON "CatalogCollection"("shopId", "collectionGid");

-- CreateIndex
CREATE INDEX "CatalogMembership_shopId_collectionGid_idx" ON "CatalogMembership"("shopId", "collectionGid");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogMembership_shopId_productGid_collectionGid_key" ON "CatalogMembership"("shopId", "productGid", "collectionGid");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogSync_shopId_key" ON "CatalogSync"("shopId");

-- CreateIndex
CREATE INDEX "OrderLine_shopId_productGid_idx" ON "OrderLine"("shopId", "productGid");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLine_shopId_orderGid_lineItemId_key" ON "OrderLine"("shopId", "orderGid", "lineItemId");

-- CreateIndex
CREATE INDEX "OrderRefundLine_shopId_orderGid_idx" ON "OrderRefundLine"("shopId", "orderGid");

-- CreateIndex
CREATE UNIQUE INDEX "OrderRefundLine_shopId_refundGid_lineItemId_key" ON "OrderRefundLine"("shopId", "refundGid", "lineItemId");

-- AddForeignKey
ALTER TABLE "CatalogProduct" ADD CONSTRAINT "CatalogProduct_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogCollection" ADD CONSTRAINT "CatalogCollection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogMembership" ADD CONSTRAINT "CatalogMembership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogSync" ADD CONSTRAINT "CatalogSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderRefundLine" ADD CONSTRAINT "OrderRefundLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

