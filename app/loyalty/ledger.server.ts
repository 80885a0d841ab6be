import type { Db, Tx } from "../db.server";
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
} from "./ledger";

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
 * concurrent writer of the same key fails the insert (P2002) and inTransaction re-runs the
 * caller from a fresh read. The hot path of order webhooks (bench/webhooks.ts).
 */
export async function appendNewLedgerEntries(tx: Tx, inputs: readonly LedgerEntryInput[]): Promise<void> {
  if (inputs.length === 0) return;
  inputs.forEach(requireValidEntry);
  const at = new Date();
  await tx.ledgerEntry.createMany({
    data: inputs.map((input) => ({
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
      createdAt: at,
    })),
  });
  const byMember = new Map<string, { delta: number; pending: number; lifetime: number; active: boolean }>();
  for (const input of inputs) {
    const sum = byMember.get(input.memberId) ?? { delta: 0, pending: 0, lifetime: 0, active: false };
    const pendingDelta = input.pendingDelta ?? 0;
    sum.delta += input.delta;
    sum.pending += pendingDelta;
    if (countsAsEarning(input.kind)) sum.lifetime += input.delta + pendingDelta;
    if (countsAsActivity(input.kind)) sum.active = true;
    byMember.set(input.memberId, sum);
  }
  for (const [memberId, sum] of byMember) {
    await tx.member.update({
      where: { id: memberId },
      data: {
        points: { increment: sum.delta },
        pendingPoints: { increment: sum.pending },
        lifetimePoints: { increment: sum.lifetime },
        ...(sum.active ? { lastActivityAt: at } : {}),
      },
    });
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
