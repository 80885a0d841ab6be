import type { Db, Tx } from "../../db.server";
import { LEDGER_KINDS, countsAsEarning } from "../ledger/entries";
import { Sql, isPostgres } from "../sql.server";
import { TIER_ENTRY_KEY_PREFIX, type TierBasis, type TierWindow } from "./rules";

// A member's number for tier qualification (spend, points earned or orders) in a window:
// one member (an order, the widget) or a batch of members in one statement (the review).
// docs/decisions/0007-tier-qualification.md

/** Ledger kinds that count as points earned for the points basis (the kinds that count towards lifetime points). */
export const POINTS_BASIS_KINDS: readonly string[] = LEDGER_KINDS.filter((k) => countsAsEarning(k));

function windowFilter(window: TierWindow) {
  return {
    ...(window.start ? { gte: window.start } : {}),
    ...(window.end ? { lt: window.end } : {}),
  };
}

/** One member's number in a window, in the basis' unit. Served by (shopId, memberId, processedAt) and (memberId, createdAt). */
export async function memberTierMetric(tx: Db | Tx, shopId: string, memberId: string, basis: TierBasis, window: TierWindow): Promise<number> {
  const hasWindow = window.start !== null || window.end !== null;
  if (basis === "points") {
    const sum = await tx.ledgerEntry.aggregate({
      where: {
        memberId,
        kind: { in: [...POINTS_BASIS_KINDS] },
        NOT: { idempotencyKey: { startsWith: TIER_ENTRY_KEY_PREFIX } },
        ...(hasWindow ? { createdAt: windowFilter(window) } : {}),
      },
      _sum: { delta: true, pendingDelta: true },
    });
    return (sum._sum.delta ?? 0) + (sum._sum.pendingDelta ?? 0);
  }
  const where = { shopId, memberId, ...(hasWindow ? { processedAt: windowFilter(window) } : {}) };
  if (basis === "orders") {
    // eligibleMinor > 0 only for paid, uncancelled orders that still have eligible spend.
    return tx.orderRecord.count({ where: { ...where, eligibleMinor: { gt: 0n } } });
  }
  const spend = await tx.orderRecord.aggregate({ where, _sum: { eligibleMinor: true } });
  return Number(spend._sum.eligibleMinor ?? 0n);
}

/**
 * memberTierMetric as a scalar subquery for the member whose id is the SQL expression
 * `memberId`: the storefront's member read (storefront/member-side.server.ts) takes it in its
 * one statement. The same rows and the same sum (tests/integration/member-side.test.ts).
 */
export function memberTierMetricSql(sql: Sql, shopId: string, memberId: string, basis: TierBasis, window: TierWindow): string {
  const points = basis === "points";
  const time = points ? `x."createdAt"` : `x."processedAt"`;
  const where = points
    ? [`x."memberId" = ${memberId}`, `x."kind" IN (${sql.list(POINTS_BASIS_KINDS)})`, `x."idempotencyKey" NOT LIKE ${sql.p(`${TIER_ENTRY_KEY_PREFIX}%`)}`]
    : [`x."shopId" = ${sql.p(shopId)}`, `x."memberId" = ${memberId}`];
  if (window.start) where.push(`${time} >= ${sql.p(window.start)}`);
  if (window.end) where.push(`${time} < ${sql.p(window.end)}`);
  const value = points ? `x."delta" + x."pendingDelta"` : basis === "orders" ? `CASE WHEN x."eligibleMinor" > 0 THEN 1 ELSE 0 END` : `x."eligibleMinor"`;
  return `(SELECT COALESCE(SUM(${value}), 0) FROM "${points ? "LedgerEntry" : "OrderRecord"}" x WHERE ${where.join(" AND ")})`;
}

export interface PassMemberRow {
  id: string;
  customerGid: string;
  tierId: string | null;
  tierManual: boolean;
  tierManualUntil: Date | null;
  tierChangedAt: Date | null;
  current: number;
  previous: number;
}

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const parsed = new Date(String(value));
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === "1" || value === "true";
}

/**
 * One batch of members (keyset by id) with their number in the current window and, for
 * calendar years, in the closed year: one statement, the aggregates served by the
 * (shopId, memberId, processedAt) and (memberId, createdAt) indexes.
 */
export async function readPassBatch(
  tx: Tx,
  shopId: string,
  after: string,
  limit: number,
  basis: TierBasis,
  current: TierWindow,
  previous: TierWindow | null,
): Promise<PassMemberRow[]> {
  const sql = new Sql(isPostgres(tx));
  const shop = sql.p(shopId);
  const batch = `SELECT "id", "customerGid", "tierId", "tierManual", "tierManualUntil", "tierChangedAt" FROM "Member"
    WHERE "shopId" = ${shop} AND "status" = 'active' AND "id" > ${sql.p(after)} ORDER BY "id" LIMIT ${sql.p(limit)}`;
  const points = basis === "points";
  const time = points ? `x."createdAt"` : `x."processedAt"`;
  const value = points ? `(x."delta" + x."pendingDelta")` : basis === "orders" ? `(CASE WHEN x."eligibleMinor" > 0 THEN 1 ELSE 0 END)` : `x."eligibleMinor"`;
  const lower = previous?.start ?? current.start;
  // The batch is one contiguous range of member ids: bounding the join by it lets the
  // (shopId, memberId, processedAt) / (memberId, createdAt) index read just this batch's
  // rows, where the planner would otherwise scan every order of the shop per batch.
  const range = `x."memberId" > ${sql.p(after)} AND x."memberId" <= (SELECT MAX("id") FROM b)`;
  const join: string[] = [points ? `x."memberId" = b."id" AND ${range}` : `x."shopId" = ${shop} AND x."memberId" = b."id" AND ${range}`];
  if (lower) join.push(`${time} >= ${sql.p(lower)}`);
  if (current.end) join.push(`${time} < ${sql.p(current.end)}`);
  if (points) {
    join.push(`x."kind" IN (${sql.list(POINTS_BASIS_KINDS)})`);
    join.push(`x."idempotencyKey" NOT LIKE ${sql.p(`${TIER_ENTRY_KEY_PREFIX}%`)}`);
  }
  const inCurrent = current.start ? `${time} >= ${sql.p(current.start)}` : null;
  const currentSum = inCurrent ? `SUM(CASE WHEN ${inCurrent} THEN ${value} ELSE 0 END)` : `SUM(${value})`;
  const previousSum = previous && inCurrent ? `SUM(CASE WHEN ${inCurrent} THEN 0 ELSE ${value} END)` : `0`;
  const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(
    `WITH b AS (${batch})
     SELECT b."id", b."customerGid", b."tierId", b."tierManual", b."tierManualUntil", b."tierChangedAt",
       COALESCE(${currentSum}, 0) AS "current", COALESCE(${previousSum}, 0) AS "previous"
     FROM b LEFT JOIN "${points ? "LedgerEntry" : "OrderRecord"}" x ON ${join.join(" AND ")}
     GROUP BY b."id", b."customerGid", b."tierId", b."tierManual", b."tierManualUntil", b."tierChangedAt"
     ORDER BY b."id"`,
    ...sql.params,
  );
  return rows.map((r) => ({
    id: String(r.id),
    customerGid: String(r.customerGid),
    tierId: r.tierId === null || r.tierId === undefined ? null : String(r.tierId),
    tierManual: toBool(r.tierManual),
    tierManualUntil: toDate(r.tierManualUntil),
    tierChangedAt: toDate(r.tierChangedAt),
    current: Number(r.current),
    previous: Number(r.previous),
  }));
}
