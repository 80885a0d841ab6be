import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../db.server";
import { LEDGER_KINDS, countsAsEarning } from "./ledger";
import { invalidateShopConfig, requireShopConfig, type ShopConfig } from "./shop-config.server";
import {
  TIER_ENTRY_KEY_PREFIX,
  computeTierProgress,
  currentTierWindow,
  decideTier,
  inWindow,
  latestReviewBoundary,
  manualState,
  parseTierPerks,
  previousTierWindow,
  qualifyingTier,
  tierEntryKey,
  tierPeriodEnd,
  toTierBasis,
  toTierPeriod,
  twelveMonthsBefore,
  type TierBasis,
  type TierDecision,
  type TierPeriod,
  type TierWindow,
} from "./tiers";
import { WriteConflictError, inTransaction } from "./tx.server";

// Tier persistence: a member's number for the current window, moving a member between
// tiers (the change, its TierChange row and the entry points in one transaction), and the
// shop-wide pass that reviews every member in batches.
// docs/decisions/0008-multipliers-and-tier-review.md

export type TierChangeReason = "qualified" | "review" | "manual" | "settings";
export type LadderTier = ShopConfig["tiers"][number];

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

/** A raw statement's parameters, numbered for the database ($1 on PostgreSQL, ?1 on SQLite). */
export class Sql {
  readonly params: unknown[] = [];
  constructor(readonly postgres: boolean) {}
  p(value: unknown): string {
    this.params.push(value);
    return `${this.postgres ? "$" : "?"}${this.params.length}`;
  }
  list(values: readonly unknown[]): string {
    return values.map((v) => this.p(v)).join(", ");
  }
}

export function isPostgres(tx: Db | Tx): boolean {
  return (tx as unknown as { _activeProvider?: string })._activeProvider === "postgresql";
}

interface EntryBonus {
  shopId: string;
  memberId: string;
  tierId: string;
  tierName: string;
  points: number;
}

/**
 * Entry points for members who reached a tier: one ledger row per member, tier and period
 * (tierEntryKey). The insert skips keys already paid (ON CONFLICT DO NOTHING), so a member
 * moving down and back up within the period, a replayed event or a repeated review pays
 * nothing more; the cached balances move only for the rows actually inserted. Never an
 * idempotency conflict: a changed entry amount does not make an old key an error here.
 */
export async function payEntryBonuses(tx: Tx, shop: ShopConfig, bonuses: readonly EntryBonus[], now: Date): Promise<number> {
  const due = bonuses.filter((b) => b.points > 0);
  if (due.length === 0 || shop.program.status !== "live") return 0;
  const period = toTierPeriod(shop.program.tierPeriod);
  const sql = new Sql(isPostgres(tx));
  const values = due.map(
    (b) =>
      `(${sql.list([
        randomUUID(),
        b.shopId,
        b.memberId,
        b.points,
        0,
        "action_bonus",
        tierEntryKey(b.memberId, b.tierId, period, now, shop.ianaTimezone),
        null,
        "system",
        `${b.tierName} tier welcome bonus`,
        now,
      ])})`,
  );
  const inserted = await tx.$queryRawUnsafe<{ memberId: string; delta: number | bigint }[]>(
    `INSERT INTO "LedgerEntry" ("id", "shopId", "memberId", "delta", "pendingDelta", "kind", "idempotencyKey", "sourceGid", "actor", "note", "createdAt")
     VALUES ${values.join(", ")}
     ON CONFLICT ("shopId", "idempotencyKey") DO NOTHING
     RETURNING "memberId", "delta"`,
    ...sql.params,
  );
  const byAmount = new Map<number, string[]>();
  for (const row of inserted) {
    const amount = Number(row.delta);
    byAmount.set(amount, [...(byAmount.get(amount) ?? []), row.memberId]);
  }
  for (const [amount, memberIds] of byAmount) {
    const update = new Sql(isPostgres(tx));
    const points = update.p(amount);
    await tx.$executeRawUnsafe(
      `UPDATE "Member" SET "points" = "points" + ${points}, "lifetimePoints" = "lifetimePoints" + ${points}, "updatedAt" = ${update.p(now)}
       WHERE "id" IN (${update.list(memberIds)})`,
      ...update.params,
    );
  }
  return inserted.length;
}

export interface TierMove {
  member: { id: string; customerGid: string; tierId: string | null };
  from: LadderTier | null;
  to: LadderTier | null;
  reason: TierChangeReason;
  /** Manual assignment: set it (with its end, null = open-ended), clear it, or leave it. */
  manual: { until: Date | null } | "clear" | "keep";
  /** Who made a manual change ("staff:<email>") and why; kept in the tier history. */
  actor?: string;
  note?: string;
}

/**
 * Moves one member: a conditional update (only if the member is still in `from`, else
 * WriteConflictError and the caller's transaction re-runs from fresh reads), the
 * TierChange row (history and Shopify sync outbox) and, moving up, the tier's entry points.
 */
export async function moveMemberTier(tx: Tx, shop: ShopConfig, move: TierMove, now: Date): Promise<void> {
  const manualData =
    move.manual === "keep"
      ? {}
      : move.manual === "clear"
        ? { tierManual: false, tierManualUntil: null }
        : { tierManual: true, tierManualUntil: move.manual.until };
  const changed = move.from?.id !== move.to?.id;
  const updated = await tx.member.updateMany({
    where: { id: move.member.id, tierId: move.member.tierId },
    data: { ...(changed ? { tierId: move.to?.id ?? null, tierChangedAt: now } : {}), ...manualData },
  });
  if (updated.count !== 1) throw new WriteConflictError(`member ${move.member.id} changed tier concurrently`);
  if (!changed) return;
  await tx.tierChange.create({
    data: {
      shopId: shop.id,
      memberId: move.member.id,
      customerGid: move.member.customerGid,
      fromTier: move.from?.name ?? null,
      toTier: move.to?.name ?? null,
      reason: move.reason,
      actor: move.actor ?? "system",
      note: move.note ?? null,
      createdAt: now,
      nextSyncAt: now,
    },
  });
  if (move.to && (move.from === null || move.to.rank > move.from.rank)) {
    await payEntryBonuses(tx, shop, [{ shopId: shop.id, memberId: move.member.id, tierId: move.to.id, tierName: move.to.name, points: move.to.perks.entryPoints }], now);
  }
}

/**
 * Moves a member up to the highest tier their number in the current window reaches, in
 * the caller's transaction (an order, a claimed action, a staff adjustment). Never down: a
 * refund lowers the number, not the tier, until the review. `activityAt` is when the
 * change that may qualify happened (an order's processedAt): outside the current window
 * it cannot change this window's number.
 */
export async function upgradeMemberTier(
  tx: Tx,
  shop: ShopConfig,
  memberId: string,
  options: { now: Date; activityAt?: Date | null },
): Promise<boolean> {
  if (shop.tiers.length < 2) return false;
  const period = toTierPeriod(shop.program.tierPeriod);
  const window = currentTierWindow(period, options.now, shop.ianaTimezone);
  if (options.activityAt && !inWindow(options.activityAt, window)) return false;
  const member = await tx.member.findUnique({
    where: { id: memberId },
    select: { id: true, status: true, tierId: true, tierManual: true, customerGid: true },
  });
  if (!member || member.status !== "active") return false;
  const current = shop.tiers.find((t) => t.id === member.tierId) ?? null;
  const top = shop.tiers[shop.tiers.length - 1]!;
  if (current && current.rank >= top.rank) return false;
  const value = await memberTierMetric(tx, shop.id, memberId, toTierBasis(shop.program.tierBasis), window);
  const tier = qualifyingTier(shop.tiers, value);
  if (!tier || (current && tier.rank <= current.rank)) return false;
  // Earning a tier above a manual one ends the assignment: the member holds it on merit now.
  await moveMemberTier(tx, shop, { member, from: current, to: tier, reason: "qualified", manual: member.tierManual ? "clear" : "keep" }, options.now);
  return true;
}

// ---- the shop-wide pass: review, settings change, daily reconciliation ----

export interface TierPassOptions {
  now?: Date;
  /** Members per transaction. */
  batchSize?: number;
  /** Tests: throw after this many committed batches (a crash mid-run). */
  failAfterBatches?: number;
}

export interface TierPassResult {
  shop: string;
  members: number;
  batches: number;
  up: number;
  down: number;
  demotionsAllowed: boolean;
  reason: TierChangeReason;
  ms: number;
}

export class TierPassCrash extends Error {
  override name = "TierPassCrash";
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

interface PassContext {
  shop: ShopConfig;
  now: Date;
  demotionsAllowed: boolean;
  upReason: TierChangeReason;
}

/** Decides a batch (pure, ./tiers decideTier) and writes it set-based; returns the counts. */
async function applyPassBatch(tx: Tx, ctx: PassContext, rows: readonly PassMemberRow[]): Promise<{ up: number; down: number }> {
  const { shop, now } = ctx;
  const period = toTierPeriod(shop.program.tierPeriod);
  const byId = new Map(shop.tiers.map((t) => [t.id, t]));
  const byRank = new Map(shop.tiers.map((t) => [t.rank, t]));
  const recent = twelveMonthsBefore(now);
  const moves = new Map<string, { from: LadderTier | null; to: LadderTier | null; clearManual: boolean; members: PassMemberRow[] }>();
  const clearOnly: string[] = [];
  let up = 0;
  let down = 0;
  for (const row of rows) {
    const current = row.tierId ? (byId.get(row.tierId) ?? null) : null;
    const decision: TierDecision = decideTier({
      currentRank: current?.rank ?? null,
      qualifiedRank: qualifyingTier(shop.tiers, row.current)?.rank ?? null,
      previousRank: period === "calendar_year" ? (qualifyingTier(shop.tiers, row.previous)?.rank ?? null) : null,
      manual: manualState(row.tierManual, row.tierManualUntil, now),
      keepNextPeriod: shop.program.tierKeepNextPeriod,
      period,
      heldRecently: row.tierChangedAt !== null && row.tierChangedAt > recent,
      demotionsAllowed: ctx.demotionsAllowed,
    });
    if (decision.change === "none") {
      if (decision.clearManual) clearOnly.push(row.id);
      continue;
    }
    const to = decision.rank === null ? null : (byRank.get(decision.rank) ?? null);
    const key = `${current?.id ?? ""}>${to?.id ?? ""}>${decision.clearManual}`;
    const group = moves.get(key) ?? { from: current, to, clearManual: decision.clearManual, members: [] };
    group.members.push(row);
    moves.set(key, group);
    if (decision.change === "up") up++;
    else down++;
  }

  const postgres = isPostgres(tx);
  const changes: TierChangeRow[] = [];
  const bonuses: EntryBonus[] = [];
  for (const group of moves.values()) {
    const isUp = group.to !== null && (group.from === null || group.to.rank > group.from.rank);
    const reason: TierChangeReason = isUp ? ctx.upReason : "review";
    const ids = group.members.map((m) => m.id);
    const sql = new Sql(postgres);
    const set = [`"tierId" = ${sql.p(group.to?.id ?? null)}`, `"tierChangedAt" = ${sql.p(now)}`, `"updatedAt" = ${sql.p(now)}`];
    if (group.clearManual) set.push(`"tierManual" = ${sql.p(false)}`, `"tierManualUntil" = NULL`);
    const from = group.from ? `"tierId" = ${sql.p(group.from.id)}` : `"tierId" IS NULL`;
    const shopParam = sql.p(shop.id);
    let moved: number;
    if (postgres) {
      // One statement: the conditional update and its TierChange rows, no row data through Node.
      moved = await tx.$executeRawUnsafe(
        `WITH moved AS (
           UPDATE "Member" SET ${set.join(", ")} WHERE "shopId" = ${shopParam} AND "id" = ANY(${sql.p(ids)}::text[]) AND ${from} RETURNING "id", "customerGid"
         )
         INSERT INTO "TierChange" ("id", "shopId", "memberId", "customerGid", "fromTier", "toTier", "reason", "nextSyncAt", "createdAt", "syncStatus", "syncAttempts")
         SELECT gen_random_uuid()::text, ${shopParam}, "id", "customerGid", ${sql.p(group.from?.name ?? null)}, ${sql.p(group.to?.name ?? null)}, ${sql.p(reason)}, ${sql.p(now)}, ${sql.p(now)}, 'pending', 0 FROM moved`,
        ...sql.params,
      );
    } else {
      moved = await tx.$executeRawUnsafe(`UPDATE "Member" SET ${set.join(", ")} WHERE "shopId" = ${shopParam} AND "id" IN (${sql.list(ids)}) AND ${from}`, ...sql.params);
      for (const m of group.members) {
        changes.push({ shopId: shop.id, memberId: m.id, customerGid: m.customerGid, fromTier: group.from?.name ?? null, toTier: group.to?.name ?? null, reason, createdAt: now, nextSyncAt: now });
      }
    }
    // Only members still in the tier this batch read move: a concurrent order upgrade makes
    // the count fall short, and the batch re-runs from fresh reads.
    if (Number(moved) !== ids.length) throw new WriteConflictError(`tier pass: ${ids.length - Number(moved)} members changed concurrently`);
    if (isUp && group.to && group.to.perks.entryPoints > 0) {
      for (const m of group.members) bonuses.push({ shopId: shop.id, memberId: m.id, tierId: group.to.id, tierName: group.to.name, points: group.to.perks.entryPoints });
    }
  }
  if (clearOnly.length) {
    const sql = new Sql(postgres);
    await tx.$executeRawUnsafe(
      `UPDATE "Member" SET "tierManual" = ${sql.p(false)}, "tierManualUntil" = NULL, "updatedAt" = ${sql.p(now)} WHERE "shopId" = ${sql.p(shop.id)} AND "id" IN (${sql.list(clearOnly)})`,
      ...sql.params,
    );
  }
  await insertTierChanges(tx, changes);
  if (bonuses.length) await payEntryBonuses(tx, shop, bonuses, now);
  return { up, down };
}

interface TierChangeRow {
  shopId: string;
  memberId: string;
  customerGid: string;
  fromTier: string | null;
  toTier: string | null;
  reason: string;
  createdAt: Date;
  nextSyncAt: Date;
}

/**
 * TierChange rows in multi-row INSERTs of 1,000 (Prisma's createMany spent 80 % of a
 * year-end review compiling them: bench/tier-review.ts).
 */
async function insertTierChanges(tx: Tx, rows: readonly TierChangeRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const sql = new Sql(isPostgres(tx));
    const values = rows
      .slice(i, i + 1000)
      .map((r) => `(${sql.list([randomUUID(), r.shopId, r.memberId, r.customerGid, r.fromTier, r.toTier, r.reason, r.nextSyncAt, r.createdAt])}, 'pending', 0)`);
    await tx.$executeRawUnsafe(
      `INSERT INTO "TierChange" ("id", "shopId", "memberId", "customerGid", "fromTier", "toTier", "reason", "nextSyncAt", "createdAt", "syncStatus", "syncAttempts")
       VALUES ${values.join(", ")}`,
      ...sql.params,
    );
  }
}

/** What a pass for the shop would do now: whether it may demote, and why it moves members up. */
export async function describeTierPass(db: Db | Tx, shop: ShopConfig, now: Date) {
  const [program, tiers] = await Promise.all([
    db.program.findUniqueOrThrow({ where: { shopId: shop.id }, select: { tierLastReviewAt: true } }),
    db.tier.aggregate({ where: { shopId: shop.id }, _max: { updatedAt: true } }),
  ]);
  const last = program.tierLastReviewAt;
  const boundary = latestReviewBoundary(toTierPeriod(shop.program.tierPeriod), now, shop.ianaTimezone);
  const settingsChangedAt = tiers._max.updatedAt;
  return {
    lastReviewAt: last,
    // The first pass for a shop never demotes: reviews start with the first boundary after it.
    demotionsAllowed: last !== null && boundary !== null && last < boundary,
    settingsChanged: settingsChangedAt !== null && (last === null || settingsChangedAt > last),
  };
}

/**
 * Brings every active member of a shop to the tier the rules give now: up wherever the
 * current window qualifies, down only when a review boundary passed since the last
 * completed pass (or a manual tier expired). Batches of `batchSize` members, each one
 * transaction; every move is conditional on the tier the batch read, so a re-run after a
 * crash finds the members it already moved at their target and changes nothing for them,
 * and nothing is lost: the pass is marked done (Program.tierLastReviewAt = its start) only
 * after its last batch, so an interrupted review stays due and runs again.
 */
export async function runTierPass(db: Db, shopDomain: string, options: TierPassOptions = {}): Promise<TierPassResult> {
  const started = performance.now();
  const now = options.now ?? new Date();
  invalidateShopConfig(shopDomain); // the pass works on the settings as saved now
  const shop = await requireShopConfig(db, shopDomain);
  const state = await describeTierPass(db, shop, now);
  const ctx: PassContext = { shop, now, demotionsAllowed: state.demotionsAllowed, upReason: state.settingsChanged ? "settings" : "qualified" };
  const basis = toTierBasis(shop.program.tierBasis);
  const period = toTierPeriod(shop.program.tierPeriod);
  const current = currentTierWindow(period, now, shop.ianaTimezone);
  const previous = previousTierWindow(period, now, shop.ianaTimezone);
  const batchSize = options.batchSize ?? 2000;
  const result: TierPassResult = { shop: shopDomain, members: 0, batches: 0, up: 0, down: 0, demotionsAllowed: state.demotionsAllowed, reason: ctx.upReason, ms: 0 };
  if (shop.tiers.length >= 1) {
    let after = "";
    for (;;) {
      const batch = await inTransaction(db, async (tx) => {
        const rows = await readPassBatch(tx, shop.id, after, batchSize, basis, current, previous);
        const counts = await applyPassBatch(tx, ctx, rows);
        return { rows: rows.length, last: rows[rows.length - 1]?.id ?? null, ...counts };
      });
      result.members += batch.rows;
      result.up += batch.up;
      result.down += batch.down;
      if (batch.rows > 0) result.batches++;
      if (options.failAfterBatches !== undefined && result.batches >= options.failAfterBatches) {
        throw new TierPassCrash(`stopped after ${result.batches} batches`);
      }
      if (!batch.last || batch.rows < batchSize) break;
      after = batch.last;
    }
  }
  // Not through Prisma's update: Program.updatedAt stays what the merchant last changed.
  const sql = new Sql(isPostgres(db));
  await db.$executeRawUnsafe(
    `UPDATE "Program" SET "tierLastReviewAt" = ${sql.p(now)} WHERE "shopId" = ${sql.p(shop.id)} AND ("tierLastReviewAt" IS NULL OR "tierLastReviewAt" < ${sql.p(now)})`,
    ...sql.params,
  );
  result.ms = Math.round(performance.now() - started);
  return result;
}

/** Shops whose pass is due: never run, a new shop-local day, or tier settings changed since. */
export async function findShopsDueForTierPass(db: Db, now: Date): Promise<string[]> {
  const [programs, changed] = await Promise.all([
    db.program.findMany({
      where: { status: "live", shop: { uninstalledAt: null } },
      select: { shopId: true, tierLastReviewAt: true, shop: { select: { domain: true, ianaTimezone: true } } },
    }),
    db.tier.groupBy({ by: ["shopId"], _max: { updatedAt: true }, _count: { _all: true } }),
  ]);
  const tiersByShop = new Map(changed.map((t) => [t.shopId, t]));
  const due: string[] = [];
  for (const p of programs) {
    const tiers = tiersByShop.get(p.shopId);
    if (!tiers || tiers._count._all < 2) continue;
    const last = p.tierLastReviewAt;
    const dayStart = latestReviewBoundary("rolling_12_months", now, p.shop.ianaTimezone)!;
    const settingsAt = tiers._max.updatedAt;
    if (last === null || last < dayStart || (settingsAt !== null && settingsAt > last)) due.push(p.shop.domain);
  }
  return due;
}

// ---- the TierChange outbox: what the Shopify sync job reads and records ----

/** A claimed row's sync is left to other workers for this long (a crashed worker's row comes back after it). */
export const TIER_SYNC_LEASE_MS = 5 * 60_000;

export interface TierSyncItem {
  id: string;
  shopDomain: string;
  shopUninstalled: boolean;
  customerGid: string;
  fromTier: string | null;
  toTier: string | null;
  reason: string;
  /** Including this one. */
  attempts: number;
  memberStatus: string | null;
  /** The member's tier now (tags follow it, not the row: rows can be synced out of order). */
  currentTierName: string | null;
  /** Every tier name whose tag the customer must not keep: the ladder's and this row's. */
  otherTierNames: string[];
}

export async function findDueTierChanges(db: Db, now: Date, limit = 50): Promise<string[]> {
  const rows = await db.tierChange.findMany({
    where: { syncStatus: "pending", nextSyncAt: { lte: now } },
    orderBy: [{ nextSyncAt: "asc" }, { createdAt: "asc" }],
    select: { id: true },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/** Claims a due row (one worker wins) and reads what its sync needs; null if not due or taken. */
export async function claimTierChange(db: Db, id: string, now: Date): Promise<TierSyncItem | null> {
  const claimed = await db.tierChange.updateMany({
    where: { id, syncStatus: "pending", nextSyncAt: { lte: now } },
    data: { nextSyncAt: new Date(now.getTime() + TIER_SYNC_LEASE_MS), syncAttempts: { increment: 1 } },
  });
  if (claimed.count !== 1) return null;
  const row = await db.tierChange.findUniqueOrThrow({
    where: { id },
    include: { shop: { select: { domain: true, uninstalledAt: true, tiers: { select: { name: true } } } } },
  });
  const member = await db.member.findUnique({ where: { id: row.memberId }, select: { status: true, tier: { select: { name: true } } } });
  const current = member?.tier?.name ?? null;
  const names = new Set([...row.shop.tiers.map((t) => t.name), row.fromTier, row.toTier].filter((n): n is string => !!n));
  if (current) names.delete(current);
  return {
    id: row.id,
    shopDomain: row.shop.domain,
    shopUninstalled: row.shop.uninstalledAt !== null,
    customerGid: row.customerGid,
    fromTier: row.fromTier,
    toTier: row.toTier,
    reason: row.reason,
    attempts: row.syncAttempts,
    memberStatus: member?.status ?? null,
    currentTierName: current,
    otherTierNames: [...names],
  };
}

export type TierSyncOutcome = { status: "done" } | { status: "retry"; error: string; nextSyncAt: Date } | { status: "failed"; error: string };

export async function finishTierChange(db: Db, id: string, outcome: TierSyncOutcome): Promise<void> {
  await db.tierChange.updateMany({
    where: { id, syncStatus: "pending" },
    data:
      outcome.status === "done"
        ? { syncStatus: "done", lastError: null }
        : outcome.status === "failed"
          ? { syncStatus: "failed", lastError: outcome.error.slice(0, 1000) }
          : { lastError: outcome.error.slice(0, 1000), nextSyncAt: outcome.nextSyncAt },
  });
}

// ---- what the storefront widget shows (app/loyalty/customer-view.server.ts) ----

/** One row of the widget's tier benefits table. */
export interface TierBenefit {
  name: string;
  rank: number;
  /** In the basis' unit: minor units of shop money (spend), points, or orders. */
  threshold: number;
  multiplierPermille: number;
  perks: { entryPoints: number; birthdayPoints: number | null; freeShipping: boolean };
}

export function toTierBenefits(tiers: readonly { name: string; rank: number; thresholdMinor: bigint | number; multiplierPermille: number; perks: string }[]): TierBenefit[] {
  return [...tiers]
    .sort((a, b) => a.rank - b.rank)
    .map((t) => ({ name: t.name, rank: t.rank, threshold: Number(t.thresholdMinor), multiplierPermille: t.multiplierPermille, perks: parseTierPerks(t.perks) }));
}

export interface MemberTierView {
  name: string;
  rank: number;
  /**
   * The tier above and what is still missing for it in the current window, in the basis'
   * unit (`remaining`; `remainingMinor` is the same number, named when spend was the only
   * basis); null at the top.
   */
  next: { name: string; remainingMinor: number; remaining: number } | null;
  /** Eligible spend in the current window (basis "spend"); null for the other bases. */
  spendMinor: number | null;
  /** The member's number in the current window, in the basis' unit. */
  progress: number;
  basis: TierBasis;
  period: TierPeriod;
  /** When the window's numbers reset (ISO instant, exclusive): calendar years only, else null. */
  periodEnd: string | null;
}

export async function computeMemberTierView(
  db: Db | Tx,
  shop: { id: string; ianaTimezone: string; program: { tierBasis: string; tierPeriod: string } },
  ladder: readonly TierBenefit[],
  memberId: string,
  tier: { name: string; rank: number },
  now: Date,
): Promise<MemberTierView> {
  const basis = toTierBasis(shop.program.tierBasis);
  const period = toTierPeriod(shop.program.tierPeriod);
  const progress = await memberTierMetric(db, shop.id, memberId, basis, currentTierWindow(period, now, shop.ianaTimezone));
  const end = tierPeriodEnd(period, now, shop.ianaTimezone);
  const { next } = computeTierProgress(
    ladder.map((t) => ({ name: t.name, rank: t.rank, thresholdMinor: t.threshold })),
    tier.rank,
    progress,
    end,
  );
  return {
    name: tier.name,
    rank: tier.rank,
    next: next ? { name: next.name, remainingMinor: next.remainingMinor, remaining: next.remainingMinor } : null,
    spendMinor: basis === "spend" ? progress : null,
    progress,
    basis,
    period,
    periodEnd: end?.toISOString() ?? null,
  };
}
