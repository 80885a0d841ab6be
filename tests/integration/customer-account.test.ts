import { createHmac, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { getEmulator } from "../../app/local/emulator.server";
import { loader as memberLoader, action as memberAction } from "../../app/routes/api.customer-account.member";
import { action as redeemAction } from "../../app/routes/api.customer-account.redeem";
import { createTestShop, useTestDatabase } from "../db";
import { createReward } from "../factories";
import { orderPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// Kanta's customer-account extensions' backend (/api/customer-account/*), called with session
// tokens signed the way Shopify signs them: HS256 JWT with the app's API secret, `aud` the API
// key, `dest` the shop, `sub` the customer GID.

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv(); // redeem reaches the Admin API emulator
afterAll(() => {
  delete process.env.KANTA_REDEEM_RATE_LIMIT;
});

const API_KEY = "kanta-test-key"; // tests/setup.ts
const ORIGIN = "https://extensions.shopifycdn.com";

function sign(claims: Record<string, unknown>, secret = TEST_SECRET): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

function token(shop: string, customerGid: string | null, overrides: Record<string, unknown> = {}, secret?: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: API_KEY,
    exp: now + 300,
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    ...(customerGid ? { sub: customerGid } : {}),
    ...overrides,
  };
  return sign(claims, secret);
}

type Route = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;

async function call(route: unknown, request: Request): Promise<Response> {
  try {
    return await (route as Route)({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const headers = (bearer: string | null, extra: Record<string, string> = {}) => ({ Origin: ORIGIN, ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}), ...extra });

const getMember = (bearer: string | null, query = "") => call(memberLoader, new Request(`https://kanta.test/api/customer-account/member${query}`, { headers: headers(bearer) }));
const postRedeem = (bearer: string | null, body: unknown) =>
  call(redeemAction, new Request("https://kanta.test/api/customer-account/redeem", { method: "POST", headers: headers(bearer, { "Content-Type": "application/json" }), body: JSON.stringify(body) }));

let seq = 0;
async function shopWithMember(points: number) {
  const shop = await createTestShop(db());
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const customerId = String(820982911946160000n + BigInt(++seq));
  await sendWebhook(server().url, "orders/paid", shop.domain, orderPayload({ id: `88${seq}`, customerId, lines: [{ price: (points - 100).toFixed(2) }], updatedAt: "2026-11-20T10:00:00Z" }));
  await getJobRunner().idle();
  const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
  expect(member.points).toBe(points);
  const reward = await createReward(db(), shop.id, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n, expiryDays: 30 });
  return { shop, customerGid: `gid://shopify/Customer/${customerId}`, member, reward };
}

async function state(shopId: string, memberId: string) {
  const member = await db().member.findUniqueOrThrow({ where: { id: memberId } });
  const redemptions = await db().redemption.count({ where: { shopId } });
  const ledger = await db().ledgerEntry.count({ where: { memberId } });
  return { points: member.points, redemptions, ledger };
}

describe("GET /api/customer-account/member", () => {
  it("answers the token's customer with the widget's view: points, tier, rewards, history", async () => {
    const { shop, customerGid, reward } = await shopWithMember(1200);
    const response = await getMember(token(shop.domain, customerGid));
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const body = await response.json();
    expect(body.customer).toMatchObject({ id: customerGid, points: 1200, status: "active", tier: { name: "Gold" } }); // 1,100 € spent
    expect(body.customer.recentActivity.map((e: { kind: string }) => e.kind).sort()).toEqual(["order_earned", "signup_bonus"]);
    expect(body.rewards).toEqual([expect.objectContaining({ id: reward.id, redeemable: true, pointsCost: 500 })]);
    expect(body.program).toMatchObject({ currencyCode: "EUR", status: "live" });
  });

  it("answers in the language the extension asks for (?locale=): the panel's texts and `language`, English otherwise (0036)", async () => {
    const { shop, customerGid } = await shopWithMember(1200);
    const fi = await (await getMember(token(shop.domain, customerGid), "?locale=fi")).json();
    expect(fi.language).toBe("fi");
    expect(fi.texts["general.points_other"]).toBe("{count} pistettä");
    expect(fi.customer.points).toBe(1200);
    const de = await (await getMember(token(shop.domain, customerGid), "?locale=de-CH")).json();
    expect(de.language).toBe("de");
    expect(de.texts["general.points_other"]).toBe("{count} Punkte");
    expect(de.texts["general.retry"]).not.toBe(fi.texts["general.retry"]);
    const pl = await (await getMember(token(shop.domain, customerGid), "?locale=pl")).json();
    expect(pl.texts["general.points_few"]).toBe("{count} punkty");
    // A language Kanta does not speak reads English.
    const ja = await (await getMember(token(shop.domain, customerGid), "?locale=ja")).json();
    expect(ja.language).toBe("en");
    expect(ja.texts["general.points_other"]).toBe("{count} points");
  });

  it("accepts `dest` as a bare domain too", async () => {
    const { shop, customerGid } = await shopWithMember(300);
    const response = await getMember(token(shop.domain, customerGid, { dest: shop.domain }));
    expect(response.status).toBe(200);
    expect((await response.json()).customer.points).toBe(300);
  });

  it("answers a signed-in customer who is not a member with customer null", async () => {
    const { shop } = await shopWithMember(300);
    const body = await (await getMember(token(shop.domain, "gid://shopify/Customer/42"))).json();
    expect(body.customer).toBeNull();
    expect(body.rewards[0]).toMatchObject({ redeemable: false, reason: "not_a_member" });
  });

  it("answers the CORS preflight with 204 and the headers the extension needs", async () => {
    const request = new Request("https://kanta.test/api/customer-account/member", {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    const response = await call(memberAction, request);
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
    const redeemPreflight = await call(redeemAction, new Request("https://kanta.test/api/customer-account/redeem", { method: "OPTIONS", headers: { Origin: ORIGIN } }));
    expect(redeemPreflight.status).toBe(204);
  });
});

describe("refused tokens: 401, readable by the extension (CORS), nothing shown, nothing changed", () => {
  it("no token, another app's secret, wrong audience, expired, not yet valid, a shop without Kanta, no customer", async () => {
    const { shop, customerGid, member, reward } = await shopWithMember(1200);
    const before = await state(shop.id, member.id);
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | null][] = [
      ["no token", null],
      ["not a JWT", "not-a-token"],
      ["another app's secret", token(shop.domain, customerGid, {}, "someone-elses-secret")],
      ["wrong audience", token(shop.domain, customerGid, { aud: "another-apps-key" })],
      ["expired", token(shop.domain, customerGid, { exp: now - 60, iat: now - 400, nbf: now - 400 })],
      ["not yet valid", token(shop.domain, customerGid, { nbf: now + 600, iat: now + 600, exp: now + 900 })],
      ["other shop (Kanta not installed)", token("someone-else.myshopify.com", customerGid, { iss: "https://someone-else.myshopify.com/admin" })],
      ["not a shop", token(shop.domain, customerGid, { dest: "https://example.com" })],
      ["missing sub", token(shop.domain, null)],
      ["sub not a customer", token(shop.domain, "gid://shopify/Order/1")],
    ];
    for (const [name, bearer] of cases) {
      const view = await getMember(bearer);
      expect(view.status, name).toBe(401);
      expect(view.headers.get("Access-Control-Allow-Origin"), name).toBe("*");
      const text = await view.text();
      expect(text, name).not.toContain("1200");
      expect(text, name).not.toContain(customerGid);
      const redeemed = await postRedeem(bearer, { rewardId: reward.id, requestId: `refused-${randomUUID()}` });
      expect(redeemed.status, name).toBe(401);
    }
    expect(await state(shop.id, member.id)).toEqual(before);
    expect((await getEmulator()).discounts(shop.domain)).toHaveLength(0);
  });

  it("a token for shop A never reads or spends a member of shop B with the same customer id", async () => {
    const a = await shopWithMember(1200);
    const b = await createTestShop(db());
    const before = await state(a.shop.id, a.member.id);
    // Shop B has Kanta but not this member: a guest view, and no redemption anywhere.
    const view = await (await getMember(token(b.domain, a.customerGid))).json();
    expect(view.customer).toBeNull();
    const redeemed = await postRedeem(token(b.domain, a.customerGid), { rewardId: a.reward.id, requestId: randomUUID() });
    expect(redeemed.status).toBe(403);
    expect(await state(a.shop.id, a.member.id)).toEqual(before);
  });
});

describe("POST /api/customer-account/redeem", () => {
  it("debits the points once and answers the code; the same request retried returns the same code and debits nothing more", async () => {
    const { shop, customerGid, member, reward } = await shopWithMember(1200);
    const requestId = randomUUID();
    const first = await postRedeem(token(shop.domain, customerGid), { rewardId: reward.id, requestId });
    expect(first.status).toBe(200);
    expect(first.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const { redemption } = await first.json();
    expect(redemption).toMatchObject({ status: "issued", pointsSpent: 500, rewardName: "5 € off" });
    expect(redemption.code).toMatch(/^[A-Z0-9-]{8,}$/);
    expect((await state(shop.id, member.id)).points).toBe(700);

    // The extension retries (a lost answer, a double tap): a fresh token, the same requestId.
    const again = await postRedeem(token(shop.domain, customerGid), { rewardId: reward.id, requestId });
    expect(again.status).toBe(200);
    expect((await again.json()).redemption).toMatchObject({ id: redemption.id, code: redemption.code });
    // Retried concurrently as well.
    const storm = await Promise.all([1, 2, 3].map(() => postRedeem(token(shop.domain, customerGid), { rewardId: reward.id, requestId })));
    expect(storm.map((r) => r.status)).toEqual([200, 200, 200]);

    const after = await state(shop.id, member.id);
    expect(after).toMatchObject({ points: 700, redemptions: 1 });
    expect(await db().ledgerEntry.count({ where: { memberId: member.id, kind: "redeemed" } })).toBe(1);
    expect((await getEmulator()).discounts(shop.domain)).toHaveLength(1);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);

    // The member view shows the code and the new balance.
    const view = await (await getMember(token(shop.domain, customerGid))).json();
    expect(view.customer.points).toBe(700);
    expect(view.customer.redemptions[0]).toMatchObject({ code: redemption.code });
  });

  it("refuses what the widget refuses, with the widget's statuses, and never goes below zero", async () => {
    const { shop, customerGid, member, reward } = await shopWithMember(600);
    const first = await postRedeem(token(shop.domain, customerGid), { rewardId: reward.id, requestId: randomUUID() });
    expect(first.status).toBe(200);
    const second = await postRedeem(token(shop.domain, customerGid), { rewardId: reward.id, requestId: randomUUID() });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: "insufficient_points" });
    expect(second.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const unknown = await postRedeem(token(shop.domain, customerGid), { rewardId: "nope", requestId: randomUUID() });
    expect(unknown.status).toBe(404);
    const bad = await postRedeem(token(shop.domain, customerGid), { rewardId: reward.id, requestId: "short" });
    expect(bad.status).toBe(400);
    expect((await state(shop.id, member.id)).points).toBe(100);
  });
});
