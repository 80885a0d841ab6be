import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../../app/jobs/queue.server";
import { runDueGifts } from "../../../app/jobs/gifts.server";
import { getEmulator } from "../../../app/local/emulator.server";
import { verifyLedger } from "../../../app/loyalty/ledger/append.server";
import { createTestShop, useTestDatabase } from "../../db";
import { createReward } from "../../factories";
import { lineId, orderPayload, refundPayload } from "../../fixtures/payloads";
import { sendWebhook, useLocalModeEnv, useTestServer } from "../../http";

// Seed 003's advice (PRODUCT.md): "a small gift every 3–4 purchases; a bigger gift at the
// 10th order", played through signed order webhooks to the codes Shopify holds. A milestone
// order that is cancelled or fully refunded gives its milestone back: the points by a
// correcting ledger row, the gift's code deactivated, unless the gift was already used
// (docs/decisions/0031-gifts.md).

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

const SAMPLE = "gid://shopify/ProductVariant/4470000000011"; // Hand cream sample, 8.90
const TOTE = "gid://shopify/ProductVariant/4470000000021"; // Linen tote bag, 24.50

async function setup(customerId: string) {
  const shop = await createTestShop(db());
  const emulator = await getEmulator();
  emulator.addShop({ name: "Seed 003", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const small = await createReward(db(), shop.id, "free_product", {
    name: "Sample",
    productVariantGid: SAMPLE,
    expiryDays: 60,
    enabled: false,
    config: JSON.stringify({ productTitle: "Hand cream sample", priceMinor: 890 }),
  });
  const big = await createReward(db(), shop.id, "free_product", { name: "Tote", productVariantGid: TOTE, expiryDays: 90, enabled: false });
  await db().earningRule.createMany({
    data: [
      { shopId: shop.id, type: "nth_order", name: "Every 4th order", points: 20, limit: "unlimited", config: JSON.stringify({ every: 4, giftRewardId: small.id }) },
      { shopId: shop.id, type: "nth_order", name: "Your 10th order", points: 0, limit: "once", config: JSON.stringify({ every: 10, giftRewardId: big.id }) },
    ],
  });
  let minute = 0;
  const at = () => new Date(Date.UTC(2026, 10, 2, 10, ++minute)).toISOString();
  const send = async (topic: string, payload: unknown) => expect((await sendWebhook(server().url, topic, shop.domain, payload)).status).toBe(200);
  const order = (id: string, extra: Parameters<typeof orderPayload>[0] extends infer S ? Partial<S> : never = {}) =>
    orderPayload({ id, customerId, lines: [{ price: "30.00" }], updatedAt: at(), ...extra });
  const gifts = async () => {
    await getJobRunner().idle();
    await runDueGifts(db(), { now: new Date(Date.now() + 3 * 3_600_000) });
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
    const rows = await db().redemption.findMany({ where: { memberId: member.id }, orderBy: { createdAt: "asc" } });
    return { member, rows, codes: emulator.discounts(shop.domain) };
  };
  return { shop, emulator, small, big, send, order, gifts, at };
}

describe("seed 003: a small gift every 4th order, a bigger one at the 10th", () => {
  it("issues a sample code with the 4th and 8th order and a tote code with the 10th, once each", async () => {
    const t = await setup("9420000000001");
    for (let i = 1; i <= 10; i++) {
      const payload = t.order(`71000${i}`);
      await t.send("orders/paid", payload);
      if (i === 4) await t.send("orders/paid", payload); // a duplicate delivery changes nothing
    }
    const { member, rows, codes } = await t.gifts();
    expect(rows.map((r) => [r.giftSourceGid, r.giftVariantGid, r.status])).toEqual([
      ["gid://shopify/Order/710004", SAMPLE, "issued"],
      ["gid://shopify/Order/710008", SAMPLE, "issued"],
      ["gid://shopify/Order/7100010", TOTE, "issued"],
    ]);
    // Every code is in Shopify once, for this customer only, taking one unit's price off that variant.
    for (const row of rows) {
      const made = codes.filter((c) => c.code === row.code);
      expect(made).toHaveLength(1);
      expect(made[0]!.customerGids).toEqual([member.customerGid]);
      const value = row.giftVariantGid === SAMPLE ? "8.90" : "24.50";
      expect(made[0]!.input).toMatchObject({ usageLimit: 1, customerGets: { value: { discountAmount: { amount: value, appliesOnEachItem: false } }, items: { products: { productVariantsToAdd: [row.giftVariantGid] } } } });
    }
    // 20 milestone points with the 4th and the 8th; the 10th gives a gift only.
    const bonus = await db().ledgerEntry.aggregate({ where: { memberId: member.id, kind: "action_bonus" }, _sum: { delta: true } });
    expect(bonus._sum.delta).toBe(40);
    expect(await verifyLedger(db(), t.shop.id)).toEqual([]);
  });

  it("a cancelled milestone order takes its points and its unused gift back; a fully refunded one too; a used gift stays used", async () => {
    const t = await setup("9420000000002");
    for (let i = 1; i <= 8; i++) await t.send("orders/paid", t.order(`72000${i}`));
    let state = await t.gifts();
    expect(state.rows.map((r) => r.status)).toEqual(["issued", "issued"]);
    const [fourth, eighth] = state.rows;

    // The 4th order's gift is used on the 9th order (its code on that order).
    await t.send("orders/paid", t.order("720009", { discountCodes: [fourth!.code!] }));
    // Then the 4th order is fully refunded and the 8th cancelled.
    await t.send("refunds/create", refundPayload({ id: "7300004", orderId: "720004", lines: [{ lineItemId: lineId("720004", 0), quantity: 1, subtotal: "30.00" }] }));
    await t.send("orders/cancelled", t.order("720008", { cancelledAt: t.at() }));
    await t.send("orders/cancelled", t.order("720008", { cancelledAt: t.at() })); // a replay takes nothing more
    state = await t.gifts();

    expect(state.rows.find((r) => r.id === fourth!.id)).toMatchObject({ status: "used", usedOrderGid: "gid://shopify/Order/720009" });
    expect(state.rows.find((r) => r.id === eighth!.id)).toMatchObject({ status: "revoked" });
    // The 8th order's code no longer works in Shopify; the used one was left alone.
    expect(state.codes.find((c) => c.code === eighth!.code)!.deactivatedAt).toBeInstanceOf(Date);
    expect(state.codes.find((c) => c.code === fourth!.code)!.deactivatedAt).toBeUndefined();

    const milestones = await db().ledgerEntry.findMany({ where: { shopId: t.shop.id, kind: "action_bonus" }, orderBy: { createdAt: "asc" } });
    expect(milestones.map((e) => [e.sourceGid, e.delta])).toEqual([
      ["gid://shopify/Order/720004", 20],
      ["gid://shopify/Order/720008", 20],
      ["gid://shopify/Order/720004", -20],
      ["gid://shopify/Order/720008", -20],
    ]);
    // The refunded and the cancelled order are left with nothing, milestone included.
    for (const id of ["720004", "720008"]) {
      const net = await db().ledgerEntry.aggregate({ where: { memberId: state.member.id, sourceGid: `gid://shopify/Order/${id}` }, _sum: { delta: true } });
      expect(net._sum.delta).toBe(0);
    }
    const before = state.member.points;
    expect(await verifyLedger(db(), t.shop.id)).toEqual([]);

    // The cancelled 8th no longer counts: the next order is the member's 8th earning order
    // again, and earns the milestone (and a new sample) under a key of its own.
    await t.send("orders/paid", t.order("720010"));
    state = await t.gifts();
    expect(state.rows.filter((r) => r.status === "issued").map((r) => r.giftSourceGid)).toEqual(["gid://shopify/Order/720010"]);
    const earned = await db().ledgerEntry.aggregate({ where: { memberId: state.member.id, sourceGid: "gid://shopify/Order/720010" }, _sum: { delta: true } });
    expect(await db().ledgerEntry.count({ where: { memberId: state.member.id, sourceGid: "gid://shopify/Order/720010", kind: "action_bonus", delta: 20 } })).toBe(1);
    expect(state.member.points).toBe(before + earned._sum.delta!);
    expect(await verifyLedger(db(), t.shop.id)).toEqual([]);
  });
});
