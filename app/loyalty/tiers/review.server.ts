import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../../db.server";
import { invalidateShopConfig, requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { Sql, isPostgres } from "../sql.server";
import { recordMemberOccasions } from "../notify/batch.server";
import { WriteConflictError, inTransaction } from "../tx.server";
import { readPassBatch, type PassMemberRow } from "./metric.server";
import { membershipHolds } from "./paid";
import { payEntryBonuses, type EntryBonus, type LadderTier, type TierChangeReason } from "./moves.server";
import {
  currentTierWindow,
  decideTier,
  latestReviewBoundary,
  manualState,
  previousTierWindow,
  qualifyingTier,
  toTierBasis,
  toTierPeriod,
  twelveMonthsBefore,
  type TierDecision,
} from "./rules";

// The shop-wide pass: the review at a period's end, a settings change, and the daily
// reconciliation. Resumable batches of members, each decided by the pure rules (./rules
// decideTier) and written set-based.
// docs/decisions/0008-multipliers-and-tier-review.md

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

interface PassContext {
  shop: ShopConfig;
  now: Date;
  demotionsAllowed: boolean;
  upReason: TierChangeReason;
  /** The calendar-year review this pass is (its boundary): members who keep their tier hear tier_kept. Null for daily passes. */
  review: Date | null;
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
  const kept = new Map<string, { tier: LadderTier; ids: string[] }>();
  let up = 0;
  let down = 0;
  const paid = await readPaidTiers(tx, shop, rows, now);
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
      paidRank: paid.ranks.get(row.id) ?? null,
      paidExpired: paid.expired.has(row.id),
    });
    if (decision.change === "none") {
      if (decision.clearManual) clearOnly.push(row.id);
      // Kept: held from before this review (a member this review moved, re-read after a crash, did not keep anything).
      if (ctx.review && current && (row.tierChangedAt === null || row.tierChangedAt < ctx.review)) {
        const group = kept.get(current.id) ?? { tier: current, ids: [] };
        group.ids.push(row.id);
        kept.set(current.id, group);
      }
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
    // tier_reached / tier_lowered (0023): one set-based insert per group, keyed by the pass's time (a re-run moves no one twice).
    const stamp = now.toISOString();
    if (isUp) {
      await recordMemberOccasions(tx, { shopId: shop.id, kind: "tier_reached", memberIds: ids, keySuffix: [group.to!.id, stamp], data: { tierName: group.to!.name, fromTierName: group.from?.name ?? null }, now });
    } else if (group.from) {
      await recordMemberOccasions(tx, { shopId: shop.id, kind: "tier_lowered", memberIds: ids, keySuffix: [group.to?.id ?? "none", stamp], data: { fromTierName: group.from.name, tierName: group.to?.name ?? null }, now });
    }
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
  // tier_kept at the calendar-year review (0023): once per member and review, keyed by the review's boundary.
  for (const group of kept.values()) {
    await recordMemberOccasions(tx, { shopId: shop.id, kind: "tier_kept", memberIds: group.ids, keySuffix: [group.tier.id, ctx.review!.toISOString()], data: { tierName: group.tier.name }, now });
  }
  return { up, down };
}

/**
 * The batch's paid tiers (0032): the rank each member's running memberships hold, and the
 * members whose membership ran out (marked ended here, in the batch's transaction, so they
 * are reviewed at once and once).
 */
async function readPaidTiers(tx: Tx, shop: ShopConfig, rows: readonly PassMemberRow[], now: Date): Promise<{ ranks: Map<string, number>; expired: Set<string> }> {
  const ranks = new Map<string, number>();
  const expired = new Set<string>();
  if (rows.length === 0 || !shop.tiers.some((t) => t.perks.membership)) return { ranks, expired };
  const memberships = await tx.tierMembership.findMany({
    where: { shopId: shop.id, endedAt: null, memberId: { in: rows.map((r) => r.id) } },
    select: { id: true, memberId: true, tierId: true, startsAt: true, endsAt: true, endedAt: true },
  });
  const ran: string[] = [];
  for (const m of memberships) {
    const tier = shop.tiers.find((t) => t.id === m.tierId);
    if (tier && membershipHolds(m, now)) ranks.set(m.memberId, Math.max(ranks.get(m.memberId) ?? -1, tier.rank));
    else if (m.startsAt <= now) {
      ran.push(m.id);
      expired.add(m.memberId);
    }
  }
  if (ran.length) await tx.tierMembership.updateMany({ where: { id: { in: ran }, endedAt: null }, data: { endedAt: now, endReason: "expired" } });
  return { ranks, expired };
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
  const basis = toTierBasis(shop.program.tierBasis);
  const period = toTierPeriod(shop.program.tierPeriod);
  const review = period === "calendar_year" && state.demotionsAllowed ? latestReviewBoundary("calendar_year", now, shop.ianaTimezone) : null;
  const ctx: PassContext = { shop, now, demotionsAllowed: state.demotionsAllowed, upReason: state.settingsChanged ? "settings" : "qualified", review };
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
