import { describe, expect, it } from "vitest";
import { DEFAULT_REFERRAL_SETTINGS, serializeReferralSettings } from "../../../app/loyalty/referrals/settings";
import { getEmulator } from "../../../app/local/emulator.server";
import { customerPayload, orderPayload } from "../../fixtures/payloads";
import { TEST_SECRET } from "../../http";
import { uniqueId, setup, proxy, visit, claim, referralOf, deliver, db, server, useReferralHarness } from "./harness";

// Referrals: the referrer's link and visits, and the friend's welcome code. Set-up: ./harness.ts.

useReferralHarness();

describe("referral identity and visits", () => {
  it("gives a member a short code the first time their view is built, and keeps it", async () => {
    const s = await setup();
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
    const { token } = await visit(s);
    const results = await Promise.all(Array.from({ length: 5 }, () => claim(s, token!, "friend.four@example.com")));
    const codes = new Set(results.filter((r) => r.status === 200).map((r) => r.body.code));
    expect(codes.size).toBe(1);
    expect((await getEmulator()).discounts(s.shop.domain)).toHaveLength(1);
  });
});
