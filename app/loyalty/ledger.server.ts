import type { Db, Tx } from "../db.server";
import {
  IdempotencyConflictError,
  computeBalance,
  countsAsActivity,
  countsAsEarning,
  requireValidEntry,
  sameEntry,
  type Balance,
  type LedgerEntryInput,
  type LedgerKind,
} from "./ledger";

export interface AppendResult {
  entryId: string;
  replayed: boolean;
}

/**
 * Appends one ledger row and moves the member's cached balances in the same transaction.
 * Replaying a key with the same content changes nothing; with different content it throws
 * IdempotencyConflictError.
 */
export async function appendLedgerEntry(tx: Tx, input: LedgerEntryInput): Promise<AppendResult> {
  requireValidEntry(input);
  const pendingDelta = input.pendingDelta ?? 0;
  const existing = await tx.ledgerEntry.findUnique({
    where: { shopId_idempotencyKey: { shopId: input.shopId, idempotencyKey: input.idempotencyKey } },
  });
  if (existing) {
    if (!sameEntry({ ...existing, kind: existing.kind as LedgerKind }, { ...input, pendingDelta })) {
      throw new IdempotencyConflictError(
        `idempotency key ${input.idempotencyKey} was already used for a different entry`,
      );
    }
    return { entryId: existing.id, replayed: true };
  }
  const entry = await tx.ledgerEntry.create({
    data: {
      shopId: input.shopId,
      memberId: input.memberId,
      delta: input.delta,
      pendingDelta,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      sourceGid: input.sourceGid ?? null,
      actor: input.actor ?? "system",
      note: input.note ?? null,
      availableAt: input.availableAt ?? null,
      expiresAt: input.expiresAt ?? null,
    },
    select: { id: true, createdAt: true },
  });
  const lifetime = countsAsEarning(input.kind) ? input.delta + pendingDelta : 0;
  await tx.member.update({
    where: { id: input.memberId },
    data: {
      points: { increment: input.delta },
      pendingPoints: { increment: pendingDelta },
      lifetimePoints: { increment: lifetime },
      ...(countsAsActivity(input.kind) ? { lastActivityAt: entry.createdAt } : {}),
    },
  });
  return { entryId: entry.id, replayed: false };
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
