-- CreateTable
CREATE TABLE "OrderFact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "customerGid" TEXT,
    "member" BOOLEAN NOT NULL,
    "tierId" TEXT,
    "day" TEXT NOT NULL,
    "processedAt" DATETIME NOT NULL,
    "counted" BOOLEAN NOT NULL,
    "grossMinor" BIGINT NOT NULL,
    "netMinor" BIGINT NOT NULL,
    "kantaCodes" TEXT NOT NULL DEFAULT '',
    "kantaDiscountMinor" BIGINT NOT NULL DEFAULT 0,
    "referred" BOOLEAN NOT NULL DEFAULT false,
    "repeat" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OrderFact_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AnalyticsDay" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "revenueMinor" BIGINT NOT NULL DEFAULT 0,
    "rewardOrders" INTEGER NOT NULL DEFAULT 0,
    "rewardRevenueMinor" BIGINT NOT NULL DEFAULT 0,
    "rewardDiscountMinor" BIGINT NOT NULL DEFAULT 0,
    "referredOrders" INTEGER NOT NULL DEFAULT 0,
    "referredRevenueMinor" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "AnalyticsDay_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AnalyticsPointsDay" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "issued" INTEGER NOT NULL DEFAULT 0,
    "redeemed" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "adjusted" INTEGER NOT NULL DEFAULT 0,
    "joined" INTEGER NOT NULL DEFAULT 0,
    "tierUp" INTEGER NOT NULL DEFAULT 0,
    "tierDown" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "AnalyticsPointsDay_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AnalyticsSketch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "customers" TEXT,
    "repeatCustomers" TEXT,
    CONSTRAINT "AnalyticsSketch_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AnalyticsRewardDay" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "rewardKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "redeemed" INTEGER NOT NULL DEFAULT 0,
    "points" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "AnalyticsRewardDay_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AnalyticsState" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "rolledUntil" DATETIME,
    "backfilledAt" DATETIME,
    CONSTRAINT "AnalyticsState_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "OrderFact_shopId_customerGid_processedAt_idx" ON "OrderFact"("shopId", "customerGid", "processedAt");

-- CreateIndex
CREATE INDEX "OrderFact_shopId_day_idx" ON "OrderFact"("shopId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "OrderFact_shopId_orderGid_key" ON "OrderFact"("shopId", "orderGid");

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsDay_shopId_day_segment_key" ON "AnalyticsDay"("shopId", "day", "segment");

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsPointsDay_shopId_day_key" ON "AnalyticsPointsDay"("shopId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsSketch_shopId_kind_period_segment_key" ON "AnalyticsSketch"("shopId", "kind", "period", "segment");

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsRewardDay_shopId_day_rewardKey_key" ON "AnalyticsRewardDay"("shopId", "day", "rewardKey");

-- CreateIndex
CREATE INDEX "Member_shopId_createdAt_idx" ON "Member"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Member_shopId_status_tierId_idx" ON "Member"("shopId", "status", "tierId");

-- CreateIndex
CREATE INDEX "Member_shopId_status_points_pendingPoints_idx" ON "Member"("shopId", "status", "points", "pendingPoints");

-- CreateIndex
CREATE INDEX "Redemption_shopId_createdAt_idx" ON "Redemption"("shopId", "createdAt");

