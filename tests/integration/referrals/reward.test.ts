import { describe, expect, it } from "vitest";
import { releaseDueReferrals } from "../../../app/loyalty/referrals/completion.server";
import { randomUUID } from "node:crypto";
import { verifyLedger } from "../../../app/loyalty/ledger/append.server";
import { runDueReferralRewards } from "../../../app/jobs/referral-rewards.server";
import { getEmulator } from "../../../app/local/emulator.server";
import { referralGatewayForShop } from "../../../app/shopify/referral-contacts.server";
import { lineId, refundPayload } from "../../fixtures/payloads";
import { DAY, uniqueId, setup, proxy, visit, claim, friendOrder, referralOf, referralEntries, shuffle, deliver, db, useReferralHarness } from "./harness";

// Referrals: the referrer's reward: paid once, held, taken back. Set-up: ./harness.ts.

useReferralHarness();

describe("the referrer's reward", () => {
  it("pays once when the friend's first order is paid, however the webhooks repeat or reorder", async () => {
    const s = await setup();
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
      const { appendLedgerEntry } = await import("../../../app/loyalty/ledger/append.server");
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
