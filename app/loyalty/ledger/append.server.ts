import { randomUUID } from "node:crypto";
import { PREPARED, type Db, type Tx } from "../../db.server";
import { Sql, insertRows, isPostgres, rowId, toPgArrayElement } from "../sql.server";
import {
  IdempotencyConflictError,
  LedgerError,
  computeBalance,
  countsAsActivity,
  countsAsEarning,
  requireValidEntry,
  sameEntry,
  type Balance,
  type LedgerEntryInput,
  type LedgerKind,
} from "./entries";

// The one writer of the ledger. Every row, from any feature, is appended here: validated,
// keyed for idempotency, and the member's cached balances (points, pendingPoints,
// lifetimePoints) and lastActivityAt moved in the same transaction by one rule
// (balanceMoves). Four ways in, for four callers' needs: appendLedgerEntry (a key that may
// be a replay), appendNewLedgerEntries (keys the caller knows are new: the order hot path),
// appendConditionalDebit (spending, never below zero) and appendLedgerEntriesOnce (a batch
// in raw SQL that skips keys already paid: the tier review). verifyLedger proves the
// cached balances equal the sums of the rows.
// docs/decisions/0002-ledger-buckets-and-negative-balances.md

/**
 * Appends one ledger row and moves the member's cached balances in the same transaction.
 * Replaying a key with the same content changes nothing ({ replayed: true }); with
 * different content it throws IdempotencyConflictError (TigerBeetle's rule: the id is the
 * idempotency key, and a replay that disagrees is an error, not a success).
 */
export async function appendLedgerEntry(tx: Tx, input: LedgerEntryInput): Promise<{ replayed: boolean }> {
  requireValidEntry(input);
  const existing = await tx.ledgerEntry.findUnique({
    where: { shopId_idempotencyKey: { shopId: input.shopId, idempotencyKey: input.idempotencyKey } },
  });
  if (existing) {
    if (!sameEntry({ ...existing, kind: existing.kind as LedgerKind }, input)) {
      throw new IdempotencyConflictError(
        `idempotency key ${input.idempotencyKey} was already used for a different entry`,
      );
    }
    return { replayed: true };
  }
  await appendNewLedgerEntries(tx, [input]);
  return { replayed: false };
}

/**
 * Appends rows whose keys the caller knows to be new (e.g. keyed by a revision it holds),
 * in one insert, then moves each member's cached balances once. No lookup first: a
 * concurrent writer of the same key fails the insert (unique violation: P2010 with 23505, retryable) and inTransaction re-runs the
 * caller from a fresh read. The hot path of order webhooks (bench/webhooks.ts).
 * `lastOrderAt`: the members' newest paid order times (win-back's "last order"), raised,
 * never lowered, in the same write of each member's row as the balances (a batch's plain
 * orders, 0045): one UPDATE of the row instead of two. A member may be in it without a row.
 */
export async function appendNewLedgerEntries(tx: Tx, inputs: readonly LedgerEntryInput[], options: { lastOrderAt?: ReadonlyMap<string, Date> } = {}): Promise<void> {
  const lastOrderAt = options.lastOrderAt ?? new Map<string, Date>();
  if (inputs.length === 0 && lastOrderAt.size === 0) return;
  inputs.forEach(requireValidEntry);
  const at = new Date();
  if (inputs.length > 0) await insertRows(tx, "LedgerEntry", inputs.map((input) => ledgerRow(input, rowId(), at)));
  await moveBalances(tx, inputs, at, lastOrderAt);
}

/** An entry as its LedgerEntry row, every column named (insertRows). */
function ledgerRow(input: LedgerEntryInput, id: string, createdAt: Date): Record<string, unknown> {
  return {
    id,
    shopId: input.shopId,
    memberId: input.memberId,
    delta: input.delta,
    pendingDelta: input.pendingDelta ?? 0,
    kind: input.kind,
    idempotencyKey: input.idempotencyKey,
    sourceGid: input.sourceGid ?? null,
    actor: input.actor ?? "system",
    note: input.note ?? null,
    availableAt: input.availableAt ?? null,
    expiresAt: input.expiresAt ?? null,
    createdAt,
  };
}

/** How a set of rows moves each member's cached balances: the rule computeBalance checks. */
interface BalanceMove {
  delta: number;
  pending: number;
  lifetime: number;
  /** A row of a kind that shows the member is active: lastActivityAt moves. */
  active: boolean;
}

function balanceMoves(rows: readonly Pick<LedgerEntryInput, "memberId" | "delta" | "pendingDelta" | "kind">[]): Map<string, BalanceMove> {
  const byMember = new Map<string, BalanceMove>();
  for (const row of rows) {
    const move = byMember.get(row.memberId) ?? { delta: 0, pending: 0, lifetime: 0, active: false };
    const pendingDelta = row.pendingDelta ?? 0;
    move.delta += row.delta;
    move.pending += pendingDelta;
    if (countsAsEarning(row.kind)) move.lifetime += row.delta + pendingDelta;
    if (countsAsActivity(row.kind)) move.active = true;
    byMember.set(row.memberId, move);
  }
  return byMember;
}

/** Members per shared-move UPDATE on SQLite. */
const BATCH_ROWS = 500;

/**
 * The batch path: rows in multi-row INSERTs that skip keys already written (ON CONFLICT DO
 * NOTHING), then the cached balances of the members whose rows were inserted, in one UPDATE
 * per distinct move (members whose moves are all different, as an import's are, share CASE
 * UPDATEs of up to 100 members). A key already used is skipped without comparing its content: a tier's
 * entry points changed by the merchant after a member was paid do not make that member's
 * key an error. Prisma would compile one statement per row and member (80 % of a year-end
 * review, bench/tier-review.ts). Returns how many rows were inserted. Gives the same rows
 * and balances as appendLedgerEntry for new keys (tests/integration/ledger.test.ts).
 */
export async function appendLedgerEntriesOnce(tx: Tx, inputs: readonly LedgerEntryInput[], now = new Date()): Promise<number> {
  if (inputs.length === 0) return 0;
  inputs.forEach(requireValidEntry);
  const rows = await insertRows<{ memberId: string; delta: number | bigint; pendingDelta: number | bigint; kind: string }>(
    tx,
    "LedgerEntry",
    inputs.map((e) => ledgerRow(e, randomUUID(), now)),
    { onConflict: `("shopId", "idempotencyKey") DO NOTHING`, returning: ["memberId", "delta", "pendingDelta", "kind"] },
  );
  const inserted = rows.map((r) => ({ memberId: r.memberId, delta: Number(r.delta), pendingDelta: Number(r.pendingDelta), kind: r.kind as LedgerKind }));
  await moveBalances(tx, inserted, now);
  return inserted.length;
}

/** Members moved alike that get an UPDATE of their own (fewer join the CASE UPDATEs). */
const SHARED_MOVE_MIN = 20;

/**
 * Moves the cached balances of the members of `rows` (computeBalance's rule), in few
 * statements: members whose rows move their balances alike share one UPDATE (a review pays
 * thousands of members the same entry points); the others share CASE UPDATEs of up to 100.
 */
async function moveBalances(
  tx: Tx,
  rows: readonly Pick<LedgerEntryInput, "memberId" | "delta" | "pendingDelta" | "kind">[],
  now: Date,
  lastOrderAt: ReadonlyMap<string, Date> = new Map(),
): Promise<void> {
  const postgres = isPostgres(tx);
  if (postgres) return moveBalancesPg(tx, balanceMoves(rows), now, lastOrderAt);
  await raiseLastOrderAt(tx, lastOrderAt, now);
  // Members whose rows move their balances alike share one UPDATE (a review pays thousands
  // of members the same entry points).
  const groups = new Map<string, { move: BalanceMove; memberIds: string[] }>();
  for (const [memberId, move] of balanceMoves(rows)) {
    const key = `${move.delta}/${move.pending}/${move.lifetime}/${move.active}`;
    const group = groups.get(key) ?? { move, memberIds: [] };
    group.memberIds.push(memberId);
    groups.set(key, group);
  }
  const singles = new Map<boolean, [string, BalanceMove][]>([[false, []], [true, []]]);
  for (const { move, memberIds } of groups.values()) {
    // Small groups (a batch of orders of different amounts pays a few members alike) go with
    // the singles: one CASE UPDATE per 100 members instead of one UPDATE per group.
    if (memberIds.length < SHARED_MOVE_MIN) {
      for (const id of memberIds) singles.get(move.active)!.push([id, move]);
      continue;
    }
    for (let i = 0; i < memberIds.length; i += BATCH_ROWS) {
      const sql = new Sql(postgres);
      const set = [
        `"points" = "points" + ${sql.p(move.delta)}`,
        `"pendingPoints" = "pendingPoints" + ${sql.p(move.pending)}`,
        `"lifetimePoints" = "lifetimePoints" + ${sql.p(move.lifetime)}`,
        `"updatedAt" = ${sql.p(now)}`,
      ];
      if (move.active) set.push(`"lastActivityAt" = ${sql.p(now)}`);
      if (move.delta !== 0) set.push(`"pointsDirty" = TRUE`);
      await tx.$executeRawUnsafe(`UPDATE "Member" SET ${set.join(", ")} WHERE "id" IN (${sql.list(memberIds.slice(i, i + BATCH_ROWS))})`, ...sql.params);
    }
  }
  for (const [active, moves] of singles) {
    for (let i = 0; i < moves.length; i += 100) {
      const chunk = moves.slice(i, i + 100);
      const sql = new Sql(postgres);
      const ids = chunk.map(([id]) => sql.p(id));
      const each = (pick: (move: BalanceMove) => number) => `CASE "id" ${chunk.map(([, move], j) => `WHEN ${ids[j]} THEN ${sql.p(pick(move))}`).join(" ")} ELSE 0 END`;
      const set = [
        `"points" = "points" + ${each((m) => m.delta)}`,
        `"pendingPoints" = "pendingPoints" + ${each((m) => m.pending)}`,
        `"lifetimePoints" = "lifetimePoints" + ${each((m) => m.lifetime)}`,
        `"updatedAt" = ${sql.p(now)}`,
      ];
      if (active) set.push(`"lastActivityAt" = ${sql.p(now)}`);
      // The balance metafield is behind for every member whose spendable points moved (as above).
      const moved = chunk.flatMap(([, move], j) => (move.delta !== 0 ? [ids[j]] : []));
      if (moved.length > 0) set.push(`"pointsDirty" = CASE WHEN "id" IN (${moved.join(", ")}) THEN TRUE ELSE "pointsDirty" END`);
      await tx.$executeRawUnsafe(`UPDATE "Member" SET ${set.join(", ")} WHERE "id" IN (${ids.join(", ")})`, ...sql.params);
    }
  }
}

/** Members per `unnest` UPDATE on PostgreSQL. */
const UNNEST_MEMBERS = 5_000;

/**
 * PostgreSQL: every member's move in one UPDATE … FROM unnest(ids, deltas, …) per 5,000
 * members, a fixed text run as a prepared statement (0044), their newest order times in the
 * same write (`lastOrderAt`, raised only: GREATEST ignores a NULL). The members go in id
 * order (an index join locks them in that order; a hash join in the table's order: either
 * way the same order for every writer). The same writes as the SQLite statements.
 */
async function moveBalancesPg(tx: Tx, moves: Map<string, BalanceMove>, now: Date, lastOrderAt: ReadonlyMap<string, Date>): Promise<void> {
  const still: BalanceMove = { delta: 0, pending: 0, lifetime: 0, active: false };
  const ids = [...new Set([...moves.keys(), ...lastOrderAt.keys()])].sort();
  for (let i = 0; i < ids.length; i += UNNEST_MEMBERS) {
    const chunk = ids.slice(i, i + UNNEST_MEMBERS).map((id) => [id, moves.get(id) ?? still] as const);
    await tx.$executeRawUnsafe(
      `${PREPARED}UPDATE "Member" AS m SET
         "points" = m."points" + u.d, "pendingPoints" = m."pendingPoints" + u.p, "lifetimePoints" = m."lifetimePoints" + u.l,
         "updatedAt" = $7::timestamp, "lastActivityAt" = CASE WHEN u.a THEN $7::timestamp ELSE m."lastActivityAt" END,
         "pointsDirty" = m."pointsDirty" OR u.d <> 0, "lastOrderAt" = GREATEST(m."lastOrderAt", u.o)
       FROM unnest($1::text[], $2::int4[], $3::int4[], $4::int4[], $5::bool[], $6::timestamp[]) AS u(id, d, p, l, a, o)
       WHERE m."id" = u.id`,
      chunk.map(([id]) => id),
      chunk.map(([, m]) => m.delta),
      chunk.map(([, m]) => m.pending),
      chunk.map(([, m]) => m.lifetime),
      chunk.map(([, m]) => m.active),
      chunk.map(([id]) => toPgArrayElement(lastOrderAt.get(id))),
      toPgArrayElement(now),
    );
  }
}

/** SQLite: the members' newest order times, raised only, 100 members per CASE UPDATE (one statement per order time before 0045). */
async function raiseLastOrderAt(tx: Tx, lastOrderAt: ReadonlyMap<string, Date>, now: Date): Promise<void> {
  const entries = [...lastOrderAt];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    const sql = new Sql(false);
    const at = `CASE "id" ${chunk.map(([id, time]) => `WHEN ${sql.p(id)} THEN ${sql.p(time)}`).join(" ")} END`;
    await tx.$executeRawUnsafe(
      `UPDATE "Member" SET "lastOrderAt" = ${at}, "updatedAt" = ${sql.p(now)} WHERE "id" IN (${sql.list(chunk.map(([id]) => id))}) AND ("lastOrderAt" IS NULL OR "lastOrderAt" < ${at})`,
      ...sql.params,
    );
  }
}

/**
 * Spends points: one conditional write (`… WHERE points >= cost`) that either debits the
 * spendable balance or changes nothing, then the ledger row. Safe under concurrent requests
 * on PostgreSQL (the row lock serialises the updates, each re-checking the condition) and
 * on SQLite (one writer). Returns false, writing nothing, when the balance is too low.
 */
export async function appendConditionalDebit(tx: Tx, input: LedgerEntryInput): Promise<boolean> {
  requireValidEntry(input);
  if (input.delta >= 0 || (input.pendingDelta ?? 0) !== 0) throw new LedgerError("a debit takes spendable points");
  const cost = -input.delta;
  const debited = await tx.member.updateMany({
    where: { id: input.memberId, points: { gte: cost } },
    data: {
      points: { decrement: cost },
      pointsDirty: true,
      // A negative manual adjustment also lowers lifetime points (computeBalance's rule).
      ...(countsAsEarning(input.kind) ? { lifetimePoints: { decrement: cost } } : {}),
      ...(countsAsActivity(input.kind) ? { lastActivityAt: new Date() } : {}),
    },
  });
  if (debited.count !== 1) return false;
  await tx.ledgerEntry.create({
    data: {
      shopId: input.shopId,
      memberId: input.memberId,
      delta: input.delta,
      pendingDelta: 0,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      sourceGid: input.sourceGid ?? null,
      actor: input.actor ?? "system",
      note: input.note ?? null,
    },
  });
  return true;
}

export interface LedgerMismatch {
  memberId: string;
  cached: Balance;
  ledger: Balance;
}

/** Proves the cached balances equal the ledger sums, for every member of a shop. */
export async function verifyLedger(db: Db | Tx, shopId: string): Promise<LedgerMismatch[]> {
  const [members, sums] = await Promise.all([
    db.member.findMany({
      where: { shopId },
      select: { id: true, points: true, pendingPoints: true, lifetimePoints: true },
    }),
    db.ledgerEntry.groupBy({
      by: ["memberId", "kind"],
      where: { shopId },
      _sum: { delta: true, pendingDelta: true },
    }),
  ]);
  const rowsByMember = new Map<string, { delta: number; pendingDelta: number; kind: LedgerKind }[]>();
  for (const s of sums) {
    const list = rowsByMember.get(s.memberId) ?? [];
    list.push({ delta: s._sum.delta ?? 0, pendingDelta: s._sum.pendingDelta ?? 0, kind: s.kind as LedgerKind });
    rowsByMember.set(s.memberId, list);
  }
  const mismatches: LedgerMismatch[] = [];
  for (const m of members) {
    const ledger = computeBalance(rowsByMember.get(m.id) ?? []);
    const cached = { points: m.points, pendingPoints: m.pendingPoints, lifetimePoints: m.lifetimePoints };
    if (
      ledger.points !== cached.points ||
      ledger.pendingPoints !== cached.pendingPoints ||
      ledger.lifetimePoints !== cached.lifetimePoints
    ) {
      mismatches.push({ memberId: m.id, cached, ledger });
    }
  }
  return mismatches;
}
