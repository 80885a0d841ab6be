// The Analytics page's figures. Reads only the daily rollups (AnalyticsDay,
// AnalyticsPointsDay), a few indexed counts and the members' balances: never raw orders or
// the ledger (bench/analytics.ts: a million orders). What is exact and what is estimated is
// in docs/decisions/0018-analytics.md and on the page ("How this is calculated").
import { getDb, type Db } from "../../db.server";
import { ensureAnalyticsBackfilled } from "./backfill.server";
import { parseRewardConfig } from "../rewards/rewards";
import { requireShopConfig } from "../program/shop-config.server";
import { addDays, comparisonRange, daysBetween, localDay, resolveRange, splitRange, type CompareMode, type DayRange, type RangePreset } from "./days";
import { SEGMENTS, tierSegment } from "./facts.server";
import { ACTIVE_SEGMENT, catchUpPoints } from "./points.server";
import { emptySketch, estimateDistinct, mergeSketch, mergeSketchText } from "./sketch";

export interface SegmentFigures {
  orders: number;
  revenueMinor: number;
  /** Distinct customers with an order (estimated: HyperLogLog); null for guests. */
  customers: number | null;
  repeatCustomers: number | null;
  /** Share of those customers who have bought at least twice by the end of the range. */
  repeatRate: number | null;
  ordersPerCustomer: number | null;
  aovMinor: number | null;
  revenueShare: number | null;
  rewardOrders: number;
  rewardRevenueMinor: number;
  rewardDiscountMinor: number;
  referredOrders: number;
  referredRevenueMinor: number;
}

export interface PeriodFigures {
  range: DayRange;
  all: SegmentFigures;
  members: SegmentFigures;
  nonMembers: SegmentFigures;
  /** Non-members with a customer account (the repeat and per-customer figures of non-members). */
  nonMemberCustomers: SegmentFigures;
  guests: SegmentFigures;
  tiers: { tierId: string; name: string; figures: SegmentFigures }[];
  points: { issued: number; redeemed: number; expired: number; adjusted: number; redemptionRate: number | null };
  activeMembers: number;
  membersJoined: number;
  tierUp: number;
  tierDown: number;
  rewards: { name: string; redeemed: number; points: number }[];
  codesIssued: number;
  codesUsed: number;
}

export interface SeriesPoint {
  label: string;
  from: string;
  memberRevenueMinor: number;
  nonMemberRevenueMinor: number;
  memberOrders: number;
  nonMemberOrders: number;
  pointsIssued: number;
  pointsRedeemed: number;
  tierUp: number;
  tierDown: number;
}

export interface AnalyticsReport {
  shop: { currencyCode: string; ianaTimezone: string; today: string };
  preset: RangePreset;
  compare: CompareMode;
  current: PeriodFigures;
  previous: PeriodFigures | null;
  series: { bucket: "day" | "week" | "month"; points: SeriesPoint[] };
  liability: {
    points: number;
    pendingPoints: number;
    valueMinor: number | null;
    /** The reward whose money per point values the liability, or null when none has a fixed value. */
    basis: { rewardName: string; minorPerPoint: number } | null;
  };
  tierDistribution: { tierId: string | null; name: string; members: number }[];
  roi: {
    attributedRevenueMinor: number;
    rewardCostMinor: number;
    /** Member AOV less non-member customers' AOV, times members' orders (a difference, not proof of cause). */
    memberAovLiftMinor: number | null;
  };
}

export interface ReportRequest {
  preset?: string | null;
  from?: string | null;
  to?: string | null;
  compare?: string | null;
  now?: Date;
}

export async function loadAnalytics(db: Db, shopDomain: string, request: ReportRequest = {}): Promise<AnalyticsReport> {
  const shop = await requireShopConfig(db, shopDomain);
  const now = request.now ?? new Date();
  await catchUpPoints(db, shop, now);
  const tz = shop.ianaTimezone;
  const today = localDay(now, tz);
  const { preset, range } = resolveRange(request.preset ?? null, today, { from: request.from, to: request.to });
  const compare: CompareMode = request.compare === "last_year" || request.compare === "none" ? request.compare : "previous";
  const previousRange = comparisonRange(range, compare);

  const [current, previous, liability, tierDistribution] = await Promise.all([
    periodFigures(db, shop, range),
    previousRange ? periodFigures(db, shop, previousRange) : Promise.resolve(null),
    liabilityFigures(db, shop.id),
    tierDistributionFigures(db, shop),
  ]);
  const all = current.figures;
  const lift =
    all.members.aovMinor !== null && all.nonMemberCustomers.aovMinor !== null
      ? Math.round((all.members.aovMinor - all.nonMemberCustomers.aovMinor) * all.members.orders)
      : null;
  return {
    shop: { currencyCode: shop.currencyCode, ianaTimezone: tz, today },
    preset,
    compare,
    current: all,
    previous: previous?.figures ?? null,
    series: current.series,
    liability,
    tierDistribution,
    roi: {
      attributedRevenueMinor: all.all.rewardRevenueMinor + all.all.referredRevenueMinor,
      rewardCostMinor: all.all.rewardDiscountMinor,
      memberAovLiftMinor: lift,
    },
  };
}

interface Acc {
  orders: number;
  revenueMinor: bigint;
  rewardOrders: number;
  rewardRevenueMinor: bigint;
  rewardDiscountMinor: bigint;
  referredOrders: number;
  referredRevenueMinor: bigint;
  customers: Uint8Array;
  repeat: Uint8Array;
}

function newAcc(): Acc {
  return { orders: 0, revenueMinor: 0n, rewardOrders: 0, rewardRevenueMinor: 0n, rewardDiscountMinor: 0n, referredOrders: 0, referredRevenueMinor: 0n, customers: emptySketch(), repeat: emptySketch() };
}

function addAcc(into: Acc, row: Omit<Acc, "customers" | "repeat"> & { customers?: Uint8Array | null; repeat?: Uint8Array | null }) {
  into.orders += row.orders;
  into.revenueMinor += row.revenueMinor;
  into.rewardOrders += row.rewardOrders;
  into.rewardRevenueMinor += row.rewardRevenueMinor;
  into.rewardDiscountMinor += row.rewardDiscountMinor;
  into.referredOrders += row.referredOrders;
  into.referredRevenueMinor += row.referredRevenueMinor;
  mergeSketch(into.customers, row.customers);
  mergeSketch(into.repeat, row.repeat);
}

function figures(acc: Acc, totalRevenue: bigint, withCustomers: boolean): SegmentFigures {
  const customers = withCustomers ? estimateDistinct(acc.customers) : null;
  // The repeat sketch is a subset of the customer sketch; estimates never show more repeaters than customers.
  const repeatCustomers = withCustomers && customers !== null ? Math.min(customers, estimateDistinct(acc.repeat)) : null;
  const revenue = Number(acc.revenueMinor);
  return {
    orders: acc.orders,
    revenueMinor: revenue,
    customers,
    repeatCustomers,
    repeatRate: customers && repeatCustomers !== null ? repeatCustomers / customers : null,
    ordersPerCustomer: null,
    aovMinor: acc.orders > 0 ? Math.round(revenue / acc.orders) : null,
    revenueShare: totalRevenue > 0n ? revenue / Number(totalRevenue) : null,
    rewardOrders: acc.rewardOrders,
    rewardRevenueMinor: Number(acc.rewardRevenueMinor),
    rewardDiscountMinor: Number(acc.rewardDiscountMinor),
    referredOrders: acc.referredOrders,
    referredRevenueMinor: Number(acc.referredRevenueMinor),
  };
}

/** Orders per customer: identified customers' orders over the distinct customers. */
function withOrdersPerCustomer(f: SegmentFigures, customerOrders: number): SegmentFigures {
  return { ...f, ordersPerCustomer: f.customers ? customerOrders / f.customers : null };
}

type ShopLite = Awaited<ReturnType<typeof requireShopConfig>>;

export function seriesBucket(range: DayRange): "day" | "week" | "month" {
  const days = daysBetween(range.from, range.to) + 1;
  return days <= 92 ? "day" : days <= 400 ? "week" : "month";
}

function bucketOf(day: string, range: DayRange, bucket: "day" | "week" | "month"): string {
  if (bucket === "day") return day;
  if (bucket === "month") return day.slice(0, 7) < range.from.slice(0, 7) ? range.from : maxDay(`${day.slice(0, 7)}-01`, range.from);
  const offset = Math.floor(daysBetween(range.from, day) / 7) * 7;
  return addDays(range.from, offset);
}

function maxDay(a: string, b: string): string {
  return a > b ? a : b;
}

async function periodFigures(db: Db, shop: ShopLite, range: DayRange): Promise<{ figures: PeriodFigures; series: AnalyticsReport["series"] }> {
  const split = splitRange(range);
  const edgeWhere = split.edges.map((e) => ({ period: { gte: e.from, lte: e.to } }));
  const [days, pointDays, sketches, rewardRows] = await Promise.all([
    db.analyticsDay.findMany({
      where: { shopId: shop.id, day: { gte: range.from, lte: range.to } },
      select: { day: true, segment: true, orders: true, revenueMinor: true, rewardOrders: true, rewardRevenueMinor: true, rewardDiscountMinor: true, referredOrders: true, referredRevenueMinor: true },
    }),
    db.analyticsPointsDay.findMany({
      where: { shopId: shop.id, day: { gte: range.from, lte: range.to } },
      select: { day: true, joined: true, issued: true, redeemed: true, expired: true, adjusted: true, tierUp: true, tierDown: true },
    }),
    // Distinct counts: one sketch per whole month, one per day at the ragged ends.
    db.analyticsSketch.findMany({
      where: {
        shopId: shop.id,
        OR: [...(split.months.length ? [{ kind: "month", period: { in: split.months } }] : []), ...edgeWhere.map((w) => ({ kind: "day", ...w }))],
      },
      select: { segment: true, customers: true, repeatCustomers: true },
    }),
    db.analyticsRewardDay.findMany({ where: { shopId: shop.id, day: { gte: range.from, lte: range.to } }, select: { rewardKey: true, name: true, redeemed: true, points: true } }),
  ]);

  const member = newAcc();
  const customer = newAcc();
  const guest = newAcc();
  const tierAcc = new Map<string, Acc>();
  const bucket = seriesBucket(range);
  const buckets = new Map<string, SeriesPoint>();
  const point = (day: string) => {
    const key = bucketOf(day, range, bucket);
    let p = buckets.get(key);
    if (!p) buckets.set(key, (p = { label: key, from: key, memberRevenueMinor: 0, nonMemberRevenueMinor: 0, memberOrders: 0, nonMemberOrders: 0, pointsIssued: 0, pointsRedeemed: 0, tierUp: 0, tierDown: 0 }));
    return p;
  };
  for (let d = range.from, i = 0; d <= range.to && i < 800; d = addDays(d, bucket === "day" ? 1 : bucket === "week" ? 7 : 1), i++) {
    if (bucket !== "month" || d === range.from || d.endsWith("-01")) point(d);
  }
  const accFor = (segment: string): Acc | null => {
    if (segment === SEGMENTS.member) return member;
    if (segment === SEGMENTS.customer) return customer;
    if (segment === SEGMENTS.guest) return guest;
    if (!segment.startsWith("tier:")) return null;
    const id = segment.slice(5);
    let acc = tierAcc.get(id);
    if (!acc) tierAcc.set(id, (acc = newAcc()));
    return acc;
  };
  const active = emptySketch();
  for (const row of sketches) {
    if (row.segment === ACTIVE_SEGMENT) {
      mergeSketchText(active, row.customers);
      continue;
    }
    const acc = accFor(row.segment);
    if (!acc) continue;
    mergeSketchText(acc.customers, row.customers);
    mergeSketchText(acc.repeat, row.repeatCustomers);
  }
  for (const row of days) {
    const r = row;
    if (row.segment === SEGMENTS.member) {
      addAcc(member, r);
      const p = point(row.day);
      p.memberRevenueMinor += Number(row.revenueMinor);
      p.memberOrders += row.orders;
    } else if (row.segment === SEGMENTS.customer || row.segment === SEGMENTS.guest) {
      addAcc(row.segment === SEGMENTS.customer ? customer : guest, r);
      const p = point(row.day);
      p.nonMemberRevenueMinor += Number(row.revenueMinor);
      p.nonMemberOrders += row.orders;
    } else if (row.segment.startsWith("tier:")) {
      const id = row.segment.slice(5);
      let acc = tierAcc.get(id);
      if (!acc) tierAcc.set(id, (acc = newAcc()));
      addAcc(acc, r);
    }
  }
  const points = { issued: 0, redeemed: 0, expired: 0, adjusted: 0 };
  let tierUp = 0;
  let tierDown = 0;
  for (const row of pointDays) {
    points.issued += row.issued;
    points.redeemed += row.redeemed;
    points.expired += row.expired;
    points.adjusted += row.adjusted;
    tierUp += row.tierUp;
    tierDown += row.tierDown;
    const p = point(row.day);
    p.pointsIssued += row.issued;
    p.pointsRedeemed += row.redeemed;
    p.tierUp += row.tierUp;
    p.tierDown += row.tierDown;
  }

  const nonMember = newAcc();
  addAcc(nonMember, { ...customer, customers: null, repeat: null });
  addAcc(nonMember, { ...guest, customers: null, repeat: null });
  const allAcc = newAcc();
  addAcc(allAcc, member);
  addAcc(allAcc, customer);
  addAcc(allAcc, { ...guest, customers: null, repeat: null });
  const total = allAcc.revenueMinor;

  const memberFigures = withOrdersPerCustomer(figures(member, total, true), member.orders);
  const customerFigures = withOrdersPerCustomer(figures(customer, total, true), customer.orders);
  const nonMemberFigures = { ...figures(nonMember, total, false), customers: customerFigures.customers, repeatCustomers: customerFigures.repeatCustomers, repeatRate: customerFigures.repeatRate, ordersPerCustomer: customerFigures.ordersPerCustomer };
  const allFigures = withOrdersPerCustomer(figures(allAcc, total, true), member.orders + customer.orders);

  const rewards = new Map<string, { name: string; redeemed: number; points: number }>();
  for (const r of rewardRows) {
    const e = rewards.get(r.rewardKey) ?? { name: r.name, redeemed: 0, points: 0 };
    e.redeemed += r.redeemed;
    e.points += r.points;
    rewards.set(r.rewardKey, e);
  }
  // Reward codes of the range: rewards redeemed (net of failed ones given back), and orders that used a Kanta code.
  const codesIssued = [...rewards.values()].reduce((sum, r) => sum + r.redeemed, 0);
  const codesUsed = allFigures.rewardOrders;
  const membersJoined = pointDays.reduce((sum, d) => sum + d.joined, 0);

  return {
    figures: {
      range,
      all: allFigures,
      members: memberFigures,
      nonMembers: nonMemberFigures,
      nonMemberCustomers: customerFigures,
      guests: figures(guest, total, false),
      tiers: shop.tiers.map((t) => {
        const acc = tierAcc.get(t.id) ?? newAcc();
        return { tierId: t.id, name: t.name, figures: withOrdersPerCustomer(figures(acc, total, true), acc.orders) };
      }),
      points: { ...points, redemptionRate: points.issued > 0 ? points.redeemed / points.issued : null },
      activeMembers: estimateDistinct(active),
      membersJoined,
      tierUp,
      tierDown,
      rewards: [...rewards.values()].filter((r) => r.redeemed !== 0 || r.points !== 0).sort((a, b) => b.redeemed - a.redeemed),
      codesIssued,
      codesUsed,
    },
    series: { bucket, points: [...buckets.values()].sort((a, b) => (a.from < b.from ? -1 : 1)) },
  };
}

/**
 * Outstanding points at the money they would buy: spendable and pending points of active
 * members, valued at the best fixed-value reward (amount off, or points to money) — the
 * most a member could get for them, so the figure is an upper bound of what they cost.
 */
async function liabilityFigures(db: Db, shopId: string): Promise<AnalyticsReport["liability"]> {
  const [sums, rewards] = await Promise.all([
    db.member.aggregate({ where: { shopId, status: "active" }, _sum: { points: true, pendingPoints: true } }), // index (shopId, status, points, pendingPoints)
    db.reward.findMany({ where: { shopId, enabled: true, type: { in: ["amount_off", "points_to_money"] } }, select: { name: true, type: true, pointsCost: true, valueMinor: true, config: true } }),
  ]);
  let basis: { rewardName: string; minorPerPoint: number } | null = null;
  for (const r of rewards) {
    let rate: number | null = null;
    if (r.type === "amount_off" && r.valueMinor !== null && r.pointsCost > 0) rate = Number(r.valueMinor) / r.pointsCost;
    if (r.type === "points_to_money") {
      const parsed = parseRewardConfig(r.config).rate;
      if (parsed && parsed.pointsPerUnit > 0) rate = parsed.unitMinor / parsed.pointsPerUnit;
    }
    if (rate !== null && (!basis || rate > basis.minorPerPoint)) basis = { rewardName: r.name, minorPerPoint: rate };
  }
  const points = Math.max(0, sums._sum.points ?? 0);
  const pendingPoints = Math.max(0, sums._sum.pendingPoints ?? 0);
  return { points, pendingPoints, valueMinor: basis ? Math.round((points + pendingPoints) * basis.minorPerPoint) : null, basis };
}

async function tierDistributionFigures(db: Db, shop: ShopLite): Promise<AnalyticsReport["tierDistribution"]> {
  const rows = await db.member.groupBy({ by: ["tierId"], where: { shopId: shop.id, status: "active" }, _count: { _all: true } });
  const count = new Map(rows.map((r) => [r.tierId, r._count._all]));
  const result: AnalyticsReport["tierDistribution"] = shop.tiers.map((t) => ({ tierId: t.id, name: t.name, members: count.get(t.id) ?? 0 }));
  const none = count.get(null) ?? 0;
  if (none > 0 || shop.tiers.length === 0) result.unshift({ tierId: null, name: "No tier", members: none });
  return result;
}

export { tierSegment };

/** The page's loader: the one-time backfill on the first visit, then the figures. */
export async function getAnalyticsPage(shopDomain: string, request: ReportRequest, db: Db = getDb()): Promise<AnalyticsReport> {
  await ensureAnalyticsBackfilled(db, shopDomain, request.now);
  return loadAnalytics(db, shopDomain, request);
}
