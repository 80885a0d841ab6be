import { getDb, type Db } from "../db.server";
import { computeWayKeys, computeWays, yearInTimeZone, type WayView } from "./actions";
import { releaseDuePendingPoints } from "./orders.server";
import { toRedemptionView, toRewardDef, type RedemptionView } from "./redemptions.server";
import { checkRedeemable } from "./rewards";
import { calendarYearBounds, computeTierProgress } from "./tiers";

// What the storefront widget reads through the app proxy. Field names are a contract with
// extensions/kanta-widget: add fields, never rename or remove them.

export interface CustomerView {
  customer: {
    id: string;
    firstName: string | null;
    points: number;
    pendingPoints: number;
    lifetimePoints: number;
    status: string;
    /**
     * `next`: the tier above and the spend (minor units) still missing for it this period,
     * null at the top. `spendMinor`: eligible spend this shop-local calendar year, which
     * ends at `periodEnd` (ISO instant, exclusive).
     */
    tier: {
      name: string;
      rank: number;
      next: { name: string; remainingMinor: number } | null;
      spendMinor: number;
      periodEnd: string;
    } | null;
    recentActivity: { at: string; kind: string; points: number; pendingPoints: number; note: string | null }[];
    redemptions: RedemptionView[];
  } | null;
  /** The enabled rewards; for a member, whether each can be redeemed now and why not. */
  rewards: {
    id: string;
    name: string;
    type: string;
    pointsCost: number;
    valueMinor: number | null;
    percentOff: number | null;
    minOrderMinor: number | null;
    minTierRank: number | null;
    redeemable: boolean;
    reason: "insufficient_points" | "tier_required" | "reward_unavailable" | "not_a_member" | null;
    neededPoints: number;
  }[];
  program: {
    status: string;
    currencyCode: string;
    earn: { points: number; spendMinor: number } | null;
    signupPoints: number | null;
    pendingDays: number;
    /** The shop's IANA time zone: periods (tier years) are shop-local. */
    timeZone: string;
  };
  /** The enabled earning rules ("Ways to earn"), with what this shopper can do about each. */
  ways: WayView[];
}

export class ProgramNotFoundError extends Error {
  override name = "ProgramNotFoundError";
}

export async function getCustomerView(shopDomain: string, customerGid: string | null, db: Db = getDb()): Promise<CustomerView> {
  const shop = await db.shop.findUnique({
    where: { domain: shopDomain },
    include: {
      program: true,
      earnRules: { where: { enabled: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      rewards: { where: { enabled: true }, orderBy: [{ pointsCost: "asc" }, { createdAt: "asc" }] },
      tiers: { orderBy: { rank: "asc" }, select: { name: true, rank: true, thresholdMinor: true } },
    },
  });
  if (!shop || !shop.program || shop.uninstalledAt) throw new ProgramNotFoundError(`no program for ${shopDomain}`);
  const purchase = shop.earnRules.find((r) => r.type === "purchase");
  const signup = shop.earnRules.find((r) => r.type === "signup");
  const program: CustomerView["program"] = {
    status: shop.program.status,
    currencyCode: shop.currencyCode,
    earn: purchase?.spendMinor ? { points: purchase.points, spendMinor: Number(purchase.spendMinor) } : null,
    signupPoints: signup?.points ?? null,
    pendingDays: shop.program.pendingDays,
    timeZone: shop.ianaTimezone,
  };
  const rewardDefs = shop.rewards.flatMap((row) => {
    const def = toRewardDef(row);
    return def ? [def] : [];
  });
  const rewardsFor = (member: { points: number; tierRank: number | null } | null): CustomerView["rewards"] =>
    rewardDefs.map((r) => {
      const refusal = member ? checkRedeemable(r, member) : null;
      return {
        id: r.id,
        name: r.name,
        type: r.type,
        pointsCost: r.pointsCost,
        valueMinor: r.valueMinor,
        percentOff: r.percentOff,
        minOrderMinor: r.minOrderMinor,
        minTierRank: r.minTierRank,
        redeemable: member !== null && refusal === null,
        reason: member ? (refusal?.code ?? null) : "not_a_member",
        neededPoints: refusal?.code === "insufficient_points" ? refusal.needed : 0,
      };
    });
  const now = new Date();
  const year = yearInTimeZone(now, shop.ianaTimezone);
  const guest = (): CustomerView => ({ customer: null, program, rewards: rewardsFor(null), ways: computeWays(shop.earnRules, null) });
  if (!customerGid) return guest();

  let member = await db.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid } },
    select: { id: true, pendingPoints: true },
  });
  if (!member) return guest();
  // Points whose return window has passed are spendable now, whether or not the sweep ran.
  if (member.pendingPoints !== 0) await releaseDuePendingPoints(db, { memberId: member.id });
  const full = await db.member.findUniqueOrThrow({
    where: { id: member.id },
    include: {
      tier: { select: { name: true, rank: true } },
      ledger: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 10 },
      redemptions: { where: { status: { in: ["issued", "used", "pending"] } }, orderBy: { createdAt: "desc" }, take: 10 },
    },
  });
  member = full;
  // One query for every rule: which of this period's keys are already in the ledger.
  const existing = await db.ledgerEntry.findMany({
    where: { shopId: shop.id, memberId: full.id, idempotencyKey: { in: computeWayKeys(shop.earnRules, customerGid, year) } },
    select: { idempotencyKey: true },
  });
  // Progress exists for basis "spend" per "calendar_year" only so far; others show the tier alone.
  const spendTiers = shop.program.tierBasis === "spend" && shop.program.tierPeriod === "calendar_year";
  const tier = full.tier ? await tierView(db, spendTiers ? shop.tiers : [], shop, full.id, full.tier, now) : null;
  const ways = computeWays(shop.earnRules, {
    customerGid,
    canClaim: full.status === "active" && shop.program.status === "live",
    existingKeys: new Set(existing.map((e) => e.idempotencyKey)),
    year,
  });
  return {
    customer: {
      id: full.customerGid,
      firstName: full.firstName,
      points: full.points,
      pendingPoints: full.pendingPoints,
      lifetimePoints: full.lifetimePoints,
      status: full.status,
      tier,
      recentActivity: full.ledger.map((e) => ({
        at: e.createdAt.toISOString(),
        kind: e.kind,
        points: e.delta,
        pendingPoints: e.pendingDelta,
        note: e.note,
      })),
      redemptions: full.redemptions.map(toRedemptionView),
    },
    program,
    rewards: rewardsFor(full.status === "active" ? { points: full.points, tierRank: full.tier?.rank ?? null } : null),
    ways,
  };
}

/** The member's tier with their progress this period (basis "spend", period "calendar_year"). */
async function tierView(
  db: Db,
  tiers: { name: string; rank: number; thresholdMinor: bigint }[],
  shop: { id: string; ianaTimezone: string },
  memberId: string,
  tier: { name: string; rank: number },
  now: Date,
): Promise<NonNullable<NonNullable<CustomerView["customer"]>["tier"]>> {
  const period = calendarYearBounds(now, shop.ianaTimezone);
  const spend = await db.orderRecord.aggregate({
    where: { shopId: shop.id, memberId, processedAt: { gte: period.start, lt: period.end } },
    _sum: { eligibleMinor: true },
  });
  const spendMinor = Number(spend._sum.eligibleMinor ?? 0n);
  const ladder = tiers.map((t) => ({ name: t.name, rank: t.rank, thresholdMinor: Number(t.thresholdMinor) }));
  const { next } = computeTierProgress(ladder, tier.rank, spendMinor, period.end);
  return {
    name: tier.name,
    rank: tier.rank,
    next: next ? { name: next.name, remainingMinor: next.remainingMinor } : null,
    spendMinor,
    periodEnd: period.end.toISOString(),
  };
}
