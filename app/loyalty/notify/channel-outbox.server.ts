import type { Db } from "../../db.server";
import type { OccasionChannel } from "./occasions";

// The outbox of the machine channels (flow, klaviyo): what their jobs (app/jobs/
// flow-occasions.server.ts, klaviyo.server.ts) claim in bulk and record. A job claims
// hundreds of due rows in two statements (one UPDATE by id with a lease unique to the
// claim, one read by that lease), sends them batched, and records each row's outcome:
// `sent`, `skipped` (nothing to send, with the reason), a retry at its backoff, or `dead`.
// The job decides the lease and the backoff (app/jobs/backoff.ts).

export interface ClaimedDelivery {
  id: string;
  shopId: string;
  shopDomain: string;
  shopUninstalled: boolean;
  /** Including this one. */
  attempts: number;
  occasionId: string;
  occasionKey: string;
  kind: string;
  data: string;
  occurredAt: Date;
  email: string | null;
  member: { id: string; customerGid: string; email: string | null; firstName: string | null; lastName: string | null; status: string; points: number; tierName: string | null } | null;
}

export async function claimDueDeliveries(db: Db, channel: OccasionChannel, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const due = await db.occasionDelivery.findMany({
    where: { channel, status: "pending", nextAttemptAt: { lte: now } },
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    select: { id: true },
    take: limit,
  });
  if (due.length === 0) return [];
  const lease = new Date(leaseUntil.getTime() + Math.floor(Math.random() * 1000));
  const ids = due.map((d) => d.id);
  await db.occasionDelivery.updateMany({ where: { id: { in: ids }, status: "pending", nextAttemptAt: { lte: now } }, data: { nextAttemptAt: lease, attempts: { increment: 1 } } });
  const rows = await db.occasionDelivery.findMany({
    where: { id: { in: ids }, status: "pending", nextAttemptAt: lease },
    orderBy: { createdAt: "asc" },
    include: { occasion: { include: { shop: { select: { domain: true, uninstalledAt: true } } } } },
  });
  const memberIds = [...new Set(rows.flatMap((r) => (r.occasion.memberId ? [r.occasion.memberId] : [])))];
  const members = await db.member.findMany({
    where: { id: { in: memberIds } },
    select: { id: true, customerGid: true, email: true, firstName: true, lastName: true, status: true, points: true, tier: { select: { name: true } } },
  });
  const byId = new Map(members.map((m) => [m.id, m]));
  return rows.map((r) => {
    const m = r.occasion.memberId ? byId.get(r.occasion.memberId) : undefined;
    return {
      id: r.id,
      shopId: r.shopId,
      shopDomain: r.occasion.shop.domain,
      shopUninstalled: r.occasion.shop.uninstalledAt !== null,
      attempts: r.attempts,
      occasionId: r.occasionId,
      occasionKey: r.occasion.key,
      kind: r.occasion.kind,
      data: r.occasion.data,
      occurredAt: r.occasion.occurredAt,
      email: r.occasion.email,
      member: m ? { id: m.id, customerGid: m.customerGid, email: m.email, firstName: m.firstName, lastName: m.lastName, status: m.status, points: m.points, tierName: m.tier?.name ?? null } : null,
    };
  });
}

export type DeliveryOutcome =
  | { status: "sent"; recipient?: string | null }
  | { status: "skipped"; reason: string }
  | { status: "retry"; error: string; nextAttemptAt: Date }
  | { status: "dead"; error: string };

/** Records outcomes; rows whose outcome is alike share one UPDATE. */
export async function finishDeliveries(db: Db, outcomes: ReadonlyMap<string, DeliveryOutcome>, now = new Date()): Promise<void> {
  const groups = new Map<string, { outcome: DeliveryOutcome; ids: string[] }>();
  for (const [id, outcome] of outcomes) {
    const key = JSON.stringify(outcome);
    const group = groups.get(key) ?? { outcome, ids: [] };
    group.ids.push(id);
    groups.set(key, group);
  }
  for (const { outcome, ids } of groups.values()) {
    for (let i = 0; i < ids.length; i += 500) {
      const data =
        outcome.status === "sent"
          ? { status: "sent", sentAt: now, lastError: null, ...(outcome.recipient !== undefined ? { recipient: outcome.recipient } : {}) }
          : outcome.status === "skipped"
            ? { status: "skipped", lastError: outcome.reason.slice(0, 1000) }
            : outcome.status === "dead"
              ? { status: "dead", lastError: outcome.error.slice(0, 1000) }
              : { lastError: outcome.error.slice(0, 1000), nextAttemptAt: outcome.nextAttemptAt };
      await db.occasionDelivery.updateMany({ where: { id: { in: ids.slice(i, i + 500) }, status: "pending" }, data });
    }
  }
}
