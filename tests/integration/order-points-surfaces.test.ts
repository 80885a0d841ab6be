import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { action as checkoutAction, loader as checkoutLoader } from "../../app/routes/api.checkout.order-points";
import { action as accountAction, loader as accountLoader } from "../../app/routes/api.customer-account.order-points";
import { createTestShop, useTestDatabase } from "../db";
import { signExtensionToken, callRoute, type Route } from "../extension-tokens";
import { createMember, customerGid, nextCustomerId, nextOrderId } from "../factories";
import { orderPayload } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";
import { copyFor } from "../../extensions/kanta-order-points/src/texts";

// "You earned N points on this order": the thank-you page's estimate before the webhook and
// the real figure after it, the order status page's figure, and who may see what.
// docs/decisions/0026-points-on-the-order.md

const { db } = useTestDatabase();
const { server } = useTestServer();

const ORIGIN = "https://extensions.shopifycdn.com";
const call = callRoute;

function thankYou(token: string | null, body: unknown, init: { method?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { Origin: ORIGIN, "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const method = init.method ?? "POST";
  const request = new Request("http://127.0.0.1:3999/api/checkout/order-points", {
    method,
    headers,
    body: method === "POST" ? (init.raw ?? JSON.stringify(body)) : undefined,
  });
  return call((method === "GET" ? checkoutLoader : checkoutAction) as Route, request);
}

function orderStatus(token: string | null, orderGid: string, method = "GET") {
  const headers: Record<string, string> = { Origin: ORIGIN };
  if (token) headers.Authorization = `Bearer ${token}`;
  const request = new Request(`http://127.0.0.1:3999/api/customer-account/order-points?order=${encodeURIComponent(orderGid)}`, { method, headers });
  return call((method === "GET" ? accountLoader : accountAction) as Route, request);
}

async function deliverPaid(shopDomain: string, payload: unknown) {
  expect((await sendWebhook(server().url, "orders/paid", shopDomain, payload)).status).toBe(200);
  await getJobRunner().idle();
}

const HOUR = 3_600_000;

/** A live shop (1 point per 1.00 EUR, 100 for joining), Gold at 1.5×, a 2× campaign for all and a 2.5× one for Gold. */
async function shopWithRules(pendingDays = 14) {
  const shop = await createTestShop(db(), { pendingDays });
  const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  const entry = tiers[0]!;
  const gold = tiers[tiers.length - 1]!;
  await db().tier.update({ where: { id: gold.id }, data: { multiplierPermille: 1500 } });
  await db().tier.update({ where: { id: entry.id }, data: { multiplierPermille: 1000 } });
  const now = Date.now();
  await db().campaign.createMany({
    data: [
      { shopId: shop.id, name: "Double days", multiplierPermille: 2000, startsAt: new Date(now - HOUR), endsAt: new Date(now + HOUR) },
      { shopId: shop.id, name: "Gold week", multiplierPermille: 2500, startsAt: new Date(now - HOUR), endsAt: new Date(now + HOUR), tierRanks: String(gold.rank) },
      { shopId: shop.id, name: "Over", multiplierPermille: 9000, startsAt: new Date(now - 3 * HOUR), endsAt: new Date(now - 2 * HOUR) },
    ],
  });
  return { shop, gold, entry };
}

/**
 * One order two ways: as the thank-you page sees it (line totals after their own discounts,
 * the order's discount apart) and as Shopify's orders/paid webhook sends it (each line's
 * allocations, the order discount spread over the lines). Eligible: 40 − 6 + 25.50 − 2 − 4 = 53.50.
 */
function theOrder(orderId: string, customerId: string | null) {
  return {
    checkout: { orderId: `gid://shopify/Order/${orderId}`, currencyCode: "EUR", lines: [{ amount: 40 }, { amount: 23.5 }], orderDiscount: 10, tax: 0 },
    webhook: orderPayload({
      id: orderId,
      customerId,
      lines: [
        { price: "40.00", discount: "6.00" },
        { price: "12.75", quantity: 2, discount: "6.00" },
      ],
      updatedAt: new Date().toISOString(),
    }),
  };
}

describe("session tokens", () => {
  it("refuse a missing, forged, expired, other-audience or other-shop token with 401 and change nothing", async () => {
    const { shop } = await shopWithRules();
    const member = await createMember(db(), shop.id, { customerGid: customerGid(nextCustomerId()) });
    const order = theOrder(nextOrderId(), null).checkout;
    const before = { members: await db().member.count(), orders: await db().orderRecord.count(), ledger: await db().ledgerEntry.count() };
    const bad = [
      null,
      signExtensionToken({ shop: shop.domain, sub: member.customerGid, secret: "another-apps-secret" }),
      signExtensionToken({ shop: shop.domain, sub: member.customerGid, expiresIn: -60 }),
      signExtensionToken({ shop: shop.domain, sub: member.customerGid, aud: "another-apps-key" }),
      signExtensionToken({ shop: "not-a-kanta-shop.myshopify.com", sub: member.customerGid }),
      "not.a.jwt",
    ];
    for (const token of bad) {
      const a = await thankYou(token, order);
      expect(a.status).toBe(401);
      const b = await orderStatus(token, order.orderId);
      expect(b.status).toBe(401);
      if (token) expect(a.headers.get("access-control-allow-origin")).toBe("*");
    }
    expect({ members: await db().member.count(), orders: await db().orderRecord.count(), ledger: await db().ledgerEntry.count() }).toEqual(before);
  });

  it("answer the CORS preflight, and only the documented methods", async () => {
    const { shop } = await shopWithRules();
    const preflight = await thankYou(null, null, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect((await orderStatus(null, "gid://shopify/Order/1", "OPTIONS")).status).toBe(204);
    const token = signExtensionToken({ shop: shop.domain });
    expect((await thankYou(token, null, { method: "GET" })).status).toBe(405);
    // `dest` as a bare domain is the same shop.
    const bare = signExtensionToken({ shop: shop.domain, dest: shop.domain });
    expect((await thankYou(bare, theOrder(nextOrderId(), null).checkout)).status).toBe(200);
  });
});

describe("the thank-you page", () => {
  it("estimates a Gold member's order before the webhook exactly as the webhook then pays it (tier × best campaign), then shows the real figure", async () => {
    const { shop, gold } = await shopWithRules(14);
    const customerId = nextCustomerId();
    const member = await createMember(db(), shop.id, { customerGid: customerGid(customerId), tierId: gold.id });
    const orderId = nextOrderId();
    const { checkout, webhook } = theOrder(orderId, customerId);
    const token = signExtensionToken({ shop: shop.domain, sub: member.customerGid });

    const before = await thankYou(token, checkout);
    expect(before.status).toBe(200);
    expect(before.headers.get("access-control-allow-origin")).toBe("*");
    // floor(53.50 × 1 point per 1.00 × 1.5 (Gold) × 2.5 (Gold week beats Double days)) = floor(200.625)
    expect(await before.json()).toEqual({ kind: "estimate", points: 200, signupBonus: 0, member: true });

    await deliverPaid(shop.domain, webhook);
    const earned = await db().ledgerEntry.findMany({ where: { memberId: member.id, kind: "order_earned" } });
    const paid = earned.reduce((sum, e) => sum + e.delta + e.pendingDelta, 0);
    expect(paid).toBe(200);

    const after = await (await thankYou(token, checkout)).json();
    expect(after).toMatchObject({ kind: "earned", points: 200, pendingPoints: 200 });
    expect(new Date(after.availableAt).getTime()).toBeGreaterThan(Date.now() + 13 * 24 * HOUR);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("estimates a signed-in customer's first order at the entry tier, with the sign-up bonus the order's enrolment pays", async () => {
    const { shop } = await shopWithRules(0);
    const customerId = nextCustomerId();
    const orderId = nextOrderId();
    const { checkout, webhook } = theOrder(orderId, customerId);
    const token = signExtensionToken({ shop: shop.domain, sub: customerGid(customerId) });
    // floor(53.50 × 1.0 × 2 (Double days; Gold week is not for the entry tier)) = 107
    expect(await (await thankYou(token, checkout)).json()).toEqual({ kind: "estimate", points: 107, signupBonus: 100, member: false });

    await deliverPaid(shop.domain, webhook);
    const member = await db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: customerGid(customerId) } } });
    expect(member.points).toBe(100 + 107);
    expect(await (await thankYou(token, checkout)).json()).toEqual({ kind: "earned", points: 107, pendingPoints: 0, availableAt: null });
  });

  it("invites a guest to join with the sign-up bonus, and tells a guest nothing about an order Kanta holds", async () => {
    const { shop } = await shopWithRules();
    const customerId = nextCustomerId();
    const orderId = nextOrderId();
    const { checkout, webhook } = theOrder(orderId, customerId);
    await deliverPaid(shop.domain, webhook);
    const guest = signExtensionToken({ shop: shop.domain });
    const body = await (await thankYou(guest, checkout)).json();
    expect(body).toEqual({ kind: "invite", signupBonus: 100, rate: { points: 1, spendMinor: 100 }, currencyCode: "EUR" });
  });

  it("shows another customer only the estimate from their own lines, never the order's real figure", async () => {
    const { shop } = await shopWithRules(0);
    const ownerId = nextCustomerId();
    const orderId = nextOrderId();
    const { checkout, webhook } = theOrder(orderId, ownerId);
    await deliverPaid(shop.domain, webhook);
    const other = await createMember(db(), shop.id, { customerGid: customerGid(nextCustomerId()) });
    const token = signExtensionToken({ shop: shop.domain, sub: other.customerGid });
    const body = await (await thankYou(token, { ...checkout, lines: [{ amount: 5 }], orderDiscount: 0 })).json();
    expect(body).toEqual({ kind: "estimate", points: 10, signupBonus: 0, member: true });
  });

  it("shows nothing when the program is paused or the member is excluded, and no number in another currency", async () => {
    const { shop } = await shopWithRules();
    const member = await createMember(db(), shop.id, { customerGid: customerGid(nextCustomerId()) });
    const token = signExtensionToken({ shop: shop.domain, sub: member.customerGid });
    const { checkout } = theOrder(nextOrderId(), null);
    expect(await (await thankYou(token, { ...checkout, currencyCode: "USD" })).json()).toEqual({ kind: "estimate", points: null, signupBonus: 0, member: true });

    await db().member.update({ where: { id: member.id }, data: { status: "excluded" } });
    expect(await (await thankYou(token, checkout)).json()).toEqual({ kind: "hidden" });
    await db().program.update({ where: { shopId: shop.id }, data: { status: "paused" } });
    expect(await (await thankYou(signExtensionToken({ shop: shop.domain }), checkout)).json()).toEqual({ kind: "hidden" });
  });

  it("refuses malformed orders with a 400 that says why", async () => {
    const { shop } = await shopWithRules();
    const token = signExtensionToken({ shop: shop.domain });
    const { checkout } = theOrder(nextOrderId(), null);
    const cases: [unknown, string][] = [
      [{ ...checkout, orderId: "gid://shopify/Customer/1" }, "orderId"],
      [{ ...checkout, lines: [{ amount: 1.234 }] }, "decimals"],
      [{ ...checkout, lines: [{ amount: -1 }] }, "lines.0.amount"],
      [{ ...checkout, currencyCode: "euro" }, "currencyCode"],
      [{ ...checkout, extra: true }, "extra"],
      [{ ...checkout, lines: Array.from({ length: 501 }, () => ({ amount: 1 })) }, "lines"],
    ];
    for (const [body, says] of cases) {
      const response = await thankYou(token, body);
      expect(response.status).toBe(400);
      expect((await response.json()).message).toContain(says);
    }
    const notJson = await thankYou(token, null, { raw: "{nope" });
    expect(notJson.status).toBe(400);
  });
});

describe("the order status page", () => {
  it("shows the customer their order's points, pending then available; another customer's order is not found; a guest token is refused", async () => {
    const { shop, gold } = await shopWithRules(14);
    const customerId = nextCustomerId();
    const member = await createMember(db(), shop.id, { customerGid: customerGid(customerId), tierId: gold.id });
    const orderId = nextOrderId();
    const { checkout, webhook } = theOrder(orderId, customerId);
    const token = signExtensionToken({ shop: shop.domain, sub: member.customerGid });

    expect(await (await orderStatus(token, checkout.orderId)).json()).toEqual({ kind: "processing" });
    await deliverPaid(shop.domain, webhook);
    const pending = await orderStatus(token, checkout.orderId);
    expect(pending.status).toBe(200);
    expect(await pending.json()).toMatchObject({ kind: "earned", points: 200, pendingPoints: 200 });

    // After the pending period: available.
    await db().orderRecord.updateMany({ where: { shopId: shop.id, orderGid: checkout.orderId }, data: { availableAt: new Date(Date.now() - 1000) } });
    const { releaseDuePendingPoints } = await import("../../app/loyalty/orders/orders.server");
    await releaseDuePendingPoints(db(), { memberId: member.id });
    expect(await (await orderStatus(token, checkout.orderId)).json()).toEqual({ kind: "earned", points: 200, pendingPoints: 0, availableAt: null });

    const stranger = signExtensionToken({ shop: shop.domain, sub: customerGid(nextCustomerId()) });
    const notYours = await orderStatus(stranger, checkout.orderId);
    expect(notYours.status).toBe(404);
    expect(JSON.stringify(await notYours.json())).not.toContain("200");
    expect((await orderStatus(signExtensionToken({ shop: shop.domain }), checkout.orderId)).status).toBe(401);
    expect((await orderStatus(token, "42")).status).toBe(400);
  });

  it("an order in another shop is not found through this shop's token", async () => {
    const { shop } = await shopWithRules(0);
    const { shop: other } = await shopWithRules(0);
    const customerId = nextCustomerId();
    const orderId = nextOrderId();
    await deliverPaid(other.domain, theOrder(orderId, customerId).webhook);
    const token = signExtensionToken({ shop: shop.domain, sub: customerGid(customerId) });
    expect(await (await orderStatus(token, `gid://shopify/Order/${orderId}`)).json()).toEqual({ kind: "processing" });
  });
});

// The block's words are its own (not in the widget's catalogue), bundled for every language
// Kanta speaks and picked by the shopper's language as the server picks it (0036).
describe("the block's languages", () => {
  it("speaks the shopper's language, with its plural forms, numbers and dates; anything else reads English", () => {
    const fi = copyFor("fi-FI");
    expect(fi.language).toBe("fi");
    expect(fi.text("earned", { points: fi.points(1500) })).toBe("Sait tästä tilauksesta 1\u00a0500 pistettä");
    const de = copyFor("de");
    expect(de.text("willEarn", { points: de.points(1) })).toBe("Mit dieser Bestellung sammelst du 1 Punkt");
    expect(de.date("2026-12-04T12:00:00Z")).toBe("4. Dezember 2026");
    const pl = copyFor("pl");
    expect([pl.points(1), pl.points(3), pl.points(5)]).toEqual(["1 punkt", "3 punkty", "5 punktów"]);
    expect(copyFor("pt").language).toBe("pt-BR");
    expect(copyFor("no").language).toBe("nb");
    expect(copyFor("ja").text("heading")).toBe("Rewards");
  });

  it("every language has every text, with the English placeholders", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const keys = ["heading", "willEarn", "pending", "available", "estimateNote", "estimateUnknown", "joinBonus", "earned", "availableOn", "availableNow", "processing", "inviteHeading", "inviteBonus", "inviteText", "inviteRate", "inviteButton"] as const;
    const en = copyFor("en");
    for (const code of ["en", "fi", "sv", "da", "nb", "de", "fr", "es", "it", "nl", "pl", "pt-BR"]) {
      const copy = copyFor(code);
      expect(copy.language).toBe(code);
      for (const key of keys) {
        expect(copy.text(key), `${code} ${key}`).not.toBe("");
        expect(placeholders(copy.text(key)), `${code} ${key}`).toEqual(placeholders(en.text(key)));
      }
      expect(copy.points(7)).toContain("7");
    }
  });
});
