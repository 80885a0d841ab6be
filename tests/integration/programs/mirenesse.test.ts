import { beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../../app/loyalty/ledger/append.server";
import { exportCustomerData } from "../../../app/loyalty/members/compliance.server";
import { runTierPass } from "../../../app/loyalty/tiers/review.server";
import { loader as tiersLoader } from "../../../app/routes/app.tiers";
import { LOCAL_SHOP } from "../../../app/shopify/admin.server";
import { useLocalAdminShop, useTestDatabase } from "../../db";
import { orderPayload } from "../../fixtures/payloads";
import { lineId } from "../../fixtures/payloads";
import { useTestServer } from "../../http";
import { customerCreated, gidOf, member, orderPaid, redeem, refundCreated, saveLadder, saveMembership, saveReward, saveRule, webhook, widget } from "./setup";

// Mirenesse's program: Onyx (free) earns 1 point per $1; Gold is a paid membership
// ($16.50 a month, a Shopify subscription) that earns 2 points per $1; 100 points = $5
// store credit; a join bonus of 100 points, and 200 more on joining Gold. The membership
// holds Gold until its period ends, renewals extend it, a refund or a cancellation ends it
// (docs/decisions/0032).

const { db } = useTestDatabase();
const { server } = useTestServer();
let shopId = "";
let rewardId = "";
let goldId = "";
const GOLD_PRODUCT = "9100000001";
const DAY = 86_400_000;

useLocalAdminShop(db, async (id) => {
  shopId = id;
  await db().shop.update({ where: { id }, data: { currencyCode: "USD" } });
});

beforeAll(async () => {
  const signup = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "signup" } });
  await saveRule(signup.id, { type: "signup", name: "Join Mirenesse", points: "100", enabled: "true" });
  await saveLadder(
    [
      { name: "Onyx", threshold: "0", multiplier: "1" },
      // Reached only by the membership: its threshold is never used.
      { name: "Gold", threshold: "100000.00", multiplier: "2", entryPoints: "200" },
    ],
    { basis: "spend", period: "calendar_year" },
  );
  goldId = (await db().tier.findFirstOrThrow({ where: { shopId, name: "Gold" } })).id;
  rewardId = await saveReward("new", { type: "store_credit", name: "$5 store credit", pointsCost: "100", value: "5.00", enabled: "true" });
});

const goldLine = (price = "16.50") => ({ price, productId: GOLD_PRODUCT, variantId: "9100000101" });

describe("Mirenesse: configuring Gold as a paid tier", () => {
  it("refuses a membership without a product or a period, and audits the one it saves", async () => {
    expect(await saveMembership({ tierId: goldId, paid: "true", products: [], months: "1", paidOnly: "true" })).toEqual({ ok: false, errors: { products: "Choose the product that buys this tier" } });
    expect(await saveMembership({ tierId: goldId, paid: "true", products: [`gid://shopify/Product/${GOLD_PRODUCT}`], months: "0", paidOnly: "true" })).toEqual({ ok: false, errors: { months: "Enter how many months one purchase buys, from 1 to 120" } });
    expect(await saveMembership({ tierId: goldId, paid: "true", products: ["not-a-gid"], months: "1", paidOnly: "true" })).toMatchObject({ ok: false, errors: { products: "Choose the membership products again" } });
    expect(await saveMembership({ tierId: goldId, paid: "true", products: [`gid://shopify/Product/${GOLD_PRODUCT}`], months: "1", paidOnly: "true" })).toEqual({ ok: true, message: "Gold is a paid tier" });
    const gold = await db().tier.findUniqueOrThrow({ where: { id: goldId } });
    expect(JSON.parse(gold.perks)).toEqual({ entryPoints: 200, membership: { productGids: [`gid://shopify/Product/${GOLD_PRODUCT}`], variantGids: [], months: 1, paidOnly: true } });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId, action: "tier.membership_updated" } });
    expect(audit.subjectLabel).toBe("Gold");

    // The Tiers page's "Paid tiers" card shows it.
    const { paidTiers } = await tiersLoader({ request: new Request("http://localhost/app/tiers"), params: {}, context: {} });
    expect(paidTiers.map((t) => [t.name, t.membership?.months ?? null, t.paying])).toEqual([
      ["Onyx", null, 0],
      ["Gold", 1, 0],
    ]);

    // Saving the ladder again (the tier editor) keeps the membership.
    await saveLadder([
      { name: "Onyx", threshold: "0", multiplier: "1" },
      { name: "Gold", threshold: "100000.00", multiplier: "2", entryPoints: "200" },
    ]);
    expect(JSON.parse((await db().tier.findUniqueOrThrow({ where: { id: goldId } })).perks).membership).toMatchObject({ months: 1, paidOnly: true });
  });
});

describe("Mirenesse: members", () => {
  it("Onyx earns 1 point per $1; buying Gold moves the member up with its 200 points and 2 points per $1; 100 points = $5 credit; a refund ends Gold", async () => {
    const base = server().url;
    const customer = "8300000001";
    await customerCreated(base, customer);
    expect(await member(db(), customer)).toMatchObject({ points: 100, tier: { name: "Onyx" } });
    await orderPaid(base, { id: "8400000001", customerId: customer, lines: [{ price: "40.00" }] });
    expect((await member(db(), customer)).points).toBe(140);

    // The membership, bought 20 days ago. Its own $16.50 earns at Onyx's rate (16).
    const boughtAt = new Date(Date.now() - 20 * DAY).toISOString();
    await orderPaid(base, { id: "8400000002", customerId: customer, lines: [goldLine()], at: boughtAt });
    const gold = await member(db(), customer);
    expect(gold).toMatchObject({ points: 356, tier: { name: "Gold" } });
    const membership = await db().tierMembership.findFirstOrThrow({ where: { memberId: gold.id } });
    expect(membership).toMatchObject({ tierId: goldId, source: "paid", orderGid: "gid://shopify/Order/8400000002", endedAt: null });
    expect(membership.startsAt.toISOString()).toBe(new Date(boughtAt).toISOString());
    expect(membership.endsAt.getTime() - membership.startsAt.getTime()).toBeGreaterThanOrEqual(28 * DAY);

    // Gold: 2 points per $1.
    await orderPaid(base, { id: "8400000003", customerId: customer, lines: [{ price: "30.00" }] });
    expect((await member(db(), customer)).points).toBe(416);

    // 100 points = $5 store credit, the same for both tiers.
    expect((await widget(db(), customer)).rewards.find((r) => r.id === rewardId)).toMatchObject({ type: "store_credit", pointsCost: 100, valueMinor: 500, redeemable: true });
    const credit = await redeem(db(), customer, rewardId);
    expect(credit.credit).toMatchObject({ amount: "5.00", currencyCode: "USD", amountMinor: 500 });
    expect((await member(db(), customer)).points).toBe(316);

    // A year-end review does not take a paid tier away while it runs.
    await db().program.update({ where: { shopId }, data: { tierLastReviewAt: new Date(Date.now() - 400 * DAY) } });
    const pass = await runTierPass(db(), LOCAL_SHOP);
    expect(pass.demotionsAllowed).toBe(true);
    expect((await member(db(), customer)).tier?.name).toBe("Gold");

    // The membership is refunded: Gold ends now, and the order's 16 points go back.
    await refundCreated(base, { id: "8500000001", orderId: "8400000002", lineItemId: lineId("8400000002", 0), subtotal: "16.50" });
    const after = await member(db(), customer);
    expect(after).toMatchObject({ points: 300, tier: { name: "Onyx" } });
    expect(await db().tierMembership.findUniqueOrThrow({ where: { id: membership.id } })).toMatchObject({ endReason: "refund" });
    const changes = await db().tierChange.findMany({ where: { memberId: gold.id }, orderBy: { createdAt: "asc" } });
    expect(changes.map((c) => [c.fromTier, c.toTier, c.reason]).slice(-2)).toEqual([
      ["Onyx", "Gold", "paid"],
      ["Gold", "Onyx", "paid"],
    ]);
    // Back at 1 point per $1; the Gold welcome is not paid twice in the year.
    await orderPaid(base, { id: "8400000004", customerId: customer, lines: [{ price: "30.00" }] });
    expect((await member(db(), customer)).points).toBe(330);
    expect(await verifyLedger(db(), shopId)).toEqual([]);
  });

  it("a subscription's renewal order extends Gold; Gold ends when the paid period runs out", async () => {
    const base = server().url;
    const customer = "8300000002";
    await customerCreated(base, customer);
    const first = new Date(Date.now() - 20 * DAY);
    await orderPaid(base, { id: "8400000011", customerId: customer, lines: [goldLine()], at: first.toISOString() });
    const m = await member(db(), customer);
    expect(m.tier?.name).toBe("Gold");
    // The subscription app's renewal order, 10 days early: it starts where the first ends.
    await orderPaid(base, { id: "8400000012", customerId: customer, lines: [goldLine()] });
    const rows = await db().tierMembership.findMany({ where: { memberId: m.id }, orderBy: { startsAt: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows[1]!.startsAt.getTime()).toBe(rows[0]!.endsAt.getTime());
    // The renewal earned at Gold's rate: 16.50 × 2 = 33.
    expect((await member(db(), customer)).points).toBe(100 + 16 + 200 + 33);

    // Past the first period (and its grace): still Gold.
    await runTierPass(db(), LOCAL_SHOP, { now: new Date(rows[0]!.endsAt.getTime() + 5 * DAY) });
    expect((await member(db(), customer)).tier?.name).toBe("Gold");
    // Past the renewal's period and grace, with no new order: Onyx.
    const end = new Date(rows[1]!.endsAt.getTime() + 4 * DAY);
    await runTierPass(db(), LOCAL_SHOP, { now: end });
    expect((await member(db(), customer)).tier?.name).toBe("Onyx");
    expect((await db().tierMembership.findMany({ where: { memberId: m.id }, orderBy: { startsAt: "asc" } })).map((r) => r.endReason)).toEqual(["expired", "expired"]);
  });

  it("a cancelled membership order ends Gold; an old membership order that has run out gives nothing", async () => {
    const base = server().url;
    const customer = "8300000003";
    await customerCreated(base, customer);
    const at = new Date().toISOString();
    await orderPaid(base, { id: "8400000021", customerId: customer, lines: [goldLine()], at });
    expect((await member(db(), customer)).tier?.name).toBe("Gold");
    const later = new Date(Date.now() + 1000).toISOString();
    await webhook(base, "orders/cancelled", orderPayload({ id: "8400000021", customerId: customer, currency: "USD", lines: [goldLine()], updatedAt: later, processedAt: at, cancelledAt: later, financialStatus: "refunded" }));
    expect((await member(db(), customer)).tier?.name).toBe("Onyx");
    expect(await db().tierMembership.findFirstOrThrow({ where: { orderGid: "gid://shopify/Order/8400000021" } })).toMatchObject({ endReason: "cancel" });
    // The customer's data request lists the paid tier.
    const exported = await exportCustomerData(db(), { shopDomain: LOCAL_SHOP, customerGid: gidOf(customer), email: null, dataRequestId: null });
    expect(JSON.parse(exported.data).paidTiers).toMatchObject([{ tier: "Gold", order: "gid://shopify/Order/8400000021", endReason: "cancel" }]);

    const other = "8300000004";
    await customerCreated(base, other);
    await orderPaid(base, { id: "8400000022", customerId: other, lines: [goldLine()], at: new Date(Date.now() - 60 * DAY).toISOString() });
    expect((await member(db(), other)).tier?.name).toBe("Onyx");
  });

  it("spend never reaches a paid-only tier", async () => {
    const customer = "8300000005";
    await customerCreated(server().url, customer);
    await orderPaid(server().url, { id: "8400000031", customerId: customer, lines: [{ price: "2000.00" }] });
    expect((await member(db(), customer)).tier?.name).toBe("Onyx");
    await runTierPass(db(), LOCAL_SHOP);
    expect((await member(db(), customer)).tier?.name).toBe("Onyx");
    // The widget does not offer Gold as "spend X more".
    expect((await widget(db(), customer)).customer?.tier).toMatchObject({ next: null });
  });
});
