// The ledger's vocabulary and its pure rules. Persistence is in ./append.server.ts.
//
// Every change to a member's points is one append-only row with an idempotency key unique
// per shop. A row moves points between two buckets: `delta` changes spendable points,
// `pendingDelta` changes pending points (earned, not spendable until the return window
// passes). docs/decisions/0002-ledger-buckets-and-negative-balances.md

export const LEDGER_KINDS = [
  "order_earned", // an order's points (or an increase after an edit)
  "order_reversed", // refund, cancellation or edit took an order's points back
  "pending_released", // pending order points became spendable
  "signup_bonus",
  "action_bonus", // birthday, follows, newsletter … (widget issue)
  "manual_adjustment", // by staff, with a reason
  "redeemed", // points spent on a reward
  "redemption_reversed", // a failed redemption gave the points back
  "expired",
  "referral", // a referred friend's order paid off (referral:<id>), or a referral bonus (referral-bonus:…)
  "import", // a balance brought over from another app or a Kanta export (import:<file hash>:<line>), the source in the note
  "donated", // points given to a cause (donate:<donation id>), docs/decisions/0037-charity-and-surprises.md
  "surprise", // a surprise's points prize (surprise:<surprise id>:<member id>), 0037
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Kinds that count towards lifetime points earned (spending and expiry do not). */
const EARNING_KINDS: ReadonlySet<LedgerKind> = new Set([
  "order_earned",
  "order_reversed",
  "signup_bonus",
  "action_bonus",
  "manual_adjustment",
  "referral",
  // Imported balances are points the member earned in the previous program: they count
  // towards lifetime points (a set-balance import that lowers a balance lowers it, as an
  // adjustment does). docs/decisions/0019-member-import.md
  "import",
  // A surprise's points are a gift, like a bonus: they count as earned.
  "surprise",
]);

export function countsAsEarning(kind: LedgerKind): boolean {
  return EARNING_KINDS.has(kind);
}

/**
 * Kinds that show the member is active (for inactivity expiry); system moves do not. An
 * import is not the member's activity: the import enrols new members with their
 * lastActivityAt at the import, so their inactivity clock starts then, and an existing
 * member's clock is left where their own activity put it.
 */
const ACTIVITY_KINDS: ReadonlySet<LedgerKind> = new Set(["order_earned", "signup_bonus", "action_bonus", "redeemed", "referral", "donated"]);

export function countsAsActivity(kind: LedgerKind): boolean {
  return ACTIVITY_KINDS.has(kind);
}

export interface LedgerEntryInput {
  shopId: string;
  memberId: string;
  delta: number;
  pendingDelta?: number;
  kind: LedgerKind;
  idempotencyKey: string;
  sourceGid?: string | null;
  actor?: string;
  note?: string | null;
  availableAt?: Date | null;
  expiresAt?: Date | null;
}

export class LedgerError extends Error {
  override name = "LedgerError";
}

/** A replay of an idempotency key with different content: an error, not a success. */
export class IdempotencyConflictError extends LedgerError {
  override name = "IdempotencyConflictError";
}

export function requireValidEntry(entry: LedgerEntryInput): void {
  const pending = entry.pendingDelta ?? 0;
  if (!Number.isSafeInteger(entry.delta) || !Number.isSafeInteger(pending)) {
    throw new LedgerError("ledger deltas must be integers");
  }
  if (entry.delta === 0 && pending === 0) throw new LedgerError("a ledger entry must move points");
  if (!entry.idempotencyKey || entry.idempotencyKey.length > 300) {
    throw new LedgerError("a ledger entry needs an idempotency key (at most 300 characters)");
  }
  if (!(LEDGER_KINDS as readonly string[]).includes(entry.kind)) {
    throw new LedgerError(`unknown ledger kind "${entry.kind}"`);
  }
}

/** Fields that must match when an idempotency key is replayed. */
export function sameEntry(
  a: Pick<LedgerEntryInput, "memberId" | "delta" | "pendingDelta" | "kind">,
  b: Pick<LedgerEntryInput, "memberId" | "delta" | "pendingDelta" | "kind">,
): boolean {
  return a.memberId === b.memberId && a.delta === b.delta && (a.pendingDelta ?? 0) === (b.pendingDelta ?? 0) && a.kind === b.kind;
}

export const ledgerKeys = {
  order: (orderGid: string, revision: number) => `order:${orderGid}:r${revision}`,
  orderRelease: (orderGid: string, revision: number) => `order:${orderGid}:release:r${revision}`,
  signup: (customerGid: string) => `signup:${customerGid}`,
  manual: (requestId: string) => `manual:${requestId}`,
  /** The Flow action "Award points": Flow's action_run_id, the same on every retry of a run. */
  flowAward: (actionRunId: string) => `flow:${actionRunId}`,
  redeem: (redemptionId: string) => `redeem:${redemptionId}`,
  redeemReversal: (redemptionId: string) => `redeem:${redemptionId}:reversed`,
  expiry: (memberId: string, asOf: string) => `expire:${memberId}:${asOf}`,
};

export interface LedgerRow {
  delta: number;
  pendingDelta: number;
  kind: LedgerKind;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface Balance {
  points: number;
  pendingPoints: number;
  lifetimePoints: number;
}

/** The balance a member's rows add up to: what the cached columns must equal. */
export function computeBalance(rows: readonly Pick<LedgerRow, "delta" | "pendingDelta" | "kind">[]): Balance {
  let points = 0;
  let pendingPoints = 0;
  let lifetimePoints = 0;
  for (const row of rows) {
    points += row.delta;
    pendingPoints += row.pendingDelta;
    if (countsAsEarning(row.kind)) lifetimePoints += row.delta + row.pendingDelta;
  }
  return { points, pendingPoints, lifetimePoints };
}

/**
 * Per-earning expiry with soonest-expiring-first spending. Replays a member's rows in time
 * order: credits with an `expiresAt` form lots; debits (spending, reversals, earlier expiry
 * rows) consume the lots that expire soonest, then lots that never expire. Returns how
 * many points have expired by `now` and are not yet written off by an "expired" row.
 */
export function computeExpiredPoints(rows: readonly LedgerRow[], now: Date): number {
  type Lot = { remaining: number; expiresAt: number };
  const lots: Lot[] = [];
  let unbacked = 0; // debits that found no lot (balance below zero)
  const sorted = [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const expireDueLots = (at: number) => {
    let expired = 0;
    for (const lot of lots) {
      if (lot.remaining > 0 && lot.expiresAt <= at) {
        expired += lot.remaining;
        lot.remaining = 0;
      }
    }
    return expired;
  };
  let expiredTotal = 0;
  let writtenOff = 0;
  for (const row of sorted) {
    const at = row.createdAt.getTime();
    expiredTotal += expireDueLots(at);
    const amount = row.delta; // only spendable points expire; pending rows are not lots
    if (row.kind === "expired") {
      writtenOff += -amount;
      continue;
    }
    if (amount > 0) {
      // Pay back earlier unbacked debits first.
      const repaid = Math.min(unbacked, amount);
      unbacked -= repaid;
      const rest = amount - repaid;
      if (rest > 0) lots.push({ remaining: rest, expiresAt: row.expiresAt ? row.expiresAt.getTime() : Infinity });
    } else if (amount < 0) {
      let need = -amount;
      const bySoonest = lots.filter((l) => l.remaining > 0).sort((a, b) => a.expiresAt - b.expiresAt);
      for (const lot of bySoonest) {
        if (need === 0) break;
        const take = Math.min(lot.remaining, need);
        lot.remaining -= take;
        need -= take;
      }
      unbacked += need;
    }
  }
  expiredTotal += expireDueLots(now.getTime());
  return Math.max(0, expiredTotal - writtenOff);
}

/** Inactivity expiry: the whole spendable balance lapses after `months` without activity. */
export function isInactiveSince(lastActivityAt: Date, months: number, now: Date): boolean {
  const limit = new Date(lastActivityAt);
  limit.setUTCMonth(limit.getUTCMonth() + months);
  return limit.getTime() <= now.getTime();
}
