import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runDueGifts } from "../../app/jobs/gifts.server";
import { getJobRunner } from "../../app/jobs/queue.server";
import { getEmulator } from "../../app/local/emulator.server";
import { getChallengeEditor, getChallengesPage, saveBadge, saveChallenge, setChallengePaused } from "../../app/loyalty/challenges/admin.server";
import { challengeGiftKey } from "../../app/loyalty/challenges/gift-hook.server";
import { giftRequestId } from "../../app/loyalty/rewards/gifts";
import { challengeKeys } from "../../app/loyalty/challenges/progress.server";
import { CATALOGUES } from "../../app/loyalty/i18n/catalogue";
import { signProxyQuery } from "../../app/shopify/signing";
import { setCollectionMembers, upsertCatalogProducts } from "../../app/loyalty/catalog/catalog.server";
import { createTestShop, useTestDatabase } from "../db";
import { customerPayload, lineId, orderPayload, refundPayload } from "../fixtures/payloads";
import { createReward, nextCustomerId, nextOrderId } from "../factories";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// Challenges and the leaderboard through Kanta's real doors: signed webhooks into the inbox
// (processed by the job runner, batched or alone), the app proxy as the widget calls it, and
// the admin's domain functions the Challenges page calls.

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

const today = () => new Date().toISOString().slice(0, 10);

async function member(shopDomain: string, shopId: string, names: { firstName?: string; lastName?: string } = {}) {
  const customerId = nextCustomerId();
  await sendWebhook(server().url, "customers/create", shopDomain, customerPayload({ id: customerId, ...names }));
  await getJobRunner().idle();
  const row = await db().member.findFirstOrThrow({ where: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } });
  return { customerId, id: row.id };
}

function order(customerId: string, price: string, id = nextOrderId()) {
  const at = new Date().toISOString();
  return { id, payload: orderPayload({ id, customerId, lines: [{ price }], updatedAt: at, processedAt: at }) };
}

async function deliver(shopDomain: string, topic: string, payload: unknown) {
  const response = await sendWebhook(server().url, topic, shopDomain, payload);
  expect(response.status).toBe(200);
}

const query = (shop: string, customerId: string | null) => signProxyQuery({ shop, ...(customerId ? { logged_in_customer_id: customerId } : {}), path_prefix: "/apps/kanta" }, TEST_SECRET);
const board = async (shop: string, customerId: string | null) => (await fetch(`${server().url}/proxy/leaderboard?${query(shop, customerId)}`)).json();
const join = (shop: string, customerId: string, value: boolean) =>
  fetch(`${server().url}/proxy/leaderboard?${query(shop, customerId)}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ join: value }) });

describe("challenges on the order path", () => {
  it("3 orders in 30 days completes once, replays and later orders pay nothing again, and shows in the widget", async () => {
    const shop = await createTestShop(db());
    const badge = await saveBadge(shop.domain, null, { name: "Regular", icon: "coffee", description: "Three visits" });
    expect(badge.ok).toBe(true);
    const saved = await saveChallenge(shop.domain, null, {
      name: "Three in thirty", description: "Place 3 orders within 30 days", kind: "orders_count", target: "3", windowKind: "from_join", startDate: today(), endDate: "", windowDays: "30", rewardPoints: "200", badgeId: badge.ok ? badge.id : "",
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const m = await member(shop.domain, shop.id);

    const first = order(m.customerId, "10.00");
    await deliver(shop.domain, "orders/paid", first.payload);
    await deliver(shop.domain, "orders/paid", first.payload); // Shopify's replay, a new event id
    await getJobRunner().idle();
    const progress = () => db().challengeProgress.findUniqueOrThrow({ where: { challengeId_memberId: { challengeId: saved.id, memberId: m.id } } });
    expect((await progress()).progress).toBe(1);

    const second = order(m.customerId, "10.00");
    const third = order(m.customerId, "10.00");
    for (const o of [second, third, third, second]) await deliver(shop.domain, "orders/paid", o.payload);
    await getJobRunner().idle();
    const done = await progress();
    expect(done.progress).toBe(3);
    expect(done.completedAt).not.toBeNull();

    const fourth = order(m.customerId, "10.00");
    await deliver(shop.domain, "orders/paid", fourth.payload);
    await deliver(shop.domain, "orders/paid", third.payload);
    await getJobRunner().idle();
    const rewards = await db().ledgerEntry.findMany({ where: { shopId: shop.id, idempotencyKey: challengeKeys.reward(saved.id, m.id) } });
    expect(rewards).toHaveLength(1);
    expect(rewards[0]).toMatchObject({ delta: 200, kind: "action_bonus", memberId: m.id });
    expect(await db().memberBadge.count({ where: { memberId: m.id } })).toBe(1);
    expect((await progress()).completedAt).toEqual(done.completedAt);
    // Sign-up 100 + 4 orders x 10 + the challenge's 200.
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).points).toBe(100 + 40 + 200);

    const view = await (await fetch(`${server().url}/proxy/customer?${query(shop.domain, m.customerId)}`)).json();
    expect(view.customer.challenges).toEqual([expect.objectContaining({ id: saved.id, name: "Three in thirty", completed: true, percent: 100, progress: 3, target: 3, rewardPoints: 200 })]);
    expect(view.customer.badges).toEqual([expect.objectContaining({ name: "Regular", glyph: "☕" })]);
    expect(view.customer.leaderboardOptedIn).toBe(false);
  });

  it("a refund before completion lowers the progress; after completion it stays completed", async () => {
    const shop = await createTestShop(db());
    const saved = await saveChallenge(shop.domain, null, { name: "Spend 100", kind: "spend", target: "100", windowKind: "fixed", startDate: today(), endDate: "2099-12-31", rewardPoints: "50" });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const m = await member(shop.domain, shop.id);
    const progress = () => db().challengeProgress.findUniqueOrThrow({ where: { challengeId_memberId: { challengeId: saved.id, memberId: m.id } } });

    const first = order(m.customerId, "60.00");
    await deliver(shop.domain, "orders/paid", first.payload);
    await getJobRunner().idle();
    expect((await progress()).progress).toBe(6000);

    const refund = (orderId: string, amount: string) => refundPayload({ id: nextOrderId(), orderId, lines: [{ lineItemId: lineId(orderId, 0), quantity: 1, subtotal: amount }] });
    await deliver(shop.domain, "refunds/create", refund(first.id, "60.00"));
    await getJobRunner().idle();
    expect(await progress()).toMatchObject({ progress: 0, completedAt: null });

    const second = order(m.customerId, "120.00");
    await deliver(shop.domain, "orders/paid", second.payload);
    await getJobRunner().idle();
    expect((await progress()).completedAt).not.toBeNull();
    await deliver(shop.domain, "refunds/create", refund(second.id, "120.00"));
    await getJobRunner().idle();
    expect(await progress()).toMatchObject({ progress: 10_000, completedAt: expect.any(Date) });
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, idempotencyKey: challengeKeys.reward(saved.id, m.id) } })).toBe(1);
  });

  it("spend 100 € on Candles counts only the collection's lines, after discounts and refunds", async () => {
    const shop = await createTestShop(db());
    const candle = "gid://shopify/Product/8100000000001";
    const mug = "gid://shopify/Product/8100000000002";
    await upsertCatalogProducts(db(), shop.id, [{ productGid: candle, title: "Candle", productType: "", vendor: "" }, { productGid: mug, title: "Mug", productType: "", vendor: "" }], new Date());
    await setCollectionMembers(db(), shop.id, { collectionGid: "gid://shopify/Collection/77", title: "Candles", handle: "candles" }, [candle], new Date());
    const saved = await saveChallenge(shop.domain, null, { name: "Candle lover", kind: "spend_in_collection", target: "100", collectionGid: "gid://shopify/Collection/77", windowKind: "fixed", startDate: today(), endDate: "2099-12-31", rewardPoints: "100" });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const m = await member(shop.domain, shop.id);
    const progress = () => db().challengeProgress.findUniqueOrThrow({ where: { challengeId_memberId: { challengeId: saved.id, memberId: m.id } } });
    const at = new Date().toISOString();
    const first = nextOrderId();
    // 60 € of candles (70 less a 10 € discount) and a 200 € mug.
    await deliver(shop.domain, "orders/paid", orderPayload({ id: first, customerId: m.customerId, updatedAt: at, processedAt: at, lines: [{ price: "70.00", discount: "10.00", productId: "8100000000001" }, { price: "200.00", productId: "8100000000002" }] }));
    await getJobRunner().idle();
    expect((await progress()).progress).toBe(6000);
    // A refund of 20 € of the candles: 40 € left.
    await deliver(shop.domain, "refunds/create", refundPayload({ id: nextOrderId(), orderId: first, lines: [{ lineItemId: lineId(first, 0), quantity: 1, subtotal: "20.00" }] }));
    await getJobRunner().idle();
    expect(await progress()).toMatchObject({ progress: 4000, completedAt: null });
    await deliver(shop.domain, "orders/paid", orderPayload({ id: nextOrderId(), customerId: m.customerId, updatedAt: at, processedAt: at, lines: [{ price: "60.00", productId: "8100000000001" }] }));
    await getJobRunner().idle();
    expect(await progress()).toMatchObject({ progress: 10_000, completedAt: expect.any(Date) });
    const view = await (await fetch(`${server().url}/proxy/customer?${query(shop.domain, m.customerId)}`)).json();
    expect(view.customer.challenges[0]).toMatchObject({ kind: "spend_in_collection", collection: "Candles", completed: true });
  });

  it("a paused challenge moves nothing; the profile challenge completes when the birthday is given", async () => {
    const shop = await createTestShop(db());
    const paused = await saveChallenge(shop.domain, null, { name: "Paused", kind: "orders_count", target: "1", windowKind: "fixed", startDate: today(), endDate: "2099-12-31", rewardPoints: "10" });
    const profile = await saveChallenge(shop.domain, null, { name: "Profile", kind: "profile_complete", windowKind: "fixed", startDate: today(), endDate: "2099-12-31", rewardPoints: "25" });
    if (!paused.ok || !profile.ok) throw new Error("not saved");
    await setChallengePaused(shop.domain, paused.id, true);
    const m = await member(shop.domain, shop.id, { firstName: "Anna" });
    await deliver(shop.domain, "orders/paid", order(m.customerId, "10.00").payload);
    await getJobRunner().idle();
    expect(await db().challengeProgress.count({ where: { memberId: m.id } })).toBe(0);
    expect((await db().auditEvent.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" } })).map((a) => a.action)).toEqual(["challenge.created", "challenge.created", "challenge.paused"]);

    const set = await fetch(`${server().url}/proxy/birthday?${query(shop.domain, m.customerId)}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ month: 3, day: 14 }) });
    expect(set.status).toBe(200);
    expect(await db().challengeProgress.findUniqueOrThrow({ where: { challengeId_memberId: { challengeId: profile.id, memberId: m.id } } })).toMatchObject({ progress: 1, completedAt: expect.any(Date) });
    expect(await db().ledgerEntry.count({ where: { idempotencyKey: challengeKeys.reward(profile.id, m.id) } })).toBe(1);
  });
});

describe("a challenge's product gift (0031)", () => {
  it("the editor offers only the shop's free-product rewards, and saving one is audited", async () => {
    const shop = await createTestShop(db());
    const other = await createTestShop(db());
    const gift = await createReward(db(), shop.id, "free_product", { name: "Tote bag" });
    const coupon = await createReward(db(), shop.id, "amount_off");
    const foreign = await createReward(db(), other.id, "free_product");
    const base = { name: "Gift for three", kind: "orders_count", target: "3", windowKind: "fixed", startDate: today(), endDate: "2099-12-31", rewardPoints: "0", badgeId: "" };
    expect((await getChallengeEditor(shop.domain, "new", db()))!.gifts.map((g) => g.id)).toEqual([gift.id]);
    for (const wrong of [coupon.id, foreign.id, "nope"]) {
      expect(await saveChallenge(shop.domain, null, { ...base, giftRewardId: wrong }, db())).toEqual({ ok: false, errors: { giftRewardId: "Choose one of your free-product rewards" } });
    }
    // A gift alone is a reward: no points, no badge.
    const saved = await saveChallenge(shop.domain, null, { ...base, giftRewardId: gift.id }, db());
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    expect((await db().challenge.findUniqueOrThrow({ where: { id: saved.id } })).giftRef).toBe(gift.id);
    expect((await getChallengeEditor(shop.domain, saved.id, db()))!.values.giftRewardId).toBe(gift.id);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId: shop.id, subjectId: saved.id, action: "challenge.created" } });
    expect(JSON.parse(String(audit.after))).toMatchObject({ giftRef: gift.id });
    // Taken off again: audited before and after.
    const cleared = await saveChallenge(shop.domain, saved.id, { ...base, rewardPoints: "10", giftRewardId: "" }, db());
    expect(cleared.ok).toBe(true);
    const updated = await db().auditEvent.findFirstOrThrow({ where: { shopId: shop.id, subjectId: saved.id, action: "challenge.updated" } });
    expect(JSON.parse(String(updated.before))).toMatchObject({ giftRef: gift.id });
    expect(JSON.parse(String(updated.after))).toMatchObject({ giftRef: null });
    // Nothing at all is still refused.
    expect(await saveChallenge(shop.domain, saved.id, { ...base, giftRewardId: "" }, db())).toMatchObject({ ok: false, errors: { rewardPoints: expect.any(String) } });
  });

  it("completing grants exactly one gift in the completion's transaction (a replay: still one), and the gifts job issues its code", async () => {
    const shop = await createTestShop(db());
    const emulator = await getEmulator();
    emulator.addShop({ name: "Gifts", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    const gift = await createReward(db(), shop.id, "free_product", { name: "Tote bag", expiryDays: 30 });
    const saved = await saveChallenge(shop.domain, null, { name: "Two orders", kind: "orders_count", target: "2", windowKind: "fixed", startDate: today(), endDate: "2099-12-31", rewardPoints: "50", giftRewardId: gift.id }, db());
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const m = await member(shop.domain, shop.id);
    const gifts = () => db().redemption.findMany({ where: { memberId: m.id, giftVariantGid: { not: null } } });

    const first = order(m.customerId, "10.00");
    await deliver(shop.domain, "orders/paid", first.payload);
    await getJobRunner().idle();
    expect(await gifts()).toHaveLength(0); // not completed yet

    const second = order(m.customerId, "10.00");
    await deliver(shop.domain, "orders/paid", second.payload);
    await deliver(shop.domain, "orders/paid", second.payload); // Shopify's replay
    await getJobRunner().idle();
    const third = order(m.customerId, "10.00");
    await deliver(shop.domain, "orders/paid", third.payload); // after completion: nothing more
    await getJobRunner().idle();

    const rows = await gifts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ requestId: giftRequestId(challengeGiftKey(saved.id, m.id)), rewardId: gift.id, pointsSpent: 0, status: "issuing" });
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, idempotencyKey: challengeKeys.reward(saved.id, m.id) } })).toBe(1);
    expect((await getChallengesPage(shop.domain, db()))!.challenges[0]).toMatchObject({ id: saved.id, gift: "Linen tote bag – Natural" });

    await runDueGifts(db(), { now: new Date(Date.now() + 60_000) });
    const issued = await db().redemption.findUniqueOrThrow({ where: { id: rows[0]!.id } });
    expect(issued.status).toBe("issued");
    const codes = emulator.discounts(shop.domain).filter((d) => d.code === issued.code);
    expect(codes).toHaveLength(1);
    expect(codes[0]!.customerGids).toEqual([`gid://shopify/Customer/${m.customerId}`]);
    expect(await gifts()).toHaveLength(1);
  });
});

describe("the monthly leaderboard through the app proxy", () => {
  it("shows only members who joined, as first name and initial, with your rank; leaving hides you at once", async () => {
    const shop = await createTestShop(db());
    const anna = await member(shop.domain, shop.id, { firstName: "Anna", lastName: "Korhonen" });
    const ben = await member(shop.domain, shop.id, { firstName: "Ben", lastName: "Smith" });
    const cat = await member(shop.domain, shop.id, { firstName: "Cat", lastName: "Lee" });
    await deliver(shop.domain, "orders/paid", order(anna.customerId, "50.00").payload);
    await deliver(shop.domain, "orders/paid", order(ben.customerId, "80.00").payload);
    await deliver(shop.domain, "orders/paid", order(cat.customerId, "500.00").payload); // never joins
    await getJobRunner().idle();

    expect((await board(shop.domain, anna.customerId)).top).toEqual([]);
    expect((await join(shop.domain, anna.customerId, true)).status).toBe(200);
    const benJoined = await join(shop.domain, ben.customerId, true);
    const afterBen = await benJoined.json();
    // Sign-up 100 + the order's points; Ben first.
    expect(afterBen.top).toEqual([
      { rank: 1, name: "Ben S.", points: 180, you: true },
      { rank: 2, name: "Anna K.", points: 150, you: false },
    ]);
    expect(afterBen.me).toEqual({ optedIn: true, rank: 1, points: 180 });
    const json = JSON.stringify(afterBen);
    expect(json).not.toContain("Korhonen");
    expect(json).not.toContain("Cat");

    // A redemption is spending, not earning: Anna's standing does not move.
    await db().member.update({ where: { id: anna.id }, data: { points: { decrement: 100 } } });
    await db().ledgerEntry.create({ data: { shopId: shop.id, memberId: anna.id, delta: -100, kind: "redeemed", idempotencyKey: `redeem:${randomUUID()}` } });
    expect((await board(shop.domain, anna.customerId)).me).toEqual({ optedIn: true, rank: 2, points: 150 });

    const left = await (await join(shop.domain, ben.customerId, false)).json();
    expect(left.me).toEqual({ optedIn: false, rank: null, points: 0 });
    expect(left.top).toEqual([{ rank: 1, name: "Anna K.", points: 150, you: false }]);
    expect((await db().member.findUniqueOrThrow({ where: { id: ben.id } })).leaderboardOptInAt).toBeNull();
    // A guest sees the board, with no "you".
    expect((await board(shop.domain, null)).me).toBeNull();
  });

  it("gives the theme block, which has no panel data, the texts in the shopper's language", async () => {
    const shop = await createTestShop(db());
    const signed = signProxyQuery({ shop: shop.domain, path_prefix: "/apps/kanta", texts: "1", locale: "fi-FI" }, TEST_SECRET);
    const body = await (await fetch(`${server().url}/proxy/leaderboard?${signed}`)).json();
    expect(body).toMatchObject({ language: "fi", top: [] });
    expect(body.texts["leaderboard.join"]).toBe(CATALOGUES.fi["leaderboard.join"]);
    expect(body.texts["leaderboard.join"]).not.toBe(CATALOGUES.en["leaderboard.join"]);
    // The panel's own board asks without: no texts (the panel has them).
    expect((await board(shop.domain, null)).texts).toBeUndefined();
  });

  it("refuses unsigned and forged calls, and joining without signing in", async () => {
    const shop = await createTestShop(db());
    const m = await member(shop.domain, shop.id);
    const unsigned = await fetch(`${server().url}/proxy/leaderboard?shop=${shop.domain}&logged_in_customer_id=${m.customerId}`);
    expect(unsigned.status).toBe(401);
    const forged = signProxyQuery({ shop: shop.domain, logged_in_customer_id: m.customerId, path_prefix: "/apps/kanta" }, "not-the-secret");
    expect((await fetch(`${server().url}/proxy/leaderboard?${forged}`)).status).toBe(401);
    const unsignedJoin = await fetch(`${server().url}/proxy/leaderboard?shop=${shop.domain}&logged_in_customer_id=${m.customerId}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ join: true }) });
    expect(unsignedJoin.status).toBe(401);
    const guestJoin = await fetch(`${server().url}/proxy/leaderboard?${query(shop.domain, null)}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ join: true }) });
    expect(guestJoin.status).toBe(401);
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).leaderboardOptInAt).toBeNull();
  });
});
