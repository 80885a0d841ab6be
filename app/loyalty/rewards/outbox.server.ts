import type { Db } from "../../db.server";

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

