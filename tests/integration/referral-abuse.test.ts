import { describe, expect, it } from "vitest";
import { getEmulator } from "../../app/local/emulator.server";
import { listReferrals, saveFriendDailyCap, saveReferralSettings, getReferralSettingsPage } from "../../app/loyalty/referrals/admin.server";
import { DEFAULT_REFERRAL_SETTINGS, parseReferralSettings, serializeReferralSettings, type ReferralSettings } from "../../app/loyalty/referrals/settings";
import { VISIT_RETENTION_DAYS, computeVisitorKey, pruneReferralVisits } from "../../app/loyalty/referrals/visits.server";
import { startOfShopDay } from "../../app/loyalty/referrals/welcome-cap.server";
import { findOrCreateCustomer } from "../../app/shopify/referral-contacts.server";
import { getJobRunner } from "../../app/jobs/queue.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { customerPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// The referral abuse paths of issue #11, each reproduced through the signed app proxy (as
// an attacker would reach it) against the Admin API emulator, on both databases:
// welcome codes farmed with throwaway emails, codes anyone could use, "new customer"
// checked only against Kanta's table, and a visit table any script could fill.
// docs/decisions/0013-abuse-limits.md

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

const DAY = 86_400_000;
let next = 0;
const uniqueId = (prefix: number) => String(prefix + process.pid * 1000 + ++next);

interface Setup {
  shop: { id: string; domain: string };
  code: string;
  referrerCustomerId: string;
}

async function setup(settings: Partial<ReferralSettings> = {}): Promise<Setup> {
  const shop = await createTestShop(db());
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  await db().program.update({ where: { shopId: shop.id }, data: { referralSettings: serializeReferralSettings({ ...DEFAULT_REFERRAL_SETTINGS, enabled: true, ...settings }) } });
  const referrerCustomerId = uniqueId(7_400_000_000);
  await sendWebhook(server().url, "customers/create", shop.domain, customerPayload({ id: referrerCustomerId, firstName: "Aino", lastName: "Virtanen", email: `aino+${referrerCustomerId}@example.com` }));
  await getJobRunner().idle();
  const view = await (await fetch(proxy(shop.domain, "/customer", { logged_in_customer_id: referrerCustomerId }))).json();
  return { shop, code: view.customer.referral.code as string, referrerCustomerId };
}

function proxy(shop: string, path: string, params: Record<string, string> = {}) {
  return `${server().url}/proxy${path}?${signProxyQuery({ shop, path_prefix: "/apps/kanta", logged_in_customer_id: "", ...params }, TEST_SECRET).toString()}`;
}

async function visit(s: Setup, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(proxy(s.shop.domain, `/r/${s.code}`), { redirect: "manual", headers });
  expect(response.status).toBe(302);
  const token = /kanta_ref=([\w-]+)/.exec(response.headers.get("location") ?? "")?.[1];
  expect(token).toBeTruthy();
  return token!;
}

async function claim(s: Setup, token: string, email: string) {
  const response = await fetch(proxy(s.shop.domain, "/referral/claim"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token, email }) });
  return { status: response.status, body: await response.json() };
}

/** A fresh visitor each time: another address, as a farm behind rotating proxies would be. */
let address = 0;
const stranger = () => ({ "x-forwarded-for": `203.0.113.${(++address % 250) + 1}`, "user-agent": `Mozilla/5.0 farm-${address}` });

describe("welcome codes can no longer be farmed", () => {
  it("gives at most the shop's daily cap of welcome codes, then answers 429 daily_cap", async () => {
    const s = await setup({ friendDailyCap: 3 });
    const results = [];
    // Six rounds of visit + claim with throwaway emails (the reproduction got six codes).
    for (let round = 1; round <= 6; round++) {
      const token = await visit(s, stranger());
      results.push(await claim(s, token, `throwaway-${round}-${s.shop.id}@mailinator.com`));
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429]);
    expect(results[3]!.body).toMatchObject({ error: "daily_cap", message: expect.stringContaining("tomorrow") });
    expect((await getEmulator()).discounts(s.shop.domain)).toHaveLength(3);
    expect(await db().referral.count({ where: { shopId: s.shop.id, friendCode: { not: null } } })).toBe(3);

    // The merchant sees the count against the cap, and that it was reached.
    const page = await listReferrals(s.shop.domain);
    expect(page.welcomeCodes).toEqual({ today: 3, cap: 3, reached: true });
    // Raising the cap lets the next friend in.
    expect(await saveFriendDailyCap(s.shop.domain, "4")).toEqual({ ok: true, cap: 4 });
    expect((await claim(s, await visit(s, stranger()), `late-${s.shop.id}@example.com`)).status).toBe(200);
    expect((await listReferrals(s.shop.domain)).welcomeCodes).toEqual({ today: 4, cap: 4, reached: true });
  });

  it("holds the cap under concurrent claims", async () => {
    const s = await setup({ friendDailyCap: 2 });
    const tokens = [];
    for (let i = 0; i < 8; i++) tokens.push(await visit(s, stranger()));
    const results = await Promise.all(tokens.map((token, i) => claim(s, token, `racer-${i}-${s.shop.id}@example.com`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(results.filter((r) => r.status === 429).every((r) => r.body.error === "daily_cap")).toBe(true);
    expect(results.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    expect((await getEmulator()).discounts(s.shop.domain)).toHaveLength(2);
    expect(await db().referral.count({ where: { shopId: s.shop.id, friendCodeAt: { not: null } } })).toBe(2);
  });

  it("counts the day in the shop's time zone: yesterday's codes do not count today", async () => {
    const s = await setup({ friendDailyCap: 1 });
    const earlier = await visit(s, stranger());
    expect((await claim(s, earlier, `yesterday-${s.shop.id}@example.com`)).status).toBe(200);
    const start = startOfShopDay(new Date(), "Europe/Helsinki");
    await db().referral.updateMany({ where: { shopId: s.shop.id, visitorToken: earlier }, data: { friendCodeAt: new Date(start.getTime() - 1000) } });
    expect((await claim(s, await visit(s, stranger()), `today-${s.shop.id}@example.com`)).status).toBe(200);
  });

  it("makes each code usable by the friend's own Shopify customer only", async () => {
    const s = await setup();
    const emulator = await getEmulator();
    const email = `friend-${s.shop.id}@example.com`;
    const { status, body } = await claim(s, await visit(s, stranger()), email);
    expect(status).toBe(200);
    // The friend had no customer in Shopify: Kanta created one with that email.
    const created = emulator.calls.filter((c) => c.shop === s.shop.domain && c.operationName === "KantaCustomerCreate");
    expect(created).toHaveLength(1);
    const row = await db().referral.findFirstOrThrow({ where: { shopId: s.shop.id, friendCode: body.code } });
    const friendGid = row.friendCustomerGid!;
    expect(friendGid).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    const [discount] = emulator.discounts(s.shop.domain);
    expect(discount!.input.context).toEqual({ customers: { add: [friendGid] } });
    expect(emulator.canUseDiscount(s.shop.domain, body.code, friendGid)).toBe(true);
    expect(emulator.canUseDiscount(s.shop.domain, body.code, null)).toBe(false);
    expect(emulator.canUseDiscount(s.shop.domain, body.code, `gid://shopify/Customer/${s.referrerCustomerId}`)).toBe(false);
  });

  it("uses the customer Shopify already has for the email, and refuses one who has ordered", async () => {
    const s = await setup();
    const emulator = await getEmulator();
    const knownGid = `gid://shopify/Customer/${uniqueId(7_500_000_000)}`;
    emulator.addCustomer(s.shop.domain, { id: knownGid, email: `known-${s.shop.id}@example.com`, phone: null, numberOfOrders: 0, addresses: [] });
    const known = await claim(s, await visit(s, stranger()), `Known-${s.shop.id}@Example.com`);
    expect(known.status).toBe(200);
    expect((await db().referral.findFirstOrThrow({ where: { shopId: s.shop.id, friendCode: known.body.code } })).friendCustomerGid).toBe(knownGid);

    // Ordered before, in Shopify (before Kanta was installed): Kanta's own tables know nothing of it.
    const buyer = `buyer-${s.shop.id}@example.com`;
    emulator.addCustomer(s.shop.domain, { id: `gid://shopify/Customer/${uniqueId(7_500_000_000)}`, email: buyer, phone: null, numberOfOrders: 2, addresses: [] });
    expect(await db().orderRecord.count({ where: { shopId: s.shop.id } })).toBe(0);
    const refused = await claim(s, await visit(s, stranger()), buyer);
    expect(refused).toMatchObject({ status: 409, body: { error: "existing_customer" } });
    expect(emulator.discounts(s.shop.domain)).toHaveLength(1);
  });

  it("finds the customer another claim created between its lookup and its create", async () => {
    const s = await setup();
    const emulator = await getEmulator();
    const email = `racing-${s.shop.id}@example.com`;
    const client = emulator.client(s.shop.domain);
    // This claim looked the email up before the other claim created the customer.
    let lookups = 0;
    const late: typeof client = async (query, options) => {
      if (query.includes("KantaCustomerByEmail") && lookups++ === 0) {
        await findOrCreateCustomer(client, email); // the other claim, finishing first
        return new Response(JSON.stringify({ data: { customerByIdentifier: null } }), { headers: { "Content-Type": "application/json" } });
      }
      return client(query, options);
    };
    const mine = await findOrCreateCustomer(late, email);
    const theirs = await findOrCreateCustomer(client, email);
    expect(mine).toEqual({ customerGid: theirs.customerGid, numberOfOrders: 0, created: false });
  });

  it("validates the cap the merchant types, and saving the other referral settings keeps it", async () => {
    const s = await setup();
    for (const bad of ["0", "-3", "abc", "100001", ""]) {
      expect(await saveFriendDailyCap(s.shop.domain, bad)).toEqual({ ok: false, error: "Enter a whole number of codes from 1 to 100,000" });
    }
    expect(await saveFriendDailyCap(s.shop.domain, "1,500")).toEqual({ ok: true, cap: 1500 });
    const page = await getReferralSettingsPage(s.shop.domain);
    expect(await saveReferralSettings(s.shop.domain, { ...page.draft, monthlyCap: "7" })).toMatchObject({ ok: true });
    const stored = parseReferralSettings((await db().program.findUniqueOrThrow({ where: { shopId: s.shop.id } })).referralSettings);
    expect(stored).toMatchObject({ friendDailyCap: 1500, monthlyCap: 7, enabled: true });
    // A program saved before the cap existed gets the default.
    expect(parseReferralSettings(JSON.stringify({ enabled: true })).friendDailyCap).toBe(100);
  });
});

describe("referral visits no longer fill the table", () => {
  it("records one visit per visitor, link and day", async () => {
    const s = await setup();
    const visitor = { "x-forwarded-for": "198.51.100.7, 10.0.0.1", "user-agent": "Mozilla/5.0 (same browser)" };
    const tokens = [];
    for (let i = 0; i < 5; i++) tokens.push(await visit(s, visitor));
    expect(new Set(tokens).size).toBe(1);
    expect(await db().referral.count({ where: { shopId: s.shop.id } })).toBe(1);
    // Concurrent opens of the same link by the same visitor: still one row.
    const racing = await Promise.all(Array.from({ length: 6 }, () => visit(s, visitor)));
    expect(new Set([...racing, ...tokens]).size).toBe(1);
    // Another browser on the same address is another visitor.
    const other = await visit(s, { ...visitor, "user-agent": "Mozilla/5.0 (another browser)" });
    expect(other).not.toBe(tokens[0]);
    expect(await db().referral.count({ where: { shopId: s.shop.id } })).toBe(2);
    // The key holds neither the address nor the agent, and changes with the day and the link.
    const row = await db().referral.findFirstOrThrow({ where: { shopId: s.shop.id, visitorToken: tokens[0]! } });
    expect(row.visitorKey).toMatch(/^[\w-]{43}$/);
    expect(row.visitorKey).not.toContain("198.51");
    const key = (at: Date, code = s.code) => computeVisitorKey({ secret: TEST_SECRET, ip: "198.51.100.7", userAgent: visitor["user-agent"], code, at });
    const now = new Date();
    expect(key(now)).toBe(row.visitorKey);
    expect(key(new Date(now.getTime() + DAY))).not.toBe(row.visitorKey);
    expect(key(now, "OTHERCODE")).not.toBe(row.visitorKey);
  });

  it("prunes visits that never became a referral after 60 days, and keeps the rest", async () => {
    const s = await setup();
    const old = new Date(Date.now() - (VISIT_RETENTION_DAYS + 1) * DAY);
    const recent = new Date(Date.now() - (VISIT_RETENTION_DAYS - 1) * DAY);
    const bare = [];
    for (let i = 0; i < 3; i++) bare.push(await visit(s, stranger()));
    const claimed = await visit(s, stranger());
    expect((await claim(s, claimed, `kept-${s.shop.id}@example.com`)).status).toBe(200);
    const young = await visit(s, stranger());
    await db().referral.updateMany({ where: { shopId: s.shop.id, visitorToken: { in: [...bare, claimed] } }, data: { createdAt: old } });
    await db().referral.updateMany({ where: { shopId: s.shop.id, visitorToken: young }, data: { createdAt: recent } });
    expect(await pruneReferralVisits(db(), { batch: 2 })).toBeGreaterThanOrEqual(3);
    const left = await db().referral.findMany({ where: { shopId: s.shop.id }, select: { visitorToken: true } });
    expect(left.map((r) => r.visitorToken).sort()).toEqual([claimed, young].sort());
  });
});
