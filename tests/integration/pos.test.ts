import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { getEmulator } from "../../app/local/emulator.server";
import { loader as customerLoader } from "../../app/routes/api.pos.customer";
import { action as redeemAction } from "../../app/routes/api.pos.redeem";
import { createTestShop, useTestDatabase } from "../db";
import { signExtensionToken, callRoute, type Route } from "../extension-tokens";
import { createMember, createReward, customerGid, nextCustomerId } from "../factories";
import { useLocalModeEnv } from "../http";

// Kanta in Shopify POS (docs/decisions/0027-pos.md): the staff's view of the customer on the
// cart and redeeming a reward for them, with POS session tokens signed as Shopify signs
// them. The token's `sub` is the staff member; the customer comes from the request.

const { db } = useTestDatabase();
useLocalModeEnv();

const ORIGIN = "https://cdn.shopify.com";
const STAFF = "gid://shopify/User/4242";
const call = callRoute;

function view(token: string | null, customer: string, method = "GET") {
  const headers: Record<string, string> = { Origin: ORIGIN };
  if (token) headers.Authorization = `Bearer ${token}`;
  return call(customerLoader as Route, new Request(`http://127.0.0.1:3999/api/pos/customer?customer=${encodeURIComponent(customer)}`, { method, headers }));
}

function redeem(token: string | null, body: unknown) {
  const headers: Record<string, string> = { Origin: ORIGIN, "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return call(redeemAction as Route, new Request("http://127.0.0.1:3999/api/pos/redeem", { method: "POST", headers, body: JSON.stringify(body) }));
}

/** A live shop known to the Admin API emulator, a member with `points`, and two rewards a till can hand out. */
async function shopWithMember(points: number) {
  const shop = await createTestShop(db());
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const customerId = nextCustomerId();
  const entry = await db().tier.findFirstOrThrow({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  const member = await createMember(db(), shop.id, { customerGid: customerGid(customerId), firstName: "Aino", tierId: entry.id }, { points });
  const fiveOff = await createReward(db(), shop.id, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n });
  const tenPercent = await createReward(db(), shop.id, "percent_off", { name: "10% off", pointsCost: 800, percentOff: 10 });
  const shipping = await createReward(db(), shop.id, "free_shipping", { name: "Free shipping", pointsCost: 100 });
  const token = signExtensionToken({ shop: shop.domain, sub: STAFF });
  return { shop, customerId, member, rewards: { fiveOff, tenPercent, shipping }, token };
}

async function counts(shopId: string) {
  return {
    ledger: await db().ledgerEntry.count({ where: { shopId } }),
    redemptions: await db().redemption.count({ where: { shopId } }),
    audit: await db().auditEvent.count({ where: { shopId } }),
    discounts: (await getEmulator()).discounts((await db().shop.findUniqueOrThrow({ where: { id: shopId } })).domain).length,
  };
}

describe("POS session tokens", () => {
  it("refuse no token, a forged, expired, other-audience, other-shop or staff-less token with 401, with CORS headers, and change nothing", async () => {
    const { shop, customerId, member, rewards } = await shopWithMember(1000);
    const before = await counts(shop.id);
    const bad = [
      null,
      "not.a.jwt",
      signExtensionToken({ shop: shop.domain, sub: STAFF, secret: "another-apps-secret" }),
      signExtensionToken({ shop: shop.domain, sub: STAFF, expiresIn: -60 }),
      signExtensionToken({ shop: shop.domain, sub: STAFF, aud: "another-apps-key" }),
      signExtensionToken({ shop: "not-a-kanta-shop.myshopify.com", sub: STAFF }),
      signExtensionToken({ shop: shop.domain }),
    ];
    for (const token of bad) {
      const r = await redeem(token, { customer: customerId, rewardId: rewards.fiveOff.id, requestId: randomUUID() });
      expect(r.status).toBe(401);
      const v = await view(token, customerId);
      expect(v.status).toBe(401);
      if (token) expect(r.headers.get("access-control-allow-origin")).toBe("*");
    }
    expect(await counts(shop.id)).toEqual(before);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(1000);
  });

  it("answer the CORS preflight", async () => {
    const preflight = await view(null, "1", "OPTIONS");
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
  });
});

describe("the customer's details in POS", () => {
  it("show the member's points, tier and the rewards a till can hand out, affordable first by cost", async () => {
    const { customerId, token, rewards } = await shopWithMember(600);
    const response = await view(token, customerId);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const body = await response.json();
    expect(body.member).toMatchObject({ customerGid: customerGid(customerId), firstName: "Aino", points: 600, status: "active" });
    expect(body.member.tier).toMatchObject({ name: expect.any(String), rank: expect.any(Number) });
    // Free shipping has nothing to take off in a store: not offered at the till.
    expect(body.rewards.map((r: { id: string; redeemable: boolean; reason: string | null; neededPoints: number; value: string }) => [r.id, r.value, r.redeemable, r.reason, r.neededPoints])).toEqual([
      [rewards.fiveOff.id, "5.00 EUR off", true, null, 0],
      [rewards.tenPercent.id, "10% off", false, "insufficient_points", 200],
    ]);
    // The GID form works the same.
    expect((await (await view(token, customerGid(customerId))).json()).member.points).toBe(600);
  });

  it("say a customer who is not a member, or a customer of another shop, is not a member of this shop", async () => {
    const { customerId, token } = await shopWithMember(600);
    const other = await shopWithMember(900);
    expect((await (await view(token, nextCustomerId())).json()).member).toBeNull();
    // Another shop's member, asked with this shop's token: unknown here.
    const cross = await (await view(token, other.customerId)).json();
    expect(cross.member).toBeNull();
    expect(cross.rewards.every((r: { redeemable: boolean }) => !r.redeemable)).toBe(true);
    expect((await view(token, "not-a-customer")).status).toBe(400);
    expect((await (await view(other.token, other.customerId)).json()).member.points).toBe(900);
    expect((await (await view(token, customerId)).json()).member.points).toBe(600);
  });
});

describe("redeeming at POS", () => {
  it("debits once, makes the customer's code in Shopify and records channel pos and the staff member", async () => {
    const { shop, customerId, member, rewards, token } = await shopWithMember(1200);
    const response = await redeem(token, { customer: customerId, rewardId: rewards.fiveOff.id, requestId: "pos-device-req-1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const { redemption } = await response.json();
    expect(redemption).toMatchObject({ status: "issued", pointsSpent: 500, rewardName: "5 € off", requestId: "pos-device-req-1" });
    expect(redemption.code).toMatch(/^KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(700);

    const [discount] = (await getEmulator()).discounts(shop.domain);
    expect(discount).toMatchObject({ code: redemption.code });
    expect(discount!.input).toMatchObject({ usageLimit: 1, context: { customers: { add: [customerGid(customerId)] } } });

    const row = await db().redemption.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ channel: "pos", staffId: STAFF, status: "issued" });
    const debit = await db().ledgerEntry.findFirstOrThrow({ where: { memberId: member.id, kind: "redeemed" } });
    expect(debit).toMatchObject({ delta: -500, actor: `pos:${STAFF}` });
    const audit = await db().auditEvent.findMany({ where: { shopId: shop.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "member.reward_redeemed_pos", actorId: STAFF, subjectId: member.id });
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ pointsSpent: 500, channel: "pos" });
  });

  it("a device that retries the same request 5 times gets the same redemption and code, and one debit", async () => {
    const { shop, customerId, member, rewards, token } = await shopWithMember(1200);
    const requestId = randomUUID();
    const answers = [];
    for (let i = 0; i < 6; i++) {
      const r = await redeem(token, { customer: customerId, rewardId: rewards.fiveOff.id, requestId });
      expect(r.status).toBe(200);
      answers.push((await r.json()).redemption);
    }
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.code)).size).toBe(1);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(700);
    expect(await db().ledgerEntry.count({ where: { memberId: member.id, kind: "redeemed" } })).toBe(1);
    expect(await counts(shop.id)).toMatchObject({ redemptions: 1, audit: 1, discounts: 1 });
  });

  it("20 concurrent redemptions by the same member never take the balance below zero", async () => {
    const { shop, customerId, member, rewards, token } = await shopWithMember(2200);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => redeem(token, { customer: customerId, rewardId: rewards.fiveOff.id, requestId: randomUUID() })),
    );
    const statuses = responses.map((r) => r.status);
    const issued = statuses.filter((s) => s === 200).length;
    expect(issued).toBe(4); // 4 × 500 ≤ 2200 < 5 × 500
    expect(statuses.filter((s) => s === 409)).toHaveLength(16);
    for (const r of responses.filter((x) => x.status === 409)) expect((await r.json()).error).toBe("insufficient_points");
    const after = await db().member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.points).toBe(200);
    expect(await db().ledgerEntry.count({ where: { memberId: member.id, kind: "redeemed" } })).toBe(4);
    expect((await getEmulator()).discounts(shop.domain)).toHaveLength(4);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("refuses a customer of another shop, a non-member, a paused program, too few points and online-only rewards, debiting nothing", async () => {
    const { shop, customerId, member, rewards, token } = await shopWithMember(600);
    const other = await shopWithMember(5000);
    const before = await counts(shop.id);
    const otherBefore = await counts(other.shop.id);

    // Another shop's member with this shop's token (and this shop's reward): not a member here.
    const cross = await redeem(token, { customer: other.customerId, rewardId: rewards.fiveOff.id, requestId: randomUUID() });
    expect(cross.status).toBe(404);
    expect((await cross.json()).error).toBe("not_a_member");
    // …and with the other shop's reward: still not a member here.
    const crossReward = await redeem(token, { customer: other.customerId, rewardId: other.rewards.fiveOff.id, requestId: randomUUID() });
    expect((await crossReward.json()).error).toBe("not_a_member");
    // This shop's member with another shop's reward: unavailable.
    const foreignReward = await redeem(token, { customer: customerId, rewardId: other.rewards.fiveOff.id, requestId: randomUUID() });
    expect((await foreignReward.json()).error).toBe("reward_unavailable");

    const stranger = await redeem(token, { customer: nextCustomerId(), rewardId: rewards.fiveOff.id, requestId: randomUUID() });
    expect((await stranger.json()).error).toBe("not_a_member");
    const tooFew = await redeem(token, { customer: customerId, rewardId: rewards.tenPercent.id, requestId: randomUUID() });
    expect(tooFew.status).toBe(409);
    expect(await tooFew.json()).toMatchObject({ error: "insufficient_points", needed: 200 });
    const shipping = await redeem(token, { customer: customerId, rewardId: rewards.shipping.id, requestId: randomUUID() });
    expect((await shipping.json()).error).toBe("reward_unavailable");

    await db().program.update({ where: { shopId: shop.id }, data: { status: "paused" } });
    const paused = await redeem(token, { customer: customerId, rewardId: rewards.fiveOff.id, requestId: randomUUID() });
    expect(paused.status).toBe(409);
    expect((await paused.json()).error).toBe("program_inactive");
    expect((await (await view(token, customerId)).json()).rewards[0]).toMatchObject({ redeemable: false, reason: "program_inactive" });

    expect(await counts(shop.id)).toEqual(before);
    expect(await counts(other.shop.id)).toEqual(otherBefore);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(600);
  });
});
