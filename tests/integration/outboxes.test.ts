import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { APP_DATA_MAX_ATTEMPTS, syncDueAppData } from "../../app/jobs/app-data.server";
import { RETRY } from "../../app/jobs/backoff";
import { recoverStalledRedemptions } from "../../app/jobs/redemptions-job.server";
import { issueReferrerRewardCodes, runDueReferralRewards } from "../../app/jobs/referral-rewards.server";
import { getProgramOverview, setProgramPaused } from "../../app/loyalty/program/overview.server";
import { markShopUninstalled } from "../../app/loyalty/program/shops.server";
import { DEFAULT_REFERRAL_SETTINGS, serializeReferralSettings } from "../../app/loyalty/referrals/settings";
import { STALLED_AFTER_MS } from "../../app/loyalty/rewards/stalled.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { referralGateway } from "../../app/shopify/referral-contacts.server";
import { createTestShop, useTestDatabase } from "../db";
import { expectLoggedError } from "../logged-errors";

// Every outbox to Shopify records its attempts, its last error and the next attempt, backs
// off on a retryable error, and ends `dead` after its limit, or at once on a terminal error
// (app/jobs/backoff.ts, app/shopify/errors.ts). The webhook inbox: tests/integration/jobs.test.ts;
// the tier sync: tests/integration/tier-sync.test.ts.

const { db } = useTestDatabase();
const schema = loadAdminSchema();

async function setup(options: { known?: boolean } = {}) {
  const shop = await createTestShop(db());
  const emulator = new AdminEmulator(schema);
  // A shop the emulator does not know answers 401, as Shopify does for a revoked token.
  if (options.known ?? true) emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const member = await db().member.create({ data: { shopId: shop.id, customerGid: `gid://shopify/Customer/${Math.floor(Math.random() * 1e9)}` } });
  return { shop, emulator, member, graphqlFor: async (domain: string) => emulator.client(domain) };
}

/** Walks a row through its attempts, each one just after the previous one's backoff. */
async function attemptUntilDone(attempt: (now: Date) => Promise<void>, nextAttemptAt: () => Promise<Date | null>, max: number, start = new Date()) {
  let now = start;
  for (let i = 0; i < max; i++) {
    await attempt(now);
    const next = await nextAttemptAt();
    if (!next) return;
    now = new Date(Math.max(next.getTime(), now.getTime()) + 1);
  }
}

describe("the app-data sync", () => {
  const appData = (shopId: string) => db().appDataSync.findUniqueOrThrow({ where: { shopId } });
  async function onlyThisShopDirty(shopId: string) {
    await db().appDataSync.updateMany({ where: { shopId: { not: shopId } }, data: { dirty: false } });
    await db().appDataSync.upsert({ where: { shopId }, create: { shopId }, update: { dirty: true, nextAttemptAt: new Date(0) } });
  }

  it("backs off on a retryable error, ends dead after its limit with the error kept, and Home still shows it", async () => {
    expectLoggedError(/app-data sync dead .*HTTP 500/);
    const { shop, emulator, graphqlFor } = await setup();
    await onlyThisShopDirty(shop.id);
    emulator.failNext("KantaAppDataMetafieldsSet", "Internal error", APP_DATA_MAX_ATTEMPTS);
    const outcomes: string[] = [];
    await attemptUntilDone(
      async (now) => {
        const stats = await syncDueAppData(db(), graphqlFor, { now });
        outcomes.push(stats.dead ? "dead" : stats.retrying ? "retrying" : "nothing");
      },
      async () => {
        const r = await appData(shop.id);
        return r.deadAt ? null : r.nextAttemptAt;
      },
      APP_DATA_MAX_ATTEMPTS + 2,
      new Date(Date.now() + 1_000),
    );
    expect(outcomes).toEqual([...Array<string>(APP_DATA_MAX_ATTEMPTS - 1).fill("retrying"), "dead"]);
    const dead = await appData(shop.id);
    expect(dead).toMatchObject({ dirty: true, attempts: APP_DATA_MAX_ATTEMPTS, lastError: "ShopifyHttpError: HTTP 500: Internal error" });
    expect(dead.deadAt).not.toBeNull();
    // Dead: never due again by itself.
    expect(await syncDueAppData(db(), graphqlFor, { now: new Date(Date.now() + 30 * 86_400_000) })).toMatchObject({ synced: 0, retrying: 0, dead: 0 });
    const overview = await getProgramOverview(shop.domain, db());
    expect(overview!.shopifySync).toMatchObject({ storefrontError: "ShopifyHttpError: HTTP 500: Internal error", storefrontDead: true });

    // The next change marks it again and it goes through.
    await setProgramPaused(shop.domain, true, db());
    expect(await appData(shop.id)).toMatchObject({ dirty: true, attempts: 0, deadAt: null });
    expect(await syncDueAppData(db(), graphqlFor, { now: new Date(Date.now() + 1_000) })).toMatchObject({ synced: 1 });
    expect((await getProgramOverview(shop.domain, db()))!.shopifySync).toMatchObject({ storefrontError: null, storefrontDead: false });
  });

  it("goes dead at once on a terminal error (HTTP 401)", async () => {
    expectLoggedError(/app-data sync dead .*HTTP 401/);
    const { shop, graphqlFor } = await setup({ known: false });
    await onlyThisShopDirty(shop.id);
    expect(await syncDueAppData(db(), graphqlFor, { now: new Date(Date.now() + 1_000) })).toEqual({ synced: 0, retrying: 0, dead: 1, superseded: 0 });
    const r = await appData(shop.id);
    expect(r).toMatchObject({ dirty: true, attempts: 1, lastError: expect.stringMatching(/^ShopifyHttpError: HTTP 401/) });
    expect(r.deadAt).not.toBeNull();
  });
});

describe("the referrer's reward codes", () => {
  async function owedCode(options: { known?: boolean } = {}) {
    const s = await setup(options);
    const settings = { ...DEFAULT_REFERRAL_SETTINGS, enabled: true, referrer: { type: "amount_off" as const, points: null, percentOff: null, valueMinor: 500, minOrderMinor: null, expiryDays: null } };
    await db().program.update({ where: { shopId: s.shop.id }, data: { referralSettings: serializeReferralSettings(settings) } });
    const redemption = await db().redemption.create({
      data: {
        shopId: s.shop.id,
        memberId: s.member.id,
        requestId: `referral:${randomUUID()}`,
        rewardName: "Referral reward",
        pointsSpent: 0,
        status: "issuing",
        code: `KANTA-R${randomUUID().slice(0, 8).toUpperCase()}`,
      },
    });
    const gatewayFor = async (domain: string) => referralGateway(s.emulator.client(domain));
    const row = () => db().redemption.findUniqueOrThrow({ where: { id: redemption.id } });
    return { ...s, redemption, gatewayFor, row };
  }

  it("backs off on a retryable error, then creates the code", async () => {
    const { shop, emulator, redemption, gatewayFor, row } = await owedCode();
    emulator.failNext("KantaDiscountCodeBasicCreate", "Internal error");
    const t0 = new Date();
    expect(await issueReferrerRewardCodes([redemption.id], { db: db(), now: t0, gatewayFor })).toEqual({ issued: 0, retrying: 1, dead: 0 });
    expect(await row()).toMatchObject({ status: "issuing", attempts: 1, error: "ShopifyHttpError: HTTP 500: Internal error", nextAttemptAt: new Date(t0.getTime() + 1_000) });
    // Not due before the backoff.
    expect(await runDueReferralRewards(db(), { now: new Date(t0.getTime() + 999), gatewayFor })).toMatchObject({ issued: 0, retrying: 0, dead: 0 });
    expect(await runDueReferralRewards(db(), { now: new Date(t0.getTime() + 1_000), gatewayFor })).toMatchObject({ issued: 1 });
    const issued = await row();
    expect(issued).toMatchObject({ status: "issued", attempts: 2, error: null });
    expect(emulator.discounts(shop.domain).map((d) => d.code)).toEqual([issued.code]);
  });

  it("ends dead after its limit, with the last error kept", async () => {
    expectLoggedError(/referrer reward code dead .*HTTP 500/);
    const { emulator, redemption, gatewayFor, row } = await owedCode();
    emulator.failNext("KantaDiscountByCode", "Internal error", RETRY.referrerReward.maxAttempts);
    await attemptUntilDone(
      async (now) => {
        await runDueReferralRewards(db(), { now, gatewayFor });
      },
      async () => (await row()).nextAttemptAt,
      RETRY.referrerReward.maxAttempts + 2,
    );
    expect(await row()).toMatchObject({ id: redemption.id, status: "dead", attempts: RETRY.referrerReward.maxAttempts, error: "ShopifyHttpError: HTTP 500: Internal error", nextAttemptAt: null });
    expect(await runDueReferralRewards(db(), { now: new Date(Date.now() + 30 * 86_400_000), gatewayFor })).toMatchObject({ issued: 0, retrying: 0, dead: 0 });
  });

  it("goes dead at once on a terminal error: HTTP 401, or the shop uninstalled", async () => {
    expectLoggedError(/referrer reward code dead .*HTTP 401/);
    expectLoggedError(/referrer reward code dead .*shop uninstalled/);
    const revoked = await owedCode({ known: false });
    expect(await issueReferrerRewardCodes([revoked.redemption.id], { db: db(), gatewayFor: revoked.gatewayFor })).toEqual({ issued: 0, retrying: 0, dead: 1 });
    expect(await revoked.row()).toMatchObject({ status: "dead", attempts: 1, error: expect.stringMatching(/^ShopifyHttpError: HTTP 401/) });

    const gone = await owedCode();
    await markShopUninstalled(db(), gone.shop.domain);
    expect(await issueReferrerRewardCodes([gone.redemption.id], { db: db(), gatewayFor: gone.gatewayFor })).toEqual({ issued: 0, retrying: 0, dead: 1 });
    expect(await gone.row()).toMatchObject({ status: "dead", attempts: 1, error: expect.stringMatching(/^ShopUninstalledError/) });
    expect(gone.emulator.calls).toHaveLength(0);
  });
});

describe("stalled redemptions", () => {
  async function stalled(options: { known?: boolean } = {}) {
    const s = await setup(options);
    const redemption = await db().redemption.create({
      data: {
        shopId: s.shop.id,
        memberId: s.member.id,
        requestId: randomUUID(),
        rewardName: "15% off",
        pointsSpent: 200,
        status: "pending",
        code: `KANTA-${randomUUID().slice(0, 8).toUpperCase()}`,
        createdAt: new Date(Date.now() - STALLED_AFTER_MS - 1_000),
      },
    });
    const row = () => db().redemption.findUniqueOrThrow({ where: { id: redemption.id } });
    // Only this test's redemption: others' shops answer from their own emulators.
    const recover = (now: Date) => recoverStalledRedemptions(db(), { now, graphqlFor: async (domain) => (domain === s.shop.domain ? s.emulator.client(domain) : Promise.reject(new Error("another test's shop"))) });
    return { ...s, redemption, row, recover };
  }

  it("backs off on a retryable error, then finishes", async () => {
    const { emulator, row, recover } = await stalled();
    emulator.failNext("KantaDiscountByCode", "Internal error");
    const t0 = new Date();
    expect(await recover(t0)).toMatchObject({ retrying: 1 });
    expect(await row()).toMatchObject({ status: "pending", attempts: 1, error: "ShopifyHttpError: HTTP 500: Internal error", nextAttemptAt: new Date(t0.getTime() + 1_000) });
    const before = await recover(new Date(t0.getTime() + 999));
    expect(before.finished + before.retrying + before.dead).toBe(0);
    expect(await recover(new Date(t0.getTime() + 1_000))).toMatchObject({ finished: 1 });
    // Shopify has no such code: the points went back.
    expect(await row()).toMatchObject({ status: "failed", attempts: 2 });
  });

  it("ends dead after its limit, with the last error kept and the points still spent", async () => {
    expectLoggedError(/stalled redemption dead .*HTTP 500/);
    const { emulator, row, recover } = await stalled();
    emulator.failNext("KantaDiscountByCode", "Internal error", RETRY.stalledRedemption.maxAttempts);
    await attemptUntilDone(
      async (now) => {
        await recover(now);
      },
      async () => (await row()).nextAttemptAt,
      RETRY.stalledRedemption.maxAttempts + 2,
    );
    expect(await row()).toMatchObject({ status: "dead", attempts: RETRY.stalledRedemption.maxAttempts, error: "ShopifyHttpError: HTTP 500: Internal error", nextAttemptAt: null });
    expect(await db().ledgerEntry.count({ where: { kind: "redemption_reversed", idempotencyKey: { contains: (await row()).id } } })).toBe(0);
  });

  it("goes dead at once on a terminal error (HTTP 401)", async () => {
    expectLoggedError(/stalled redemption dead .*HTTP 401/);
    const { row, recover } = await stalled({ known: false });
    expect(await recover(new Date())).toMatchObject({ dead: 1 });
    expect(await row()).toMatchObject({ status: "dead", attempts: 1, error: expect.stringMatching(/^ShopifyHttpError: HTTP 401/) });
  });
});
