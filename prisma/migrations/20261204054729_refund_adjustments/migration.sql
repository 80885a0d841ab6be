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
    CONSTRAINT "OrderRecord_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OrderRecord" ("availableAt", "cancelled", "createdAt", "currencyCode", "customerGid", "earnPoints", "earnSpendMinor", "editRemovedMinor", "eligibleMinor", "grossMinor", "id", "memberId", "multiplierPermille", "name", "orderGid", "paid", "pointsCredited", "pointsPending", "pointsTarget", "processedAt", "refundedIds", "revision", "shopId", "stateUpdatedAt", "taxesIncluded", "updatedAt") SELECT "availableAt", "cancelled", "createdAt", "currencyCode", "customerGid", "earnPoints", "earnSpendMinor", "editRemovedMinor", "eligibleMinor", "grossMinor", "id", "memberId", "multiplierPermille", "name", "orderGid", "paid", "pointsCredited", "pointsPending", "pointsTarget", "processedAt", "refundedIds", "revision", "shopId", "stateUpdatedAt", "taxesIncluded", "updatedAt" FROM "OrderRecord";
DROP TABLE "OrderRecord";
ALTER TABLE "new_OrderRecord" RENAME TO "OrderRecord";
CREATE INDEX "OrderRecord_shopId_availableAt_idx" ON "OrderRecord"("shopId", "availableAt");
CREATE INDEX "OrderRecord_shopId_memberId_processedAt_idx" ON "OrderRecord"("shopId", "memberId", "processedAt");
CREATE UNIQUE INDEX "OrderRecord_shopId_orderGid_key" ON "OrderRecord"("shopId", "orderGid");
CREATE TABLE "new_OrderRefund" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "refundGid" TEXT NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "taxMinor" BIGINT NOT NULL,
    "adjustmentMinor" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OrderRefund_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OrderRefund" ("createdAt", "id", "orderGid", "refundGid", "shopId", "subtotalMinor", "taxMinor") SELECT "createdAt", "id", "orderGid", "refundGid", "shopId", "subtotalMinor", "taxMinor" FROM "OrderRefund";
DROP TABLE "OrderRefund";
ALTER TABLE "new_OrderRefund" RENAME TO "OrderRefund";
CREATE INDEX "OrderRefund_shopId_orderGid_idx" ON "OrderRefund"("shopId", "orderGid");
CREATE UNIQUE INDEX "OrderRefund_shopId_refundGid_key" ON "OrderRefund"("shopId", "refundGid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

