import type { Db } from "../../db.server";

// The TierChange outbox: what the Shopify tier sync job (app/jobs/tier-sync.server.ts)
// reads and records. Rows are written by ./moves.server.ts and ./review.server.ts. The job
// decides the lease and the backoff (app/jobs/backoff.ts); a row ends `done` or `dead`.

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

/**
 * Claims a due row (one worker wins) until `leaseUntil` (a crashed worker's row comes back
 * after it) and reads what its sync needs; null if not due or taken.
 */
export async function claimTierChange(db: Db, id: string, now: Date, leaseUntil: Date): Promise<TierSyncItem | null> {
  const claimed = await db.tierChange.updateMany({
    where: { id, syncStatus: "pending", nextSyncAt: { lte: now } },
    data: { nextSyncAt: leaseUntil, syncAttempts: { increment: 1 } },
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

export type TierSyncOutcome = { status: "done" } | { status: "retry"; error: string; nextSyncAt: Date } | { status: "dead"; error: string };

export async function finishTierChange(db: Db, id: string, outcome: TierSyncOutcome): Promise<void> {
  await db.tierChange.updateMany({
    where: { id, syncStatus: "pending" },
    data:
      outcome.status === "done"
        ? { syncStatus: "done", lastError: null }
        : outcome.status === "dead"
          ? { syncStatus: "dead", lastError: outcome.error.slice(0, 1000) }
          : { lastError: outcome.error.slice(0, 1000), nextSyncAt: outcome.nextSyncAt },
  });
}

// ---------------------------------------------------------------------------------------
// In bulk: the job claims hundreds of rows at once and sends them 25 customers a request.

/**
 * Claims up to `limit` due rows in two statements (one UPDATE for all, one read of what this
 * claim got, by its lease, unique to the claim) and reads what their sync needs in a few
 * more: the members' tiers now and each shop's ladder. A row another worker claimed first
 * is not returned.
 */
export async function claimDueTierChanges(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<TierSyncItem[]> {
  const due = await findDueTierChanges(db, now, limit);
  if (due.length === 0) return [];
  // A lease no other claim can share: its instant plus a random sub-second offset.
  const lease = new Date(leaseUntil.getTime() + Math.floor(Math.random() * 1000));
  await db.tierChange.updateMany({
    where: { id: { in: due }, syncStatus: "pending", nextSyncAt: { lte: now } },
    data: { nextSyncAt: lease, syncAttempts: { increment: 1 } },
  });
  const rows = await db.tierChange.findMany({ where: { id: { in: due }, syncStatus: "pending", nextSyncAt: lease }, orderBy: { createdAt: "asc" } });
  if (rows.length === 0) return [];
  const shopIds = [...new Set(rows.map((r) => r.shopId))];
  const [shops, members] = await Promise.all([
    db.shop.findMany({ where: { id: { in: shopIds } }, select: { id: true, domain: true, uninstalledAt: true, tiers: { select: { name: true } } } }),
    db.member.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.memberId))] } }, select: { id: true, status: true, tier: { select: { name: true } } } }),
  ]);
  const shopById = new Map(shops.map((s) => [s.id, s]));
  const memberById = new Map(members.map((m) => [m.id, m]));
  return rows.flatMap((row) => {
    const shop = shopById.get(row.shopId);
    if (!shop) return [];
    const member = memberById.get(row.memberId);
    const current = member?.tier?.name ?? null;
    const names = new Set([...shop.tiers.map((t) => t.name), row.fromTier, row.toTier].filter((n): n is string => !!n));
    if (current) names.delete(current);
    return [
      {
        id: row.id,
        shopDomain: shop.domain,
        shopUninstalled: shop.uninstalledAt !== null,
        customerGid: row.customerGid,
        fromTier: row.fromTier,
        toTier: row.toTier,
        reason: row.reason,
        attempts: row.syncAttempts,
        memberStatus: member?.status ?? null,
        currentTierName: current,
        otherTierNames: [...names],
      },
    ];
  });
}

/** Records many rows' outcomes: one UPDATE per distinct outcome (done; dead with an error; retry at a time). */
export async function finishTierChanges(db: Db, outcomes: ReadonlyMap<string, TierSyncOutcome>): Promise<void> {
  const groups = new Map<string, { outcome: TierSyncOutcome; ids: string[] }>();
  for (const [id, outcome] of outcomes) {
    const key = outcome.status === "done" ? "done" : outcome.status === "dead" ? `dead|${outcome.error}` : `retry|${outcome.error}|${outcome.nextSyncAt.getTime()}`;
    const group = groups.get(key) ?? { outcome, ids: [] };
    group.ids.push(id);
    groups.set(key, group);
  }
  for (const { outcome, ids } of groups.values()) {
    for (let i = 0; i < ids.length; i += 500) {
      await db.tierChange.updateMany({
        where: { id: { in: ids.slice(i, i + 500) }, syncStatus: "pending" },
        data:
          outcome.status === "done"
            ? { syncStatus: "done", lastError: null }
            : outcome.status === "dead"
              ? { syncStatus: "dead", lastError: outcome.error.slice(0, 1000) }
              : { lastError: outcome.error.slice(0, 1000), nextSyncAt: outcome.nextSyncAt },
      });
    }
  }
}
