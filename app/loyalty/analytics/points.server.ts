// The daily points and tier-movement rollup, caught up from the ledger and TierChange rows
// by creation time: everything created before AnalyticsState.rolledUntil is in
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
  issued: number;
  redeemed: number;
  expired: number;
  adjusted: number;
  tierUp: number;
  tierDown: number;
  active: Uint8Array | null;
}

/** What one ledger row adds to its day (pure; pending_released moves points between buckets only). */
export function classifyLedger(kind: string, points: number): Omit<PointsAgg, "tierUp" | "tierDown" | "active"> {
  const r = { issued: 0, redeemed: 0, expired: 0, adjusted: 0 };
  switch (kind as LedgerKind) {
    case "order_earned":
    case "order_reversed":
    case "signup_bonus":
    case "action_bonus":
    case "referral":
      r.issued = points;
      break;
    case "manual_adjustment":
      r.adjusted = points;
      break;
    case "redeemed":
    case "redemption_reversed":
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
  if (!a) map.set(day, (a = { issued: 0, redeemed: 0, expired: 0, adjusted: 0, tierUp: 0, tierDown: 0, active: null }));
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
    const rows: { id: string; memberId: string; kind: string; delta: number; pendingDelta: number; createdAt: Date }[] = await db.ledgerEntry.findMany({
      where: {
        shopId: shop.id,
        createdAt: { gte: from, lt: until },
        ...(cursor ? { OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, memberId: true, kind: true, delta: true, pendingDelta: true, createdAt: true },
      take: PAGE,
    });
    for (const row of rows) {
      const a = agg(days, dayOf(row.createdAt));
      const c = classifyLedger(row.kind, row.delta + row.pendingDelta);
      a.issued += c.issued;
      a.redeemed += c.redeemed;
      a.expired += c.expired;
      a.adjusted += c.adjusted;
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
  const d = { issued: a.issued, redeemed: a.redeemed, expired: a.expired, adjusted: a.adjusted, tierUp: a.tierUp, tierDown: a.tierDown };
  await tx.analyticsPointsDay.upsert({
    where: { shopId_day: { shopId, day } },
    create: { shopId, day, ...d },
    update: Object.fromEntries(Object.entries(d).map(([k, v]) => [k, { increment: v }])),
  });
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
