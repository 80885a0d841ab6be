// The daily points, rewards, members-joined and tier-movement rollup, caught up from the
// ledger, Member and TierChange rows by creation time: everything created before AnalyticsState.rolledUntil is in
// AnalyticsPointsDay. The catch-up stops a minute short of now, so rows of transactions
// still open (they commit within the 20 s transaction timeout) are never skipped; the page
// therefore shows points up to a minute ago. The ledger writer is not touched: no extra
// write on the order hot path.
import type { Db, Tx } from "../../db.server";
import { countsAsActivity, type LedgerKind } from "../ledger/entries";
import { inTransaction } from "../tx.server";
import { dayFormatter } from "./days";
import { addToSketch, emptySketch, mergeSketch, mergeSketchText, sketchToText } from "./sketch";

export const SETTLE_LAG_MS = 60_000;
const PAGE = 5000;

interface PointsAgg {
  joined: number;
  rewards: Map<string, { name: string; redeemed: number; points: number }> | null;
  issued: number;
  redeemed: number;
  expired: number;
  adjusted: number;
  tierUp: number;
  tierDown: number;
  active: Uint8Array | null;
}

/** What one ledger row adds to its day (pure; pending_released moves points between buckets only). */
export function classifyLedger(kind: string, points: number): Pick<PointsAgg, "issued" | "redeemed" | "expired" | "adjusted"> {
  const r = { issued: 0, redeemed: 0, expired: 0, adjusted: 0 };
  switch (kind as LedgerKind) {
    case "order_earned":
    case "order_reversed":
    case "signup_bonus":
    case "action_bonus":
    case "referral":
    case "surprise":
      r.issued = points;
      break;
    case "manual_adjustment":
    case "import": // balances brought over from another app: an adjustment, not points issued by this program
      r.adjusted = points;
      break;
    case "redeemed":
    case "redemption_reversed":
    case "donated": // points spent on a cause, as on a reward
      r.redeemed = -points;
      break;
    case "expired":
      r.expired = -points;
      break;
    default:
      break;
  }
  return r;
}

function agg(map: Map<string, PointsAgg>, day: string): PointsAgg {
  let a = map.get(day);
  if (!a) map.set(day, (a = { joined: 0, rewards: null, issued: 0, redeemed: 0, expired: 0, adjusted: 0, tierUp: 0, tierDown: 0, active: null }));
  return a;
}

/** Rolls up ledger and tier-change rows created since the last catch-up. Returns the rows read. */
export async function catchUpPoints(db: Db, shop: { id: string; ianaTimezone: string }, now = new Date()): Promise<number> {
  const state = await db.analyticsState.findUnique({ where: { shopId: shop.id } });
  const from = state?.rolledUntil ?? new Date(0);
  const until = new Date(now.getTime() - SETTLE_LAG_MS);
  if (until <= from) return 0;
  const dayOf = dayFormatter(shop.ianaTimezone);
  const days = new Map<string, PointsAgg>();
  let read = 0;

  let cursor: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows: { id: string; memberId: string; kind: string; delta: number; pendingDelta: number; createdAt: Date; sourceGid: string | null; note: string | null }[] = await db.ledgerEntry.findMany({
      where: {
        shopId: shop.id,
        createdAt: { gte: from, lt: until },
        ...(cursor ? { OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, memberId: true, kind: true, delta: true, pendingDelta: true, createdAt: true, sourceGid: true, note: true },
      take: PAGE,
    });
    for (const row of rows) {
      const a = agg(days, dayOf(row.createdAt));
      const c = classifyLedger(row.kind, row.delta + row.pendingDelta);
      a.issued += c.issued;
      a.redeemed += c.redeemed;
      a.expired += c.expired;
      a.adjusted += c.adjusted;
      if (row.kind === "redeemed" || row.kind === "redemption_reversed") {
        // Rewards redeemed: the redeemed row's sourceGid is the reward's id, its note the reward's name.
        const key = row.sourceGid ?? row.note ?? "reward";
        const r = (a.rewards ??= new Map()).get(key) ?? { name: row.kind === "redeemed" ? (row.note ?? key) : "", redeemed: 0, points: 0 };
        if (row.kind === "redeemed" && !r.name) r.name = row.note ?? key;
        r.redeemed += row.kind === "redeemed" ? 1 : -1;
        r.points -= row.delta;
        a.rewards.set(key, r);
      }
      if (countsAsActivity(row.kind as LedgerKind) && row.delta + row.pendingDelta !== 0) addToSketch((a.active ??= emptySketch()), row.memberId);
    }
    read += rows.length;
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
  }

  const tiers = await db.tier.findMany({ where: { shopId: shop.id }, select: { name: true, rank: true } });
  const rank = new Map(tiers.map((t) => [t.name, t.rank]));
  const changes = await db.tierChange.findMany({
    where: { shopId: shop.id, createdAt: { gte: from, lt: until } },
    select: { fromTier: true, toTier: true, createdAt: true },
  });
  for (const change of changes) {
    const before = change.fromTier === null ? -1 : (rank.get(change.fromTier) ?? -1);
    const after = change.toTier === null ? -1 : (rank.get(change.toTier) ?? -1);
    if (after > before) agg(days, dayOf(change.createdAt)).tierUp++;
    else if (after < before) agg(days, dayOf(change.createdAt)).tierDown++;
  }
  read += changes.length;
  const joined = await db.member.findMany({ where: { shopId: shop.id, createdAt: { gte: from, lt: until } }, select: { createdAt: true } });
  for (const m of joined) agg(days, dayOf(m.createdAt)).joined++;
  read += joined.length;

  // Nothing new and a short window: leave the watermark, so a page view writes nothing.
  if (read === 0 && state && until.getTime() - from.getTime() < 3_600_000) return 0;
  await inTransaction(db, async (tx) => {
    // Compare-and-set on the watermark: a concurrent catch-up of the same rows fails here.
    if (state) {
      const moved = await tx.analyticsState.updateMany({ where: { shopId: shop.id, rolledUntil: state.rolledUntil }, data: { rolledUntil: until } });
      if (moved.count !== 1) throw new CatchUpRaceError();
    } else {
      await tx.analyticsState.create({ data: { shopId: shop.id, rolledUntil: until } });
    }
    for (const [day, a] of days) await addPointsDay(tx, shop.id, day, a);
  }).catch((error: unknown) => {
    if (!(error instanceof CatchUpRaceError)) throw error;
  });
  return read;
}

class CatchUpRaceError extends Error {}

async function addPointsDay(tx: Tx, shopId: string, day: string, a: PointsAgg): Promise<void> {
  const d = { joined: a.joined, issued: a.issued, redeemed: a.redeemed, expired: a.expired, adjusted: a.adjusted, tierUp: a.tierUp, tierDown: a.tierDown };
  await tx.analyticsPointsDay.upsert({
    where: { shopId_day: { shopId, day } },
    create: { shopId, day, ...d },
    update: Object.fromEntries(Object.entries(d).map(([k, v]) => [k, { increment: v }])),
  });
  for (const [rewardKey, r] of a.rewards ?? []) {
    await tx.analyticsRewardDay.upsert({
      where: { shopId_day_rewardKey: { shopId, day, rewardKey } },
      create: { shopId, day, rewardKey, name: r.name || rewardKey, redeemed: r.redeemed, points: r.points },
      update: { redeemed: { increment: r.redeemed }, points: { increment: r.points }, ...(r.name ? { name: r.name } : {}) },
    });
  }
  if (!a.active) return;
  // One catch-up runs at a time per shop (the watermark's compare-and-set), so a plain read-merge-write is safe.
  for (const [kind, period] of [["day", day], ["month", day.slice(0, 7)]] as const) {
    const where = { shopId_kind_period_segment: { shopId, kind, period, segment: ACTIVE_SEGMENT } };
    const row = await tx.analyticsSketch.findUnique({ where, select: { customers: true } });
    const merged = emptySketch();
    mergeSketchText(merged, row?.customers);
    mergeSketch(merged, a.active);
    const customers = sketchToText(merged);
    await tx.analyticsSketch.upsert({ where, create: { shopId, kind, period, segment: ACTIVE_SEGMENT, customers }, update: { customers } });
  }
}

/** AnalyticsSketch's segment for the active-members sketch (in `customers`). */
export const ACTIVE_SEGMENT = "active";
