import type { Db } from "../../db.server";
import { log } from "../../log.server";
import { appendNewLedgerEntries } from "./append.server";
import { isInactiveSince, ledgerKeys } from "./entries";
import { inTransaction } from "../tx.server";

// Points expiry by inactivity (Settings: "after N months without activity"). A member whose
// last activity (earning, redeeming, a bonus; see countsAsActivity) is N calendar months
// ago loses their whole spendable balance in one "expired" ledger row. Pending points are
// not touched: they become spendable later, and that release is not activity, so a member
// who stays inactive loses them at the next run after release.
//
// Exactly once: the row's key is the member plus the day (UTC) it expires, and the member
// is re-read inside the transaction that writes it. A crash between batches loses nothing:
// the next run finds the members still due.

export interface ExpiryRunResult {
  shops: number;
  members: number;
  points: number;
}

function monthsBefore(now: Date, months: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}

export async function expireInactivePoints(db: Db, options: { now?: Date; batchSize?: number; maxMembers?: number } = {}): Promise<ExpiryRunResult> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 200;
  let budget = options.maxMembers ?? 5_000;
  const result: ExpiryRunResult = { shops: 0, members: 0, points: 0 };
  const programs = await db.program.findMany({
    where: { status: "live", expiryMonths: { not: null, gt: 0 }, shop: { uninstalledAt: null } },
    select: { shopId: true, expiryMonths: true },
  });
  for (const program of programs) {
    const months = program.expiryMonths!;
    // Candidates: a superset (calendar months differ in length); isInactiveSince decides.
    const cutoff = monthsBefore(now, months);
    let after: string | undefined;
    let touchedShop = false;
    while (budget > 0) {
      const candidates = await db.member.findMany({
        where: { shopId: program.shopId, status: "active", points: { gt: 0 }, lastActivityAt: { lte: cutoff }, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: "asc" },
        take: Math.min(batchSize, budget),
        select: { id: true },
      });
      if (candidates.length === 0) break;
      after = candidates[candidates.length - 1]!.id;
      budget -= candidates.length;
      const day = now.toISOString().slice(0, 10);
      const expired = await inTransaction(db, async (tx) => {
        const members = await tx.member.findMany({
          where: { id: { in: candidates.map((c) => c.id) } },
          select: { id: true, points: true, lastActivityAt: true, status: true },
        });
        const due = members.filter((m) => m.status === "active" && m.points > 0 && isInactiveSince(m.lastActivityAt, months, now));
        const keys = due.map((m) => ledgerKeys.expiry(m.id, day));
        const done = new Set(
          (await tx.ledgerEntry.findMany({ where: { shopId: program.shopId, idempotencyKey: { in: keys } }, select: { idempotencyKey: true } })).map(
            (e) => e.idempotencyKey,
          ),
        );
        const entries = due
          .filter((m) => !done.has(ledgerKeys.expiry(m.id, day)))
          .map((m) => ({
            shopId: program.shopId,
            memberId: m.id,
            delta: -m.points,
            kind: "expired" as const,
            idempotencyKey: ledgerKeys.expiry(m.id, day),
            note: `No activity for ${months} month${months === 1 ? "" : "s"}`,
          }));
        await appendNewLedgerEntries(tx, entries);
        return entries;
      });
      if (expired.length > 0) touchedShop = true;
      result.members += expired.length;
      result.points += expired.reduce((sum, e) => sum - e.delta, 0);
      if (candidates.length < batchSize) break;
    }
    if (touchedShop) result.shops++;
  }
  if (result.members > 0) log.info("points expired", { ...result });
  return result;
}
