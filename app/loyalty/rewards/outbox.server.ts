import type { Db, Tx } from "../../db.server";

// The claim shared by the outboxes in Redemption rows (stalled redemptions, referrer codes,
// gifts): one worker wins an attempt, attempts and the lease are on the row.

/** Redemption rows whose Shopify call is due: no attempt yet, or the backoff or lease is over. */
export const attemptDue = (now: Date) => ({ OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] });

/** The outbox states of a redemption's Shopify call: a stalled point redemption, a referrer's code or a gift (issuing), a gift taken back (revoking). */
export type RedemptionOutboxStatus = "pending" | "issuing" | "revoking";

/**
 * Claims a due redemption still in `from` for one attempt (one worker wins) until
 * `leaseUntil`; returns its attempts counting this one, or null if not due or taken.
 */
export async function claimRedemptionAttempt(db: Db, id: string, from: RedemptionOutboxStatus, now: Date, leaseUntil: Date): Promise<number | null> {
  const claimed = await db.redemption.updateMany({
    where: { id, status: from, ...attemptDue(now) },
    data: { attempts: { increment: 1 }, nextAttemptAt: leaseUntil },
  });
  if (claimed.count !== 1) return null;
  const row = await db.redemption.findUnique({ where: { id }, select: { attempts: true } });
  return row?.attempts ?? null;
}

/** A code Kanta owes a member for nothing spent (a referrer's reward, a surprise's prize), made in Shopify by the issuing outbox. */
export interface OwedCode {
  shopId: string;
  memberId: string;
  /** Once per (shop, requestId): the caller's key for what is owed. */
  requestId: string;
  rewardId?: string | null;
  rewardName: string;
  code: string;
  expiresAt: Date | null;
}

/**
 * The owed code's row in the caller's transaction, created once: a replayed or resumed caller
 * gets the row it made before (with the code it had then). Status "issuing", the outbox's (not
 * "pending", which is spent points' recovery); no points spent.
 */
export async function owedCodeRow(tx: Tx, owed: OwedCode): Promise<{ id: string; code: string | null }> {
  const select = { id: true, code: true } as const;
  const existing = await tx.redemption.findUnique({ where: { shopId_requestId: { shopId: owed.shopId, requestId: owed.requestId } }, select });
  return existing ?? (await tx.redemption.create({ data: { ...owed, pointsSpent: 0, status: "issuing" }, select }));
}
