import { beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { appendLedgerEntry } from "../../app/loyalty/ledger/append.server";
import type { LedgerKind } from "../../app/loyalty/ledger/entries";
import { computePointsValue, getProgramOverview, markWidgetSeen, resetWidgetSeenCache } from "../../app/loyalty/program/overview.server";
import { requireShopConfig } from "../../app/loyalty/program/shop-config.server";
import { inTransaction } from "../../app/loyalty/tx.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { action as homeAction, loader as homeLoader } from "../../app/routes/app._index";
import { loader as proxyCustomer } from "../../app/routes/proxy.customer";
import { createTestShop, useTestDatabase, useLocalAdminShop } from "../db";
import { createMember, createReward } from "../factories";
import { TEST_SECRET } from "../http";

// Route tests for Home: the setup guide's steps, launching, pausing and resuming, and the
// 30-day numbers; loader and action called directly in local mode on a real database.

const { db } = useTestDatabase();
let shopId = "";

useLocalAdminShop(db, (id) => {
  shopId = id;
});

/** A freshly installed shop: a draft program, the default rules and tiers, no rewards, no widget yet. */
beforeEach(async () => {
  await db().program.update({ where: { shopId }, data: { status: "draft", launchedAt: null, widgetSeenAt: null } });
  await db().earningRule.updateMany({ where: { shopId }, data: { enabled: true } });
  await db().reward.deleteMany({ where: { shopId } });
  resetWidgetSeenCache();
});

const load = () => homeLoader({ request: new Request("http://localhost/app"), params: {}, context: {} });
function act(intent: string) {
  const body = new FormData();
  body.set("intent", intent);
  return homeAction({ request: new Request("http://localhost/app", { method: "POST", body }), params: {}, context: {} });
}
const program = () => db().program.findUniqueOrThrow({ where: { shopId } });
const stepsDone = async () => Object.fromEntries((await load()).overview!.setup.steps.map((s) => [s.id, s.done]));

describe("the setup guide", () => {
  it("shows what a new shop still has to do, with a deep link to the theme editor's app embed", async () => {
    const { overview, themeEditorUrl, local } = await load();
    expect(overview?.setup).toMatchObject({ show: true, done: 2, counts: { waysToEarn: 2, rewards: 0, tiers: 4 }, widgetSeenAt: null });
    expect(await stepsDone()).toEqual({ ways: true, rewards: false, tiers: true, widget: false, launch: false });
    expect(themeEditorUrl).toBe("https://kanta-demo.myshopify.com/admin/themes/current/editor?context=apps&activateAppId=kanta-test-key/app-embed");
    expect(local).toBe(true);
  });

  it("ticks each step as the merchant does it, and hides once everything is done and live", async () => {
    await db().earningRule.updateMany({ where: { shopId }, data: { enabled: false } });
    expect((await stepsDone()).ways).toBe(false);
    await db().earningRule.updateMany({ where: { shopId, type: "purchase" }, data: { enabled: true } });
    expect((await stepsDone()).ways).toBe(true);

    await createReward(db(), shopId, "amount_off");
    expect((await stepsDone()).rewards).toBe(true);

    // The storefront widget loads: the app proxy marks the widget step done.
    const query = signProxyQuery({ shop: LOCAL_SHOP, logged_in_customer_id: "", path_prefix: "/apps/kanta" }, TEST_SECRET);
    const response = await proxyCustomer({ request: new Request(`http://localhost/proxy/customer?${query}`), params: {}, context: {} });
    expect(response.status).toBe(200);
    const seenAt = (await program()).widgetSeenAt;
    expect(seenAt).toBeInstanceOf(Date);
    expect((await stepsDone()).widget).toBe(true);
    expect((await load()).overview?.setup.show).toBe(true); // still a draft

    expect(await act("launch")).toEqual({ ok: true, message: "Your program is live" });
    const { overview } = await load();
    expect(overview?.setup).toMatchObject({ show: false, done: 5 });
    expect(overview?.program.status).toBe("live");
  });

  it("writes widgetSeenAt only the first time", async () => {
    const first = new Date("2026-11-01T10:00:00Z");
    expect(await markWidgetSeen(LOCAL_SHOP, db(), first)).toBe(true);
    resetWidgetSeenCache();
    expect(await markWidgetSeen(LOCAL_SHOP, db(), new Date("2026-11-02T10:00:00Z"))).toBe(false);
    expect((await program()).widgetSeenAt).toEqual(first);
    expect(await markWidgetSeen("unknown-shop.myshopify.com", db())).toBe(false);
  });

  it("keeps the guide while a live program still misses a step", async () => {
    await db().program.update({ where: { shopId }, data: { status: "live" } });
    const { overview } = await load();
    expect(overview?.setup).toMatchObject({ show: true, done: 3 });
  });
});

describe("launching and pausing", () => {
  it("launches a draft: live, with launchedAt, and the order code sees it at once", async () => {
    await createReward(db(), shopId, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n });
    expect((await requireShopConfig(db(), LOCAL_SHOP)).program.status).toBe("draft");
    const before = Date.now();
    expect(await act("launch")).toEqual({ ok: true, message: "Your program is live" });
    const launched = await program();
    expect(launched.status).toBe("live");
    expect(launched.launchedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await requireShopConfig(db(), LOCAL_SHOP)).program.status).toBe("live");

    // Launching again changes nothing.
    expect(await act("launch")).toEqual({ ok: true, message: "Your program is already live" });
    expect((await program()).launchedAt).toEqual(launched.launchedAt);
  });

  it("refuses to launch without a way to earn that is on, and changes nothing", async () => {
    await createReward(db(), shopId, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n });
    await db().earningRule.updateMany({ where: { shopId }, data: { enabled: false } });
    expect(await act("launch")).toEqual({ ok: false, message: "Turn on at least one way to earn before you launch" });
    expect(await program()).toMatchObject({ status: "draft", launchedAt: null });
  });

  it("refuses to launch without a reward that is on, and changes nothing", async () => {
    const message = "Add a reward before you launch: members need something to spend their points on";
    expect(await act("launch")).toEqual({ ok: false, message });
    const reward = await createReward(db(), shopId, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n, enabled: false });
    expect(await act("launch")).toEqual({ ok: false, message });
    expect(await program()).toMatchObject({ status: "draft", launchedAt: null });
    await db().reward.update({ where: { id: reward.id }, data: { enabled: true } });
    expect(await act("launch")).toEqual({ ok: true, message: "Your program is live" });
  });

  it("pauses and resumes a live program, and keeps its launch date", async () => {
    await createReward(db(), shopId, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n });
    await act("launch");
    const { launchedAt } = await program();
    expect(await act("pause")).toEqual({ ok: true, message: "Program paused" });
    expect(await program()).toMatchObject({ status: "paused", launchedAt });
    expect(await act("launch")).toEqual({ ok: false, message: "The program is paused: resume it instead" });
    expect(await act("resume")).toEqual({ ok: true, message: "Program resumed: it is live again" });
    expect(await program()).toMatchObject({ status: "live", launchedAt });
  });

  it("refuses to pause a draft, and unknown intents", async () => {
    expect(await act("pause")).toEqual({ ok: false, message: "The program is not launched yet: launch it first" });
    expect(await act("explode")).toEqual({ ok: false, message: "Unknown action" });
    expect((await program()).status).toBe("draft");
  });
});

describe("the last 30 days", () => {
  const DAY = 86_400_000;

  async function entry(shop: string, memberId: string, kind: LedgerKind, delta: number, options: { pending?: number; daysAgo?: number } = {}) {
    const key = `test:${randomUUID()}`;
    await inTransaction(db(), (tx) => appendLedgerEntry(tx, { shopId: shop, memberId, delta, pendingDelta: options.pending ?? 0, kind, idempotencyKey: key }));
    if (options.daysAgo) {
      await db().ledgerEntry.update({ where: { shopId_idempotencyKey: { shopId: shop, idempotencyKey: key } }, data: { createdAt: new Date(Date.now() - options.daysAgo * DAY) } });
    }
  }

  it("counts members joined, points issued per day and points redeemed, and values outstanding points", async () => {
    const shop = await createTestShop(db());
    const now = new Date();
    const member = (daysAgo = 0) => createMember(db(), shop.id, { enrolledAt: new Date(now.getTime() - daysAgo * DAY) });
    const aino = await member();
    const old = await member(45);
    const debtor = await member(2);
    await entry(shop.id, aino.id, "signup_bonus", 100);
    await entry(shop.id, aino.id, "order_earned", 0, { pending: 30 }); // pending points are issued too
    await entry(shop.id, aino.id, "manual_adjustment", 50, { daysAgo: 3 });
    await entry(shop.id, aino.id, "order_reversed", -20); // a reversal is not an issue
    await entry(shop.id, aino.id, "redeemed", -100);
    await entry(shop.id, old.id, "signup_bonus", 300, { daysAgo: 40 }); // outside the 30 days
    await entry(shop.id, old.id, "redeemed", -200);
    await entry(shop.id, old.id, "redemption_reversed", 200); // a failed code: points came back
    await entry(shop.id, debtor.id, "order_reversed", -40);

    const overview = (await getProgramOverview(shop.domain, db(), now))!;
    expect(overview.last30).toMatchObject({ membersJoined: 2, pointsIssued: 180, pointsRedeemed: 100 });
    expect(overview.last30.days).toHaveLength(30);
    expect(overview.last30.issuedPerDay).toHaveLength(30);
    expect(overview.last30.issuedPerDay.at(-1)).toBe(130);
    expect(overview.last30.issuedPerDay.reduce((a, b) => a + b, 0)).toBe(180);
    // Shop-local days (Europe/Helsinki): the last one is today there.
    expect(overview.last30.days.at(-1)).toBe(new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Helsinki" }).format(now));

    // Balances: Aino 100 + 50 − 20 − 100 = 30, the old member 300, the debtor −40 (a debt, not counted).
    expect(overview.outstandingPoints).toBe(330);
    expect(overview.pendingPoints).toBe(30);
    expect(overview.outstandingValue).toBeNull();
    await createReward(db(), shop.id, "percent_off", { pointsCost: 100 });
    await createReward(db(), shop.id, "amount_off", { name: "10 € off", pointsCost: 1000, valueMinor: 1000n });
    await createReward(db(), shop.id, "amount_off", { name: "3 € off", pointsCost: 400, valueMinor: 300n });
    const valued = (await getProgramOverview(shop.domain, db(), now))!;
    expect(valued.outstandingValue).toEqual({ valueMinor: 247, reward: { name: "3 € off", pointsCost: 400, valueMinor: 300 } }); // 330 × 300 / 400, rounded down
  });

  it("values points at the cheapest amount-off reward, the lower rate on a tie, and never below zero", () => {
    const rewards = [
      { name: "A", pointsCost: 500, valueMinor: 500 },
      { name: "B", pointsCost: 500, valueMinor: 400 },
      { name: "C", pointsCost: 2000, valueMinor: 5000 },
    ];
    expect(computePointsValue(1000, rewards)).toEqual({ valueMinor: 800, reward: rewards[1] });
    expect(computePointsValue(-50, rewards)?.valueMinor).toBe(0);
    expect(computePointsValue(1000, [{ name: "Broken", pointsCost: 0, valueMinor: 100 }])).toBeNull();
  });
});

describe("what has not reached Shopify", () => {
  it("counts tier changes that failed or are retrying, and the storefront metafield's error", async () => {
    const before = (await load()).overview!.shopifySync;
    expect(before).toEqual({ tierDead: 0, tierRetrying: 0, storefrontError: null, storefrontDead: false });
    const member = await createMember(db(), shopId);
    const change = (syncStatus: string, syncAttempts: number) =>
      db().tierChange.create({ data: { shopId, memberId: member.id, customerGid: member.customerGid, fromTier: "Bronze", toTier: "Silver", reason: "qualified", syncStatus, syncAttempts } });
    await change("dead", 8);
    await change("pending", 2);
    await change("pending", 0); // not tried yet: not a problem
    await change("done", 1);
    await db().appDataSync.upsert({
      where: { shopId },
      create: { shopId, dirty: true, attempts: 3, lastError: "Shopify said: throttled" },
      update: { dirty: true, attempts: 3, lastError: "Shopify said: throttled" },
    });
    expect((await load()).overview!.shopifySync).toEqual({ tierDead: 1, tierRetrying: 1, storefrontError: "Shopify said: throttled", storefrontDead: false });
    // Given up: still shown, as dead, until the next change marks it again.
    await db().appDataSync.update({ where: { shopId }, data: { attempts: 12, deadAt: new Date() } });
    expect((await load()).overview!.shopifySync).toMatchObject({ storefrontError: "Shopify said: throttled", storefrontDead: true });
    // Synced since: no storefront warning.
    await db().appDataSync.update({ where: { shopId }, data: { dirty: false, attempts: 0 } });
    expect((await load()).overview!.shopifySync.storefrontError).toBeNull();
  });
});
