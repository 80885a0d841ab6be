-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "collectionGid" TEXT;
ALTER TABLE "Campaign" ADD COLUMN "collectionTitle" TEXT;

-- CreateTable
CREATE TABLE "CatalogProduct" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "productType" TEXT NOT NULL DEFAULT '',
    "vendor" TEXT NOT NULL DEFAULT '',
    "syncedAt" DATETIME NOT NULL,
    CONSTRAINT "CatalogProduct_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CatalogCollection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL DEFAULT '',
    "syncedAt" DATETIME NOT NULL,
    CONSTRAINT "CatalogCollection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CatalogMembership" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "collectionGid" TEXT NOT NULL,
    CONSTRAINT "CatalogMembership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CatalogSync" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "products" INTEGER NOT NULL DEFAULT 0,
    "collections" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastError" TEXT,
    CONSTRAINT "CatalogSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    CONSTRAINT "OrderLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderRefundLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "refundGid" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "taxMinor" BIGINT NOT NULL DEFAULT 0,
    "nonEarning" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "OrderRefundLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OrderRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "memberId" TEXT,
    "customerGid" TEXT,
    "name" TEXT,
    "currencyCode" TEXT NOT NULL,
    "stateUpdatedAt" DATETIME NOT NULL,
    "paid" BOOLEAN NOT NULL DEFAULT false,
    "cancelled" BOOLEAN NOT NULL DEFAULT false,
    "taxesIncluded" BOOLEAN NOT NULL DEFAULT false,
    "processedAt" DATETIME,
    "grossMinor" BIGINT NOT NULL DEFAULT 0,
    "editRemovedMinor" BIGINT NOT NULL DEFAULT 0,
    "refundedIds" TEXT NOT NULL DEFAULT '',
    "earnPoints" INTEGER,
    "earnSpendMinor" BIGINT,
    "multiplierPermille" INTEGER,
    "pointsTarget" INTEGER NOT NULL DEFAULT 0,
    "pointsCredited" INTEGER NOT NULL DEFAULT 0,
    "pointsPending" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DATETIME,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "eligibleMinor" BIGINT NOT NULL DEFAULT 0,
    "orderTotalMinor" BIGINT NOT NULL DEFAULT 0,
    "backfill" TEXT,
    "earnMode" TEXT,
    "earnMinSpendMinor" BIGINT,
    "earnByLine" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "OrderRecord_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OrderRecord" ("availableAt", "backfill", "cancelled", "createdAt", "currencyCode", "customerGid", "earnPoints", "earnSpendMinor", "editRemovedMinor", "eligibleMinor", "grossMinor", "id", "memberId", "multiplierPermille", "name", "orderGid", "orderTotalMinor", "paid", "pointsCredited", "pointsPending", "pointsTarget", "processedAt", "refundedIds", "revision", "shopId", "stateUpdatedAt", "taxesIncluded", "updatedAt") SELECT "availableAt", "backfill", "cancelled", "createdAt", "currencyCode", "customerGid", "earnPoints", "earnSpendMinor", "editRemovedMinor", "eligibleMinor", "grossMinor", "id", "memberId", "multiplierPermille", "name", "orderGid", "orderTotalMinor", "paid", "pointsCredited", "pointsPending", "pointsTarget", "processedAt", "refundedIds", "revision", "shopId", "stateUpdatedAt", "taxesIncluded", "updatedAt" FROM "OrderRecord";
DROP TABLE "OrderRecord";
ALTER TABLE "new_OrderRecord" RENAME TO "OrderRecord";
CREATE INDEX "OrderRecord_shopId_availableAt_idx" ON "OrderRecord"("shopId", "availableAt");
CREATE INDEX "OrderRecord_shopId_memberId_processedAt_idx" ON "OrderRecord"("shopId", "memberId", "processedAt");
CREATE UNIQUE INDEX "OrderRecord_shopId_orderGid_key" ON "OrderRecord"("shopId", "orderGid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

