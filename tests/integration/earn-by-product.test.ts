import { beforeAll, describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { syncCatalog } from "../../app/jobs/catalog-sync.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { reconcileShop } from "../../app/loyalty/reconcile/reconcile.server";
import { invalidateShopConfig } from "../../app/loyalty/program/shop-config.server";
import { LOCAL_SHOP, localAdminGraphql } from "../../app/shopify/admin.server";
import { action as ruleAction, loader as ruleLoader } from "../../app/routes/app.earn.$id";
import { action as campaignAction } from "../../app/routes/app.earn.campaigns.$id";
import { useLocalAdminShop, useTestDatabase } from "../db";
import { lineId, orderPayload, refundPayload } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

// Earning by what is bought (issue #17 item 3, docs/decisions/0033-earning-by-what-is-bought.md),
// end to end: the merchant sets the "Place an order" rule through the editor's action (the
// demo shop in local mode, its "Candles" collection from the catalogue), orders and refunds
// arrive as signed webhooks, and the nightly proof agrees with what the order path paid.

const { db } = useTestDatabase();
const { server } = useTestServer();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

const CANDLES = "gid://shopify/Collection/5150000000001";
const MUG = "gid://shopify/Product/8812000000004";
const TAR_CANDLE = "8812000000005";
const BIRCH_CANDLE = "8812000000006";
const SOAP = "8812000000001";

function post(url: string, fields: Record<string, string | string[]>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const v of value) body.append(key, v);
    else body.set(key, value);
  }
  return new Request(`http://localhost${url}`, { method: "POST", body });
}

async function purchaseRuleId() {
  return (await db().earningRule.findFirstOrThrow({ where: { shopId, type: "purchase" } })).id;
}

async function savePurchase(fields: Record<string, string>) {
  const id = await purchaseRuleId();
  const result = await ruleAction({ request: post(`/app/earn/${id}`, { intent: "save", points: "1", spend: "1.00", ...fields }), params: { id }, context: {} });
  invalidateShopConfig();
  return result;
}

let customerSeq = 0;
async function order(id: string, lines: Parameters<typeof orderPayload>[0]["lines"], extra: Partial<Parameters<typeof orderPayload>[0]> = {}) {
  const customerId = String(8830000000000 + ++customerSeq);
  const payload = orderPayload({ id, customerId, lines, updatedAt: "2026-12-02T10:00:00Z", ...extra });
  expect((await sendWebhook(server().url, "orders/paid", LOCAL_SHOP, payload)).status).toBe(200);
  await getJobRunner().idle();
  const record = await db().orderRecord.findUniqueOrThrow({ where: { shopId_orderGid: { shopId, orderGid: `gid://shopify/Order/${id}` } } });
  return { record, payload, memberId: record.memberId! };
}

/** The member's points from orders (the sign-up bonus aside). */
const balance = async (memberId: string) =>
  (await db().ledgerEntry.findMany({ where: { memberId, kind: { in: ["order_earned", "order_reversed"] } } })).reduce((sum, e) => sum + e.delta, 0);

beforeAll(async () => {
  await syncCatalog(db(), { id: shopId, domain: LOCAL_SHOP }, await localAdminGraphql(LOCAL_SHOP), new Date());
});

describe("earning by product and collection", () => {
  it("saves the rule's products and collections through the editor, audited, and offers the catalogue to pick from", async () => {
    const id = await purchaseRuleId();
    const { editor } = await ruleLoader({ request: new Request(`http://localhost/app/earn/${id}`), params: { id }, context: {} });
    expect(editor?.catalog?.collections.map((c) => c.title)).toEqual(["Bath", "Candles", "Gifts"]);
    expect(editor?.catalog?.products.map((p) => p.title)).toContain("Tar scented candle");

    const bad = await savePurchase({ productRules: JSON.stringify([{ targetType: "collection", targetGid: CANDLES, title: "Candles", effect: "multiplier", value: "0.5" }]) });
    expect(bad).toEqual({ ok: false, errors: { productRules: "Candles: enter a multiplier above 1 and at most 10, e.g. 2" } });

    const saved = await savePurchase({
      productRules: JSON.stringify([
        { targetType: "collection", targetGid: CANDLES, title: "Candles", effect: "multiplier", value: "2" },
        { targetType: "product", targetGid: MUG, title: "Stoneware mug", effect: "exclude", value: "" },
      ]),
    });
    expect(saved).toMatchObject({ ok: true, intent: "save" });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId, action: "earn_rule.updated" }, orderBy: { createdAt: "desc" } });
    expect(audit.after).toContain("Candles");
    const reloaded = await ruleLoader({ request: new Request(`http://localhost/app/earn/${id}`), params: { id }, context: {} });
    expect(JSON.parse(reloaded.values!.productRules)).toEqual([
      { targetType: "collection", targetGid: CANDLES, title: "Candles", effect: "multiplier", value: "2" },
      { targetType: "product", targetGid: MUG, title: "Stoneware mug", effect: "exclude", value: "" },
    ]);
  });

  it("pays 2x on Candles and nothing on an excluded product, and a partial refund of the candles takes back 2x", async () => {
    await savePurchase({
      productRules: JSON.stringify([
        { targetType: "collection", targetGid: CANDLES, title: "Candles", effect: "multiplier", value: "2" },
        { targetType: "product", targetGid: MUG, title: "Stoneware mug", effect: "exclude", value: "" },
      ]),
    });
    // 2 × 22.00 candles (2x) = 88, soap 8.90 = 8.9, mug 16.00 = nothing: floor(96.9) = 96.
    const { record, payload, memberId } = await order("5510000000001", [
      { price: "22.00", quantity: 2, productId: TAR_CANDLE },
      { price: "8.90", productId: SOAP },
      { price: "16.00", productId: "8812000000004" },
    ]);
    expect(record).toMatchObject({ earnByLine: true, pointsCredited: 96, eligibleMinor: 5290n });
    expect(await balance(memberId)).toBe(96);

    // One candle back (22.00 at 2x = 44 points), delivered twice, then the order's own update.
    const refund = refundPayload({ id: "6610000000101", orderId: "5510000000001", createdAt: "2026-12-03T10:00:00Z", lines: [{ lineItemId: lineId("5510000000001", 0), quantity: 1, subtotal: "22.00" }] });
    for (let i = 0; i < 2; i++) await sendWebhook(server().url, "refunds/create", LOCAL_SHOP, refund);
    await sendWebhook(server().url, "orders/updated", LOCAL_SHOP, { ...payload, updated_at: "2026-12-03T10:00:01Z", financial_status: "partially_refunded", refunds: [refund] });
    await getJobRunner().idle();
    expect(await balance(memberId)).toBe(52);
    // The same money back from the soap line would have taken 1x: the 2x line reversed 2x.
    const reversal = await db().ledgerEntry.findMany({ where: { memberId, kind: "order_reversed" } });
    expect(reversal.map((e) => e.delta)).toEqual([-44]);
    expect((await reconcileShop(db(), shopId)).differenceCount).toBe(0);
    expect(await verifyLedger(db(), shopId)).toEqual([]);
  });

  it("pays fixed points per order from a minimum spend, excluded items not counting towards it, and takes them back below it", async () => {
    const saved = await savePurchase({
      mode: "fixed",
      points: "50",
      minSpend: "30.00",
      productRules: JSON.stringify([{ targetType: "product", targetGid: MUG, title: "Stoneware mug", effect: "exclude", value: "" }]),
    });
    expect(saved).toMatchObject({ ok: true });
    // 16.00 mug (excluded) + 20.00 soap: 20.00 eligible, under 30.00: nothing.
    const under = await order("5510000000002", [{ price: "16.00", productId: "8812000000004" }, { price: "20.00", productId: SOAP }]);
    expect(under.record).toMatchObject({ earnMode: "fixed", pointsCredited: 0, eligibleMinor: 2000n });
    // 2 × 14.00 + 8.90 = 36.90: 50 points.
    const over = await order("5510000000003", [{ price: "14.00", quantity: 2, productId: BIRCH_CANDLE }, { price: "8.90", productId: SOAP }]);
    expect(over.record).toMatchObject({ pointsCredited: 50 });
    const refund = refundPayload({ id: "6610000000102", orderId: "5510000000003", createdAt: "2026-12-03T10:00:00Z", lines: [{ lineItemId: lineId("5510000000003", 1), quantity: 1, subtotal: "8.90" }] });
    await sendWebhook(server().url, "refunds/create", LOCAL_SHOP, refund);
    await getJobRunner().idle();
    expect(await balance(over.memberId)).toBe(0);
    expect((await reconcileShop(db(), shopId)).differenceCount).toBe(0);
    await savePurchase({ mode: "rate", productRules: "[]" });
  });

  it("multiplies only the collection's lines when a campaign targets a collection", async () => {
    await savePurchase({ mode: "rate", productRules: "[]" });
    const result = await campaignAction({
      request: post("/app/earn/campaigns/new", {
        intent: "save",
        name: "3x Candles weekend",
        multiplier: "3",
        startDate: "2026-12-01",
        startTime: "00:00",
        endDate: "2026-12-31",
        endTime: "00:00",
        collection: CANDLES,
      }),
      params: { id: "new" },
      context: {},
    });
    expect(result).toMatchObject({ ok: true });
    invalidateShopConfig();
    const campaign = await db().campaign.findFirstOrThrow({ where: { shopId, name: "3x Candles weekend" } });
    expect(campaign).toMatchObject({ collectionGid: CANDLES, collectionTitle: "Candles" });
    // Candle 22.00 at 3x = 66, soap 8.90 at 1x = 8.9: 74.
    const { record } = await order("5510000000004", [{ price: "22.00", productId: TAR_CANDLE }, { price: "8.90", productId: SOAP }], { processedAt: "2026-12-05T12:00:00Z" });
    expect(record).toMatchObject({ earnByLine: true, multiplierPermille: 1000, pointsCredited: 74 });
    expect((await reconcileShop(db(), shopId)).differenceCount).toBe(0);
    await db().campaign.deleteMany({ where: { shopId } });
    invalidateShopConfig();
  });
});
