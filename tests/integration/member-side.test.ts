import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { appendNewLedgerEntries } from "../../app/loyalty/ledger/append.server";
import { SHOWN_GIFTS } from "../../app/loyalty/rewards/gifts.server";
import { RECENT_ACTIVITY, SHOWN_REDEMPTIONS, SHOWN_REDEMPTION_STATUSES, loadMemberSide } from "../../app/loyalty/storefront/member-side.server";
import { memberTierMetric } from "../../app/loyalty/tiers/metric.server";
import { TIER_ENTRY_KEY_PREFIX, type TierBasis, type TierWindow } from "../../app/loyalty/tiers/rules";
import { inTransaction } from "../../app/loyalty/tx.server";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder, createMember, createRedemption, customerGid, nextCustomerId } from "../factories";

// The widget's member read (storefront/member-side.server.ts) is one raw statement that builds
// each part as JSON in the database. Each part must be what Prisma reads of the same rows:
// the oracle below is the Prisma queries the view made before (and memberTierMetric itself).

const { db } = useTestDatabase();
const DAY = 86_400_000;

/** What the view read through Prisma, part by part. */
async function prismaSide(db: Db, shopId: string, gid: string, wayKeys: string[], now: Date) {
  const member = await db.member.findUnique({ where: { shopId_customerGid: { shopId, customerGid: gid } } });
  if (!member) return null;
  const ledger = await db.ledgerEntry.findMany({ where: { memberId: member.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: RECENT_ACTIVITY });
  const redemptions = await db.redemption.findMany({
    where: { memberId: member.id, status: { in: [...SHOWN_REDEMPTION_STATUSES] }, giftVariantGid: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: SHOWN_REDEMPTIONS,
  });
  const gifts = await db.redemption.findMany({
    where: { memberId: member.id, status: "issued", giftVariantGid: { not: null }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: SHOWN_GIFTS,
  });
  const keys = await db.ledgerEntry.findMany({ where: { shopId, memberId: member.id, idempotencyKey: { in: wayKeys } }, select: { idempotencyKey: true } });
  return {
    member: {
      id: member.id,
      customerGid: member.customerGid,
      firstName: member.firstName,
      locale: member.locale,
      status: member.status,
      points: member.points,
      pendingPoints: member.pendingPoints,
      lifetimePoints: member.lifetimePoints,
      tierId: member.tierId,
      lastActivityAt: member.lastActivityAt,
      leaderboardOptInAt: member.leaderboardOptInAt,
      birthMonth: member.birthMonth,
      birthDay: member.birthDay,
      birthYear: member.birthYear,
      birthdaySetAt: member.birthdaySetAt,
    },
    ledger: ledger.map((e) => ({ createdAt: e.createdAt, kind: e.kind, delta: e.delta, pendingDelta: e.pendingDelta, note: e.note })),
    redemptions: redemptions.map((r) => ({
      id: r.id,
      requestId: r.requestId,
      status: r.status,
      rewardName: r.rewardName,
      pointsSpent: r.pointsSpent,
      code: r.code,
      creditMinor: r.creditMinor,
      expiresAt: r.expiresAt,
      createdAt: r.createdAt,
    })),
    gifts: gifts.map((g) => ({ id: g.id, rewardName: g.rewardName, code: g.code, giftVariantGid: g.giftVariantGid, giftImageUrl: g.giftImageUrl, expiresAt: g.expiresAt })),
    paidKeys: new Set(keys.map((k) => k.idempotencyKey)),
  };
}

describe("the widget's member read in one statement", () => {
  // PostgreSQL's timestamps come as JSON without a zone: read as UTC whatever the process' zone.
  const zone = process.env.TZ;
  beforeAll(() => void (process.env.TZ = "America/New_York"));
  afterAll(() => void (zone === undefined ? delete process.env.TZ : (process.env.TZ = zone)));

  it("reads the member, activity, redemptions, gifts, paid keys and tier number as Prisma does", async () => {
    const shop = await createTestShop(db());
    const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    const now = new Date();
    const gid = customerGid(nextCustomerId());
    const member = await createMember(db(), shop.id, {
      customerGid: gid,
      firstName: "Aino \"Ä\" O'Brien",
      locale: "fi",
      tierId: tiers[1]!.id,
      birthMonth: 2,
      birthDay: 29,
      birthYear: null,
      birthdaySetAt: new Date(now.getTime() - 40 * DAY),
      leaderboardOptInAt: new Date(now.getTime() - 3 * DAY),
    }, { points: 500, pendingPoints: 40 });
    // Orders this year and in the last one (the spend and orders bases, by processedAt).
    const lastYear = new Date(Date.UTC(now.getUTCFullYear() - 1, 5, 1)).toISOString();
    await applyPaidOrder(db(), shop.domain, { customerId: gid.split("/").pop()!, price: "25.50" });
    await applyPaidOrder(db(), shop.domain, { customerId: gid.split("/").pop()!, price: "70.00", at: lastYear });
    // Ledger rows written together share their createdAt: the id decides their order.
    await inTransaction(db(), (tx) =>
      appendNewLedgerEntries(tx, [
        ...Array.from({ length: 12 }, (_, i) => ({ shopId: shop.id, memberId: member.id, delta: i + 1, kind: "action_bonus" as const, idempotencyKey: `way:${i}`, note: i % 2 ? `note ${i}` : null })),
        { shopId: shop.id, memberId: member.id, delta: 75, kind: "action_bonus" as const, idempotencyKey: `${TIER_ENTRY_KEY_PREFIX}x:2026` },
        { shopId: shop.id, memberId: member.id, delta: -100, kind: "redeemed" as const, idempotencyKey: "spend:1" },
      ]),
    );
    // Redemptions: more shown ones than are listed, ones never listed, gifts (expired, without a code, of another member).
    const owner = { shopId: shop.id, memberId: member.id };
    for (let i = 0; i < 12; i++) {
      await createRedemption(db(), owner, { status: SHOWN_REDEMPTION_STATUSES[i % 3], rewardName: `Reward ${i}`, code: i % 3 === 2 ? null : `CODE${i}`, creditMinor: i === 4 ? 1250n : null, expiresAt: i === 5 ? new Date(now.getTime() + 9 * DAY) : null });
    }
    await createRedemption(db(), owner, { status: "failed", rewardName: "Failed" });
    await createRedemption(db(), owner, { status: "revoked", rewardName: "Revoked" });
    const gift = { giftVariantGid: "gid://shopify/ProductVariant/4470000000021", giftImageUrl: "https://cdn.shopify.com/tote.jpg", pointsSpent: 0 };
    await createRedemption(db(), owner, { ...gift, status: "issued", rewardName: "Tote", code: "GIFT1" });
    await createRedemption(db(), owner, { ...gift, status: "issued", rewardName: "Tote later", code: "GIFT2", expiresAt: new Date(now.getTime() + DAY), giftImageUrl: null });
    await createRedemption(db(), owner, { ...gift, status: "issued", rewardName: "Tote expired", code: "GIFT3", expiresAt: new Date(now.getTime() - DAY) });
    await createRedemption(db(), owner, { ...gift, status: "pending", rewardName: "Tote pending" });
    const other = await createMember(db(), shop.id, {}, { points: 10, idempotencyKey: "way:99" });
    await createRedemption(db(), { shopId: shop.id, memberId: other.id }, { ...gift, status: "issued", code: "THEIRS" });

    // More rows than each part shows, sharing one createdAt, their ids running against the order
    // they were written in: only the read's id tie-breaks (which rows at the cut, and their
    // order) give what Prisma's (createdAt desc, id desc) gives.
    const later = new Date(now.getTime() + 60_000);
    const tiedIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => from - i);
    for (const n of tiedIds(41, RECENT_ACTIVITY + 2)) {
      await db().ledgerEntry.create({ data: { id: `tied-${n}`, shopId: shop.id, memberId: member.id, delta: n, kind: "action_bonus", idempotencyKey: `tied:${n}`, createdAt: later } });
      await createRedemption(db(), owner, { id: `tied-${n}`, status: "issued", rewardName: `Tied ${n}`, code: `TIED${n}`, createdAt: later });
    }
    for (const n of tiedIds(71, SHOWN_GIFTS + 2)) await createRedemption(db(), owner, { ...gift, id: `tied-gift-${n}`, status: "issued", rewardName: `Tied tote ${n}`, code: `TIEDGIFT${n}`, createdAt: later });

    const wayKeys = ["way:0", "way:3", "way:11", "way:42", "way:99", `seed:${member.id}`];
    const windows: TierWindow[] = [
      { start: null, end: null },
      { start: new Date(Date.UTC(now.getUTCFullYear(), 0, 1)), end: new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1)) },
      { start: new Date(now.getTime() - 400 * DAY), end: null },
      { start: new Date(now.getTime() + DAY), end: null },
    ];
    const oracle = await prismaSide(db(), shop.id, gid, wayKeys, now);
    // PostgreSQL: as a prepared statement (the default) and through Prisma (KANTA_PG_PREPARED=0).
    for (const prepared of ["1", "0"]) {
      process.env.KANTA_PG_PREPARED = prepared;
      resetEnvCache();
      for (const basis of ["spend", "points", "orders"] as TierBasis[]) {
        for (const window of windows) {
          const side = await loadMemberSide(db(), { shopId: shop.id, customerGid: gid, wayKeys, tier: { basis, window }, now });
          const { tierProgress, ...rest } = side!;
          expect(rest).toEqual(oracle);
          expect(tierProgress).toBe(await memberTierMetric(db(), shop.id, member.id, basis, window));
        }
      }
    }
    delete process.env.KANTA_PG_PREPARED;
    resetEnvCache();
    // The parts are not empty and are cut where the view cuts them.
    expect(oracle!.ledger).toHaveLength(RECENT_ACTIVITY);
    expect(oracle!.redemptions).toHaveLength(SHOWN_REDEMPTIONS);
    expect(oracle!.gifts.map((g) => g.code)).toEqual(tiedIds(71, SHOWN_GIFTS).map((n) => `TIEDGIFT${n}`));
    expect(oracle!.ledger.map((e) => e.delta)).toEqual(tiedIds(41, RECENT_ACTIVITY));
    expect(oracle!.redemptions.map((r) => r.code)).toEqual(tiedIds(41, SHOWN_REDEMPTIONS).map((n) => `TIED${n}`));
    expect([...oracle!.paidKeys].sort()).toEqual(["seed:" + member.id, "way:0", "way:11", "way:3"]);
    // Each basis counts something in the open window.
    for (const basis of ["spend", "points", "orders"] as TierBasis[]) expect(await memberTierMetric(db(), shop.id, member.id, basis, windows[0]!)).toBeGreaterThan(0);
  });

  it("reads no tier number for a member without a tier, and nothing for a customer who is not a member", async () => {
    const shop = await createTestShop(db());
    const member = await createMember(db(), shop.id, { tierId: null });
    const query = { shopId: shop.id, wayKeys: [], tier: { basis: "spend" as const, window: { start: null, end: null } }, now: new Date() };
    const side = await loadMemberSide(db(), { ...query, customerGid: member.customerGid });
    expect(side).toMatchObject({ member: { id: member.id, tierId: null, points: 0 }, ledger: [], redemptions: [], gifts: [], tierProgress: null });
    expect(side!.paidKeys.size).toBe(0);
    expect(await loadMemberSide(db(), { ...query, customerGid: customerGid(nextCustomerId()) })).toBeNull();
    // Another shop's member of the same customer is not this shop's.
    const otherShop = await createTestShop(db());
    expect(await loadMemberSide(db(), { ...query, shopId: otherShop.id, customerGid: member.customerGid })).toBeNull();
  });
});
