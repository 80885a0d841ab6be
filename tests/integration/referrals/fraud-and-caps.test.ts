import { describe, expect, it } from "vitest";
import { decideHeldReferral } from "../../../app/loyalty/referrals/completion.server";
import { verifyLedger } from "../../../app/loyalty/ledger/append.server";
import { getEmulator } from "../../../app/local/emulator.server";
import { orderPayload } from "../../fixtures/payloads";
import { DAY, uniqueId, setup, visit, friendOrder, referralOf, referralEntries, shuffle, deliver, db, useReferralHarness } from "./harness";

// Referrals: fraud rules on the friend's order, caps, bonuses and the merchant's decision. Set-up: ./harness.ts.

useReferralHarness();

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
