-- CreateIndex
CREATE INDEX "Redemption_shopId_usedOrderGid_idx" ON "Redemption"("shopId", "usedOrderGid");

