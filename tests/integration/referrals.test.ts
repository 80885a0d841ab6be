import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { DEFAULT_REFERRAL_SETTINGS, serializeReferralSettings, type ReferralSettings } from "../../app/loyalty/referrals/settings";
import { runDueReferralRewards } from "../../app/jobs/referral-rewards.server";
import { decideHeldReferral, releaseDueReferrals } from "../../app/loyalty/referrals/completion.server";
import { getEmulator } from "../../app/local/emulator.server";
import { referralGatewayForShop } from "../../app/shopify/referral-contacts.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { customerPayload, lineId, orderPayload, refundPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// Referrals end to end: signed app proxy calls (visit, greeting, claim) and simulated,
// signed webhooks (the friend's order), on both databases. docs/decisions/0009-referrals.md

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv(); // Admin API calls go to the emulator, as in local mode

const DAY = 86_400_000;
let next = 0;
const uniqueId = (prefix: number) => String(prefix + process.pid * 1000 + ++next);

async function settle() {
  await getJobRunner().idle();
}

interface Setup {
  shop: { id: string; domain: string };
  referrerId: string;
  referrerCustomerId: string;
  code: string;
}

/** A live shop with referrals on, and a member (enrolled by customers/create) whose code the widget assigned. */
async function setup(options: { pendingDays?: number; settings?: Partial<ReferralSettings>; referrerAddress?: string } = {}): Promise<Setup> {
  const shop = await createTestShop(db(), { pendingDays: options.pendingDays ?? 0 });
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const settings: ReferralSettings = { ...DEFAULT_REFERRAL_SETTINGS, enabled: true, ...options.settings };
  await db().program.update({ where: { shopId: shop.id }, data: { referralSettings: serializeReferralSettings(settings) } });
  const referrerCustomerId = uniqueId(7_100_000_000);
  await sendWebhook(server().url, "customers/create", shop.domain, customerPayload({ id: referrerCustomerId, firstName: "Aino Maria", lastName: "Virtanen", email: `aino.virtanen+${referrerCustomerId}@gmail.com` }));
  await settle();
  (await getEmulator()).addCustomer(shop.domain, {
    id: `gid://shopify/Customer/${referrerCustomerId}`,
    email: `aino.virtanen+${referrerCustomerId}@gmail.com`,
    phone: "+358 40 123 4567",
    numberOfOrders: 3,
    addresses: [{ address1: options.referrerAddress ?? "Mannerheimintie 12", zip: "00100", countryCode: "FI" }],
  });
  const view = await (await fetch(proxy("/customer", { logged_in_customer_id: referrerCustomerId }, TEST_SECRET, shop.domain))).json();
  const code = view.customer.referral.code as string;
  const member = await db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${referrerCustomerId}` } } });
  return { shop, referrerId: member.id, referrerCustomerId, code };
}

let currentShop = "";
function proxy(path: string, params: Record<string, string> = {}, secret = TEST_SECRET, shop = currentShop) {
  return `${server().url}/proxy${path}?${signProxyQuery({ shop, path_prefix: "/apps/kanta", logged_in_customer_id: "", ...params }, secret).toString()}`;
}

async function visit(s: Setup, params: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ status: number; location: string; token: string | null }> {
  const response = await fetch(proxy(`/r/${s.code}`, params, TEST_SECRET, s.shop.domain), { redirect: "manual", headers });
  const location = response.headers.get("location") ?? "";
  return { status: response.status, location, token: /kanta_ref=([\w-]+)/.exec(location)?.[1] ?? null };
}

async function claim(s: Setup, token: string, email: string, params: Record<string, string> = {}) {
  const response = await fetch(proxy("/referral/claim", params, TEST_SECRET, s.shop.domain), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token, email }),
  });
  return { status: response.status, body: await response.json() };
}

interface FriendOrder {
  id: string;
  customerId?: string | null;
  token?: string;
  code?: string;
  email: string;
  amount?: string;
  at?: Date;
  updatedAt?: Date;
  cancelled?: boolean;
  refunds?: { id: string; amount: string }[];
  address?: string;
  phone?: string | null;
}

function friendOrder(o: FriendOrder) {
  const at = o.at ?? new Date(Date.now() - 60_000);
  return orderPayload({
    id: o.id,
    customerId: o.customerId === undefined ? uniqueId(7_200_000_000) : o.customerId,
    lines: [{ price: o.amount ?? "80.00" }],
    updatedAt: (o.updatedAt ?? at).toISOString(),
    processedAt: at.toISOString(),
    cancelledAt: o.cancelled ? (o.updatedAt ?? at).toISOString() : null,
    email: o.email,
    phone: o.phone ?? null,
    shippingAddress: { address1: o.address ?? "Aleksanterinkatu 5", zip: "00100", countryCode: "FI", phone: null },
    refunds: (o.refunds ?? []).map((r) => ({ id: r.id, orderId: o.id, lines: [{ lineItemId: lineId(o.id, 0), quantity: 1, subtotal: r.amount }] })),
    ...(o.token ? { noteAttributes: { kanta_ref: o.token } } : {}),
    ...(o.code ? { discountCodes: [o.code] } : {}),
  });
}

async function referralOf(s: Setup, token: string) {
  return db().referral.findUniqueOrThrow({ where: { shopId_visitorToken: { shopId: s.shop.id, visitorToken: token } } });
}

async function referralEntries(s: Setup) {
  return db().ledgerEntry.findMany({ where: { shopId: s.shop.id, memberId: s.referrerId, kind: "referral" }, orderBy: { createdAt: "asc" } });
}

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function deliver(s: Setup, events: { topic: string; payload: unknown; eventId?: string }[]) {
  for (const e of events) {
    const response = await sendWebhook(server().url, e.topic, s.shop.domain, e.payload, { eventId: e.eventId ?? randomUUID() });
    expect(response.status).toBe(200);
  }
  await settle();
  const bad = await db().webhookEvent.findMany({ where: { shopDomain: s.shop.domain, status: { not: "done" } }, select: { topic: true, status: true, lastError: true } });
  expect(bad).toEqual([]);
}

describe("referral identity and visits", () => {
  it("gives a member a short code the first time their view is built, and keeps it", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    expect(s.code).toMatch(/^[2-9A-HJKMNP-TV-Z]{8}$/);
    const again = await (await fetch(proxy("/customer", { logged_in_customer_id: s.referrerCustomerId }))).json();
    expect(again.customer.referral).toEqual({
      url: `http://127.0.0.1:3999/apps/kanta/r/${s.code}`,
      code: s.code,
      friendsJoined: 0,
      completed: 0,
      friendOffer: { type: "percent_off", points: null, percentOff: 10, valueMinor: null, minOrderMinor: null },
      reward: { type: "points", points: 500, percentOff: null, valueMinor: null, minOrderMinor: null },
    });
    // Referrals off: no referral in the view.
    await db().program.update({ where: { shopId: s.shop.id }, data: { referralSettings: serializeReferralSettings(DEFAULT_REFERRAL_SETTINGS) } });
    const off = await (await fetch(proxy("/customer", { logged_in_customer_id: s.referrerCustomerId }))).json();
    expect(off.customer.referral).toBeNull();
  });

  it("records one visit per link opening and sends the friend home with the token; unknown codes record nothing", async () => {
    const s = await setup();
    const first = await visit(s);
    expect(first.status).toBe(302);
    expect(first.location).toMatch(/^\/local\/storefront\?kanta_ref=[\w-]{32}$/);
    const row = await referralOf(s, first.token!);
    expect(row).toMatchObject({ status: "visited", referrerId: s.referrerId, code: s.code, heldReason: null });

    const unknown = await fetch(proxy("/r/ZZZZZZZZ", {}, TEST_SECRET, s.shop.domain), { redirect: "manual" });
    expect(unknown.status).toBe(302);
    expect(unknown.headers.get("location")).toBe("/local/storefront");
    const bot = await visit(s, {}, { "User-Agent": "facebookexternalhit/1.1" });
    expect(bot).toMatchObject({ status: 302, token: null });
    expect(await db().referral.count({ where: { shopId: s.shop.id } })).toBe(1);

    // The member opening their own link, signed in: recorded and flagged.
    const own = await visit(s, { logged_in_customer_id: s.referrerCustomerId });
    expect((await referralOf(s, own.token!)).heldReason).toBe("self_visit");

    await db().program.update({ where: { shopId: s.shop.id }, data: { referralSettings: serializeReferralSettings(DEFAULT_REFERRAL_SETTINGS) } });
    expect(await visit(s)).toMatchObject({ status: 302, location: "/local/storefront", token: null });
  });

  it("keeps one visit per visitor: a second opening with the cookie's token folds into the first", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const a = await visit(s);
    const b = await visit(s);
    expect(await db().referral.count({ where: { shopId: s.shop.id } })).toBe(2);
    const res = await fetch(proxy("/referral", { token: b.token!, previous: a.token! }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.referral.token).toBe(a.token);
    expect(await db().referral.count({ where: { shopId: s.shop.id } })).toBe(1);
  });

  it("greets the friend with the referrer's first name only, never their email", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const { token } = await visit(s);
    const res = await fetch(proxy("/referral", { token: token!, locale: "fi" }));
    const text = await res.text();
    const { language, texts, ...body } = JSON.parse(text);
    // The greeting's words come with it, in the storefront's language (0036).
    expect(language).toBe("fi");
    expect(texts["referral.get_code"]).toBe("Hae koodi");
    expect(body).toEqual({
      referral: {
        token,
        active: true,
        referrer: { firstName: "Aino" },
        offer: { type: "percent_off", points: null, percentOff: 10, valueMinor: null, minOrderMinor: null },
        currencyCode: "EUR",
        code: null,
        self: false,
      },
    });
    expect(text).not.toMatch(/gmail|Virtanen|Maria/);
    expect((await fetch(proxy("/referral", { token: "x".repeat(32) }))).status).toBe(404);
  });

  it("refuses unsigned and forged proxy calls with 401 and records nothing", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const { token } = await visit(s);
    const before = await db().referral.count({ where: { shopId: s.shop.id } });
    const unsigned = await fetch(`${server().url}/proxy/r/${s.code}?shop=${s.shop.domain}&logged_in_customer_id=`, { redirect: "manual" });
    expect(unsigned.status).toBe(401);
    const forged = await fetch(proxy(`/r/${s.code}`, {}, "wrong-secret"), { redirect: "manual" });
    expect(forged.status).toBe(401);
    expect((await fetch(proxy("/referral", { token: token! }, "wrong-secret"))).status).toBe(401);
    const claimForged = await fetch(proxy("/referral/claim", {}, "wrong-secret"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token, email: "f@example.com" }) });
    expect(claimForged.status).toBe(401);
    expect(await db().referral.count({ where: { shopId: s.shop.id } })).toBe(before);
    expect((await referralOf(s, token!)).friendCode).toBeNull();
  });
});

describe("the friend's welcome code", () => {
  it("creates one single-use code per friend, validated and idempotent, and shows it again", async () => {
    const s = await setup({ settings: { friend: { type: "amount_off", percentOff: null, valueMinor: 1000, minOrderMinor: 4000, expiryDays: 30 } } });
    currentShop = s.shop.domain;
    const { token } = await visit(s);
    expect((await claim(s, token!, "not an email")).body.error).toBe("invalid_email");
    const first = await claim(s, token!, "Friend.One@example.com");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code: expect.stringMatching(/^FRIEND-\w{4}-\w{4}$/), offer: { type: "amount_off", valueMinor: 1000, minOrderMinor: 4000 }, currencyCode: "EUR" });
    const again = await claim(s, token!, "friend.one@example.com");
    expect(again.body.code).toBe(first.body.code);
    const discounts = (await getEmulator()).discounts(s.shop.domain);
    expect(discounts).toHaveLength(1);
    expect(discounts[0]).toMatchObject({
      typename: "DiscountCodeBasic",
      code: first.body.code,
      input: {
        usageLimit: 1,
        appliesOncePerCustomer: true,
        // Only the Shopify customer with the friend's email can use it (docs/decisions/0013-abuse-limits.md).
        context: { customers: { add: [expect.stringMatching(/^gid:\/\/shopify\/Customer\/\d+$/)] } },
        minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "40.00" } },
        customerGets: { value: { discountAmount: { amount: "10.00", appliesOnEachItem: false } }, items: { all: true } },
      },
    });
    expect(await referralOf(s, token!)).toMatchObject({ status: "friend_rewarded", friendEmail: "friend.one@example.com", friendCode: first.body.code, friendDiscountGid: discounts[0]!.id });
    const greeting = await (await fetch(proxy("/referral", { token: token! }))).json();
    expect(greeting.referral.code).toBe(first.body.code);
    // The friend's welcome code occasion (0023): once, to the friend's email (no member yet), stored in lower case (0022).
    const welcome = await db().occasion.findMany({ where: { shopId: s.shop.id, kind: "friend_welcome_code" } });
    expect(welcome.map((o) => [o.memberId, o.email, JSON.parse(o.data)])).toEqual([[null, "friend.one@example.com", { code: first.body.code }]]);
  });

  it("refuses the same friend twice, the referrer's own email and customers who ordered before", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const a = await visit(s);
    const b = await visit(s);
    expect((await claim(s, a.token!, "friend.two@gmail.com")).status).toBe(200);
    const twice = await claim(s, b.token!, "FriendTwo+again@googlemail.com");
    expect(twice).toMatchObject({ status: 409, body: { error: "already_claimed" } });
    const own = await claim(s, b.token!, `AinoVirtanen+other@gmail.com`);
    expect(own).toMatchObject({ status: 409, body: { error: "own_link" } });
    // A customer with a paid order in this shop is not a new customer.
    const existingId = uniqueId(7_300_000_000);
    await deliver(s, [
      { topic: "customers/create", payload: customerPayload({ id: existingId, email: "old.customer@example.com" }) },
      { topic: "orders/paid", payload: orderPayload({ id: uniqueId(5_100_000_000), customerId: existingId, lines: [{ price: "20.00" }], updatedAt: new Date().toISOString() }) },
    ]);
    expect(await claim(s, b.token!, "old.customer@example.com")).toMatchObject({ status: 409, body: { error: "existing_customer" } });
    expect((await referralOf(s, b.token!)).friendCode).toBeNull();
  });

  it("lets the friend try again when Shopify fails", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const { token } = await visit(s);
    (await getEmulator()).failNext("KantaDiscountCodeBasicCreate", "Internal error");
    const failed = await claim(s, token!, "friend.three@example.com");
    expect(failed).toMatchObject({ status: 502, body: { error: "shopify_failed" } });
    expect(await referralOf(s, token!)).toMatchObject({ status: "visited", friendCode: null, friendEmail: null });
    const retried = await claim(s, token!, "friend.three@example.com");
    expect(retried.status).toBe(200);
  });

  it("rate-limits claims per visitor", async () => {
    const s = await setup();
    const { token } = await visit(s);
    process.env.KANTA_REFERRAL_CLAIM_RATE_LIMIT = "2";
    try {
      expect((await claim(s, token!, "bad")).status).toBe(400);
      expect((await claim(s, token!, "bad")).status).toBe(400);
      const limited = await claim(s, token!, "friend.limited@example.com");
      expect(limited).toMatchObject({ status: 429, body: { error: "rate_limited" } });
      expect((await referralOf(s, token!)).friendCode).toBeNull();
    } finally {
      delete process.env.KANTA_REFERRAL_CLAIM_RATE_LIMIT;
    }
  });

  it("answers concurrent claims with one code", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const { token } = await visit(s);
    const results = await Promise.all(Array.from({ length: 5 }, () => claim(s, token!, "friend.four@example.com")));
    const codes = new Set(results.filter((r) => r.status === 200).map((r) => r.body.code));
    expect(codes.size).toBe(1);
    expect((await getEmulator()).discounts(s.shop.domain)).toHaveLength(1);
  });
});

describe("the referrer's reward", () => {
  it("pays once when the friend's first order is paid, however the webhooks repeat or reorder", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const { token } = await visit(s);
    const orderId = uniqueId(5_200_000_000);
    const customerId = uniqueId(7_200_000_000);
    const at = new Date(Date.now() - 120_000);
    const paid = friendOrder({ id: orderId, customerId, token: token!, email: "friend.five@example.com", at });
    const updated = friendOrder({ id: orderId, customerId, token: token!, email: "friend.five@example.com", at, updatedAt: new Date(at.getTime() + 30_000) });
    const paidEvent = randomUUID();
    await deliver(s, shuffle([
      { topic: "orders/paid", payload: paid, eventId: paidEvent },
      { topic: "orders/paid", payload: paid, eventId: paidEvent },
      { topic: "orders/paid", payload: paid },
      { topic: "orders/updated", payload: updated },
      { topic: "orders/updated", payload: paid },
    ]));
    const referral = await referralOf(s, token!);
    expect(referral).toMatchObject({ status: "completed", orderGid: `gid://shopify/Order/${orderId}`, orderValueMinor: 8000n, friendCustomerGid: `gid://shopify/Customer/${customerId}`, friendEmail: "friend.five@example.com" });
    expect(referral.rewardedAt).not.toBeNull();
    const entries = await referralEntries(s);
    expect(entries.map((e) => [e.delta, e.idempotencyKey])).toEqual([[500, `referral:${referral.id}`]]);
    // More deliveries and the sweep change nothing.
    await deliver(s, [{ topic: "orders/paid", payload: paid }, { topic: "orders/updated", payload: updated }]);
    await runDueReferralRewards(db(), { now: new Date(Date.now() + 30 * DAY), gatewayFor: referralGatewayForShop });
    expect(await referralEntries(s)).toHaveLength(1);
    const member = await db().member.findUniqueOrThrow({ where: { id: s.referrerId } });
    expect(member.points).toBe(100 + 500); // sign-up bonus + referral
    expect(await verifyLedger(db(), s.shop.id)).toEqual([]);
    const view = await (await fetch(proxy("/customer", { logged_in_customer_id: s.referrerCustomerId }))).json();
    expect(view.customer.referral).toMatchObject({ friendsJoined: 1, completed: 1 });
    expect(view.customer.recentActivity[0]).toMatchObject({ kind: "referral", points: 500 });
    // The referrer's occasions (0023): once each, whatever the deliveries.
    const occasions = await db().occasion.findMany({ where: { shopId: s.shop.id, kind: { in: ["referral_reward", "referral_completed"] } }, orderBy: { kind: "asc" } });
    expect(occasions.map((o) => [o.kind, o.memberId, JSON.parse(o.data)])).toEqual([
      ["referral_completed", s.referrerId, { referralId: referral.id, friendEmail: "friend.five@example.com", orderGid: `gid://shopify/Order/${orderId}` }],
      ["referral_reward", s.referrerId, { points: 500 }],
    ]);
  });

  it("attributes a guest order by the friend's welcome code alone", async () => {
    const s = await setup();
    currentShop = s.shop.domain;
    const { token } = await visit(s);
    const { body } = await claim(s, token!, "friend.six@example.com");
    const orderId = uniqueId(5_300_000_000);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: orderId, customerId: null, code: body.code.toLowerCase(), email: "friend.six@example.com" }) }]);
    // The friend's Shopify customer was made at the claim (the code is theirs); the order still came as a guest's.
    expect(await referralOf(s, token!)).toMatchObject({ status: "completed", orderGid: `gid://shopify/Order/${orderId}`, friendCustomerGid: expect.stringMatching(/^gid:\/\/shopify\/Customer\/\d+$/) });
    expect(await referralEntries(s)).toHaveLength(1);
  });

  it("counts only the friend's first referred order", async () => {
    const s = await setup();
    const { token } = await visit(s);
    const customerId = uniqueId(7_200_000_000);
    const first = uniqueId(5_400_000_000);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: first, customerId, token: token!, email: "friend.seven@example.com" }) }]);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_400_000_000), customerId, token: token!, email: "friend.seven@example.com" }) }]);
    expect((await referralOf(s, token!)).orderGid).toBe(`gid://shopify/Order/${first}`);
    expect(await referralEntries(s)).toHaveLength(1);
  });

  it("waits for the pending period; a refund within it cancels the reward, in any delivery order", async () => {
    const s = await setup({ pendingDays: 14 });
    const kept = await visit(s);
    const refunded = await visit(s);
    const cancelled = await visit(s);
    const at = new Date(Date.now() - 120_000);
    const keptId = uniqueId(5_500_000_000);
    const refundedId = uniqueId(5_500_000_000);
    const cancelledId = uniqueId(5_500_000_000);
    const keptOrder = friendOrder({ id: keptId, token: kept.token!, email: "kept@example.com", at });
    // Partly refunded: still qualifies.
    const keptRefund = refundPayload({ id: uniqueId(6_100_000_000), orderId: keptId, lines: [{ lineItemId: lineId(keptId, 0), quantity: 1, subtotal: "30.00" }] });
    const refundedOrder = friendOrder({ id: refundedId, token: refunded.token!, email: "refunded@example.com", at });
    const fullRefund = refundPayload({ id: uniqueId(6_100_000_000), orderId: refundedId, lines: [{ lineItemId: lineId(refundedId, 0), quantity: 1, subtotal: "80.00" }] });
    const cancelledCustomer = uniqueId(7_200_000_000);
    const paidThenCancelled = friendOrder({ id: cancelledId, customerId: cancelledCustomer, token: cancelled.token!, email: "cancelled@example.com", at });
    const cancelledLater = friendOrder({ id: cancelledId, customerId: cancelledCustomer, token: cancelled.token!, email: "cancelled@example.com", at, updatedAt: new Date(at.getTime() + 60_000), cancelled: true });
    await deliver(s, shuffle([
      { topic: "orders/paid", payload: keptOrder },
      { topic: "refunds/create", payload: keptRefund },
      { topic: "orders/paid", payload: refundedOrder },
      { topic: "refunds/create", payload: fullRefund },
      { topic: "orders/cancelled", payload: cancelledLater },
      { topic: "orders/paid", payload: paidThenCancelled },
    ]));
    expect((await referralOf(s, kept.token!)).status).toBe("pending");
    expect((await referralOf(s, refunded.token!)).status).toBe("cancelled");
    expect((await referralOf(s, cancelled.token!)).status).toBe("cancelled");
    expect(await referralEntries(s)).toHaveLength(0);

    // Before the end of the period: nothing. After it: the kept one pays, once.
    await releaseDueReferrals(db(), { now: new Date(Date.now() + 10 * DAY) });
    expect(await referralEntries(s)).toHaveLength(0);
    await releaseDueReferrals(db(), { now: new Date(Date.now() + 15 * DAY) });
    await releaseDueReferrals(db(), { now: new Date(Date.now() + 16 * DAY) });
    const k = await referralOf(s, kept.token!);
    expect(k).toMatchObject({ status: "completed", orderValueMinor: 8000n });
    expect((await referralEntries(s)).map((e) => e.idempotencyKey)).toEqual([`referral:${k.id}`]);
    expect((await referralOf(s, cancelled.token!)).status).toBe("cancelled");
    expect(await verifyLedger(db(), s.shop.id)).toEqual([]);
  });

  it("with no waiting period, takes the reward back once when the paid friend's order is cancelled or refunded in full", async () => {
    const s = await setup({ pendingDays: 0 });
    const cancelledVisit = await visit(s);
    const refundedVisit = await visit(s);
    const keptVisit = await visit(s);
    const at = new Date(Date.now() - 120_000);
    const cancelledId = uniqueId(5_600_000_000);
    const refundedId = uniqueId(5_600_000_000);
    const keptId = uniqueId(5_600_000_000);
    const customerId = uniqueId(7_200_000_000);
    const paid = friendOrder({ id: cancelledId, customerId, token: cancelledVisit.token!, email: "undo@example.com", at });
    await deliver(s, [
      { topic: "orders/paid", payload: paid },
      { topic: "orders/paid", payload: friendOrder({ id: refundedId, token: refundedVisit.token!, email: "undo.two@example.com", at }) },
      { topic: "orders/paid", payload: friendOrder({ id: keptId, token: keptVisit.token!, email: "kept.three@example.com", at }) },
    ]);
    expect((await referralEntries(s)).map((e) => e.delta)).toEqual([500, 500, 500]);

    const cancelled = friendOrder({ id: cancelledId, customerId, token: cancelledVisit.token!, email: "undo@example.com", at, updatedAt: new Date(at.getTime() + 60_000), cancelled: true });
    const fullRefund = refundPayload({ id: uniqueId(6_100_000_000), orderId: refundedId, lines: [{ lineItemId: lineId(refundedId, 0), quantity: 1, subtotal: "80.00" }] });
    await deliver(s, [
      { topic: "orders/cancelled", payload: cancelled },
      { topic: "orders/cancelled", payload: cancelled },
      { topic: "refunds/create", payload: fullRefund },
      { topic: "refunds/create", payload: fullRefund },
      { topic: "orders/paid", payload: paid }, // stale: changes nothing
    ]);
    const c = await referralOf(s, cancelledVisit.token!);
    const r = await referralOf(s, refundedVisit.token!);
    expect(c.status).toBe("cancelled");
    expect(c.rewardedAt).not.toBeNull(); // it was paid once
    expect(r.status).toBe("cancelled");
    expect((await referralOf(s, keptVisit.token!)).status).toBe("completed");
    const reversals = (await referralEntries(s)).filter((e) => e.delta < 0);
    expect(reversals.map((e) => [e.delta, e.idempotencyKey]).sort()).toEqual([[-500, `referral:${c.id}:reversed`], [-500, `referral:${r.id}:reversed`]].sort());
    expect(reversals[0]!.note).toMatch(/^Referral reversed: friend's order #\d+ cancelled or refunded$/);
    // The sweep changes nothing more.
    await runDueReferralRewards(db(), { now: new Date(Date.now() + 30 * DAY), gatewayFor: referralGatewayForShop });
    expect(await referralEntries(s)).toHaveLength(5);
    const member = await db().member.findUniqueOrThrow({ where: { id: s.referrerId } });
    expect(member.points).toBe(100 + 500); // sign-up bonus + the one kept referral
    expect(await verifyLedger(db(), s.shop.id)).toEqual([]);
  });

  it("takes the reward back even when the referrer already spent it: the balance goes negative, as with orders", async () => {
    const s = await setup({ pendingDays: 0 });
    const { token } = await visit(s);
    const orderId = uniqueId(5_700_000_000);
    const customerId = uniqueId(7_200_000_000);
    const at = new Date(Date.now() - 120_000);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: orderId, customerId, token: token!, email: "spent@example.com", at }) }]);
    // The referrer spends everything (600) by a staff adjustment standing in for a redemption.
    await db().$transaction(async (tx) => {
      const { appendLedgerEntry } = await import("../../app/loyalty/ledger/append.server");
      await appendLedgerEntry(tx, { shopId: s.shop.id, memberId: s.referrerId, delta: -600, kind: "redeemed", idempotencyKey: `spent:${orderId}` });
    });
    await deliver(s, [{ topic: "orders/cancelled", payload: friendOrder({ id: orderId, customerId, token: token!, email: "spent@example.com", at, updatedAt: new Date(at.getTime() + 60_000), cancelled: true }) }]);
    const member = await db().member.findUniqueOrThrow({ where: { id: s.referrerId } });
    expect(member.points).toBe(-500);
    expect(await verifyLedger(db(), s.shop.id)).toEqual([]);
  });

  it("can pay the referrer a discount code instead of points", async () => {
    const s = await setup({ settings: { referrer: { type: "percent_off", points: null, percentOff: 20, valueMinor: null, minOrderMinor: null, expiryDays: 60 } } });
    const { token } = await visit(s);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_600_000_000), token: token!, email: "friend.eight@example.com" }) }]);
    const referral = await referralOf(s, token!);
    expect(referral.status).toBe("completed");
    const redemption = await db().redemption.findUniqueOrThrow({ where: { shopId_requestId: { shopId: s.shop.id, requestId: `referral:${referral.id}` } } });
    expect(redemption).toMatchObject({ status: "issued", memberId: s.referrerId, pointsSpent: 0, rewardName: "Referral reward: 20% off" });
    const discount = (await getEmulator()).discounts(s.shop.domain).find((d) => d.code === redemption.code);
    expect(discount?.input).toMatchObject({ context: { customers: { add: [`gid://shopify/Customer/${s.referrerCustomerId}`] } }, customerGets: { value: { percentage: 0.2 } }, usageLimit: 1 });
    expect(await referralEntries(s)).toHaveLength(0);
  });

  it("creates a referrer code Shopify refused at first on the next sweep", async () => {
    const s = await setup({ settings: { referrer: { type: "amount_off", points: null, percentOff: null, valueMinor: 500, minOrderMinor: null, expiryDays: null } } });
    const { token } = await visit(s);
    (await getEmulator()).failNext("KantaDiscountCodeBasicCreate", "Internal error");
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_650_000_000), token: token!, email: "friend.nine@example.com" }) }]);
    const referral = await referralOf(s, token!);
    const requestId = `referral:${referral.id}`;
    const waiting = await db().redemption.findUniqueOrThrow({ where: { shopId_requestId: { shopId: s.shop.id, requestId } } });
    expect(waiting).toMatchObject({ status: "issuing", attempts: 1, error: "ShopifyHttpError: HTTP 500: Internal error" });
    // Retryable: due again after the first backoff (1 s from the attempt).
    expect(waiting.nextAttemptAt!.getTime()).toBeLessThanOrEqual(waiting.updatedAt.getTime() + 1_000);
    expect(await runDueReferralRewards(db(), { now: new Date(Date.now() + 2_000), gatewayFor: referralGatewayForShop })).toMatchObject({ issued: 1 });
    expect(await runDueReferralRewards(db(), { now: new Date(Date.now() + 4_000), gatewayFor: referralGatewayForShop })).toMatchObject({ issued: 0 });
    const redemption = await db().redemption.findUniqueOrThrow({ where: { shopId_requestId: { shopId: s.shop.id, requestId } } });
    expect(redemption).toMatchObject({ status: "issued", attempts: 2, error: null });
    expect((await getEmulator()).discounts(s.shop.domain).filter((d) => d.code === redemption.code)).toHaveLength(1);
  });

  it("does not create a referrer code Shopify has not created yet once the friend's order is cancelled", async () => {
    const s = await setup({ settings: { referrer: { type: "amount_off", points: null, percentOff: null, valueMinor: 500, minOrderMinor: null, expiryDays: null } } });
    const { token } = await visit(s);
    (await getEmulator()).failNext("KantaDiscountCodeBasicCreate", "Internal error");
    const orderId = uniqueId(5_660_000_000);
    const customerId = uniqueId(7_200_000_000);
    const at = new Date(Date.now() - 120_000);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: orderId, customerId, token: token!, email: "friend.ten@example.com", at }) }]);
    const referral = await referralOf(s, token!);
    expect(referral.status).toBe("completed");
    await deliver(s, [{ topic: "orders/cancelled", payload: friendOrder({ id: orderId, customerId, token: token!, email: "friend.ten@example.com", at, updatedAt: new Date(at.getTime() + 60_000), cancelled: true }) }]);
    expect((await referralOf(s, token!)).status).toBe("cancelled");
    expect(await runDueReferralRewards(db(), { now: new Date(Date.now() + 2_000), gatewayFor: referralGatewayForShop })).toMatchObject({ issued: 0 });
    const redemption = await db().redemption.findUniqueOrThrow({ where: { shopId_requestId: { shopId: s.shop.id, requestId: `referral:${referral.id}` } } });
    expect(redemption).toMatchObject({ status: "failed", error: "the friend's order was cancelled or refunded before the code was created" });
    expect((await getEmulator()).discounts(s.shop.domain).filter((d) => d.code === redemption.code)).toHaveLength(0);
  });
});

describe("fraud rules on the friend's order", () => {
  it("rejects the referrer's own order through their own link", async () => {
    const s = await setup();
    const { token } = await visit(s);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_700_000_000), customerId: s.referrerCustomerId, token: token!, email: "someone@example.com" }) }]);
    expect(await referralOf(s, token!)).toMatchObject({ status: "rejected", heldReason: expect.stringMatching(/^self_referral(,|$)/), decidedBy: "system" });
    expect(await referralEntries(s)).toHaveLength(0);
  });

  it("holds an order shipped to the referrer's address, or with the referrer's phone, for the merchant", async () => {
    const s = await setup();
    const sameAddress = await visit(s);
    const samePhone = await visit(s);
    await deliver(s, [
      { topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_710_000_000), token: sameAddress.token!, email: "friend.ten@example.com", address: "MANNERHEIMINTIE 12" }) },
      { topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_710_000_000), token: samePhone.token!, email: "friend.eleven@example.com", phone: "040 123 4567" }) },
    ]);
    expect(await referralOf(s, sameAddress.token!)).toMatchObject({ status: "held", heldReason: "same_address" });
    expect(await referralOf(s, samePhone.token!)).toMatchObject({ status: "held", heldReason: "same_phone" });
    expect(await referralEntries(s)).toHaveLength(0);
  });

  it("rejects the referrer's email (normalised) when set to reject", async () => {
    const s = await setup();
    const { token } = await visit(s);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_720_000_000), token: token!, email: `ainovirtanen@googlemail.com` }) }]);
    expect(await referralOf(s, token!)).toMatchObject({ status: "rejected", heldReason: "same_email" });
  });

  it("rejects friends who had ordered before, and friends already referred", async () => {
    const s = await setup();
    const customerId = uniqueId(7_200_000_000);
    await deliver(s, [{ topic: "orders/paid", payload: orderPayload({ id: uniqueId(5_730_000_000), customerId, lines: [{ price: "10.00" }], updatedAt: new Date(Date.now() - DAY).toISOString(), processedAt: new Date(Date.now() - DAY).toISOString() }) }]);
    const returning = await visit(s);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_730_000_000), customerId, token: returning.token!, email: "returning@example.com" }) }]);
    expect(await referralOf(s, returning.token!)).toMatchObject({ status: "rejected", heldReason: "existing_customer" });

    // Shopify's own order count says the same for orders Kanta never saw.
    const knownToShopify = uniqueId(7_200_000_000);
    (await getEmulator()).addCustomer(s.shop.domain, { id: `gid://shopify/Customer/${knownToShopify}`, email: null, phone: null, numberOfOrders: 4, addresses: [] });
    const old = await visit(s);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_730_000_000), customerId: knownToShopify, token: old.token!, email: "old@example.com" }) }]);
    expect(await referralOf(s, old.token!)).toMatchObject({ status: "rejected", heldReason: "existing_customer" });

    const first = await visit(s);
    const second = await visit(s);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_730_000_000), customerId: null, token: first.token!, email: "twice@example.com" }) }]);
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_730_000_000), customerId: null, token: second.token!, email: "TWICE@example.com" }) }]);
    expect(await referralOf(s, first.token!)).toMatchObject({ status: "completed" });
    expect(await referralOf(s, second.token!)).toMatchObject({ status: "rejected", heldReason: "already_referred" });
    expect(await referralEntries(s)).toHaveLength(1);
  });

  it("holds a friend's order after the referrer opened the link signed in", async () => {
    const s = await setup();
    const own = await visit(s, { logged_in_customer_id: s.referrerCustomerId });
    await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_740_000_000), token: own.token!, email: "shared.device@example.com" }) }]);
    expect(await referralOf(s, own.token!)).toMatchObject({ status: "held", heldReason: "self_visit" });
  });
});

describe("caps, bonuses and the merchant's decision", () => {
  it("holds rewards over the monthly cap; approving pays, rejecting does not, each recorded with staff", async () => {
    const s = await setup({ settings: { monthlyCap: 1 } });
    const tokens = [await visit(s), await visit(s), await visit(s)].map((v) => v.token!);
    for (const [i, token] of tokens.entries()) {
      await deliver(s, [{ topic: "orders/paid", payload: friendOrder({ id: uniqueId(5_800_000_000), token, email: `capped${i}@example.com` }) }]);
    }
    const [a, b, c] = await Promise.all(tokens.map((t) => referralOf(s, t)));
    expect([a!.status, b!.status, c!.status]).toEqual(["completed", "held", "held"]);
    expect(b!.heldReason).toBe("monthly_cap");
    expect(await decideHeldReferral({ shopDomain: s.shop.domain, referralId: b!.id, decision: "approve", staff: "staff:owner@example.com" }, db())).toEqual({ status: "completed", rewardCodes: [] });
    expect(await decideHeldReferral({ shopDomain: s.shop.domain, referralId: c!.id, decision: "reject", staff: "staff:owner@example.com" }, db())).toEqual({ status: "rejected", rewardCodes: [] });
    // A decided referral cannot be decided again.
    expect(await decideHeldReferral({ shopDomain: s.shop.domain, referralId: b!.id, decision: "reject", staff: "staff:x" }, db())).toBeNull();
    expect(await referralOf(s, tokens[1]!)).toMatchObject({ status: "completed", decidedBy: "staff:owner@example.com" });
    expect(await referralOf(s, tokens[2]!)).toMatchObject({ status: "rejected", decidedBy: "staff:owner@example.com" });
    expect(await referralEntries(s)).toHaveLength(2);
  });

  it("pays each tier bonus once, at the Nth completed referral", async () => {
    const s = await setup({ settings: { bonuses: [{ count: 2, points: 200 }, { count: 4, points: 700 }] } });
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push((await visit(s)).token!);
    const orders = tokens.map((token, i) => friendOrder({ id: uniqueId(5_900_000_000), token, email: `bonus${i}@example.com` }));
    for (const order of orders) await deliver(s, [{ topic: "orders/paid", payload: order }]);
    // Replays of every order change nothing.
    await deliver(s, shuffle(orders.map((payload) => ({ topic: "orders/paid", payload }))));
    const entries = await referralEntries(s);
    expect(entries.filter((e) => e.idempotencyKey.startsWith("referral-bonus:")).map((e) => [e.idempotencyKey, e.delta])).toEqual([[`referral-bonus:${s.referrerId}:2`, 200]]);
    expect(entries.filter((e) => e.idempotencyKey.startsWith("referral:"))).toHaveLength(3);
    expect((await db().member.findUniqueOrThrow({ where: { id: s.referrerId } })).points).toBe(100 + 3 * 500 + 200);
    expect(await verifyLedger(db(), s.shop.id)).toEqual([]);
  });
});
