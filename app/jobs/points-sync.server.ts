import type { Db } from "../db.server";
import { log } from "../log.server";
import { METAFIELDS_PER_CALL, setCustomerPointsMetafields } from "../shopify/customers.server";
import type { AdminGraphql } from "../shopify/graphql";
import { MUTATION_COST, realClock, resetShopPacers, shopPacer, type Clock } from "../shopify/throttle";
import { RETRY, afterShopifyFailure, errorText, leaseUntil } from "./backoff";

// The balance metafield ($app:kanta.points) in bulk. The ledger writer marks a member
// dirty (`Member.pointsDirty`) in the same UPDATE that moves their points: nothing more on
// the order path. This job takes each shop's dirty members 25 at a time (metafieldsSet's
// limit), sends their balances as they are now, and clears a mark only if the balance is
// still the one sent (a change meanwhile keeps it dirty for the next pass). Requests are
// paced by Shopify's cost report (app/shopify/throttle.ts). A userError about one input
// (a customer deleted in Shopify) clears that member's mark with the error kept on the
// member (`pointsSyncError`; the next balance change tries again); a failure of the whole
// request backs the shop off (PointsSync, app/jobs/backoff.ts) and after the last attempt
// the shop's sync is dead: Home's Needs attention shows it with a retry. The marks stay
// until Shopify took the values, so a crash loses nothing.
// docs/decisions/0024-shopify-flow-klaviyo-bulk-sync.md

export const POINTS_SYNC_POLICY = RETRY.tierSync;

export interface PointsSyncOptions {
  now?: Date;
  /** Calls per shop per run (the next run goes on): 200 calls = 5,000 members. */
  maxCallsPerShop?: number;
  /** Tests and the bench: a virtual clock for the pacer. */
  clock?: Clock;
  /** Tests and the bench: only these shops (each test has its own shop in a shared database). */
  shopIds?: readonly string[];
}

export interface PointsSyncStats {
  shops: number;
  calls: number;
  synced: number;
  /** Members whose value Shopify refused (kept on the member). */
  refused: number;
  /** Shops backing off after a failed request. */
  retrying: number;
  /** Shops whose sync is dead (terminal error, or the last attempt). */
  dead: number;
}

/** Tests: forget the pacers' reports (shared by every bulk job, app/shopify/throttle.ts). */
export function resetPointsSyncPacers(): void {
  resetShopPacers();
}

/** Sends every due shop's dirty balances. Never throws for one shop's failure. */
export async function syncDirtyPoints(db: Db, gatewayFor: (shopDomain: string) => Promise<AdminGraphql>, options: PointsSyncOptions = {}): Promise<PointsSyncStats> {
  const now = options.now ?? new Date();
  const clock = options.clock ?? realClock;
  const maxCalls = options.maxCallsPerShop ?? 200;
  const stats: PointsSyncStats = { shops: 0, calls: 0, synced: 0, refused: 0, retrying: 0, dead: 0 };
  const groups = await db.member.groupBy({ by: ["shopId"], where: { pointsDirty: true, ...(options.shopIds ? { shopId: { in: [...options.shopIds] } } : {}) } });
  for (const { shopId } of groups) {
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { domain: true, uninstalledAt: true, pointsSync: true } });
    if (!shop || shop.uninstalledAt) continue;
    const state = shop.pointsSync;
    if (state && (state.deadAt || state.nextAttemptAt > now)) continue;
    // Claim the shop (another process's sweep may have found it too): a lease, undone below.
    const lease = leaseUntil(now);
    if (state) {
      const claimed = await db.pointsSync.updateMany({ where: { shopId, deadAt: null, nextAttemptAt: state.nextAttemptAt }, data: { nextAttemptAt: lease } });
      if (claimed.count === 0) continue;
    } else {
      try {
        await db.pointsSync.create({ data: { shopId, nextAttemptAt: lease } });
      } catch {
        continue; // another process created it first: theirs
      }
    }
    stats.shops++;
    const attempts = (state?.attempts ?? 0) + 1;
    const fields = { shop: shop.domain, attempt: attempts };
    try {
      const graphql = await gatewayFor(shop.domain);
      const pacer = shopPacer(shop.domain, clock);
      let after = "";
      for (let call = 0; call < maxCalls; call++) {
        const batch = await db.member.findMany({
          where: { shopId, pointsDirty: true, id: { gt: after } },
          orderBy: { id: "asc" },
          take: METAFIELDS_PER_CALL,
          select: { id: true, customerGid: true, points: true, status: true },
        });
        if (batch.length === 0) break;
        after = batch.at(-1)?.id ?? after;
        // Erased members: nothing to tell Shopify.
        const redacted = batch.filter((m) => m.status === "redacted");
        if (redacted.length) await db.member.updateMany({ where: { id: { in: redacted.map((m) => m.id) } }, data: { pointsDirty: false } });
        const send = batch.filter((m) => m.status !== "redacted");
        if (send.length === 0) continue;
        await pacer.before(MUTATION_COST);
        stats.calls++;
        const outcomes = await setCustomerPointsMetafields(
          graphql,
          send.map((m) => ({ customerGid: m.customerGid, points: m.points })),
          { onCost: (cost) => pacer.record(cost) },
        );
        // Clear only what Shopify has: the balance sent is still the balance now.
        const results = send.map((m, i) => ({ m, outcome: outcomes[i] ?? { ok: false as const, error: "no outcome" } }));
        const ok = results.filter((r) => r.outcome.ok).map((r) => r.m);
        if (ok.length) {
          const r = await db.member.updateMany({ where: { OR: ok.map((m) => ({ id: m.id, points: m.points })) }, data: { pointsDirty: false, pointsSyncError: null } });
          stats.synced += r.count;
        }
        for (const { m, outcome } of results) {
          if (outcome.ok) continue;
          log.warn("balance metafield refused", { ...fields, memberId: m.id, error: outcome.error });
          await db.member.updateMany({ where: { id: m.id, points: m.points }, data: { pointsDirty: false, pointsSyncError: outcome.error.slice(0, 1000) } });
          stats.refused++;
        }
      }
      await db.pointsSync.update({ where: { shopId }, data: { attempts: 0, lastError: null, nextAttemptAt: now, syncedAt: new Date() } });
    } catch (error) {
      const verdict = afterShopifyFailure({ error, attempts, now, policy: POINTS_SYNC_POLICY });
      if (verdict.status === "dead") {
        log.error("balance metafield sync dead", { ...fields, kind: verdict.kind, error: verdict.error });
        stats.dead++;
      } else {
        log.warn("balance metafield sync failed, will retry", { ...fields, kind: verdict.kind, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
        stats.retrying++;
      }
      await db.pointsSync
        .update({
          where: { shopId },
          data: verdict.status === "dead" ? { attempts, lastError: verdict.error, deadAt: now } : { attempts, lastError: verdict.error, nextAttemptAt: verdict.nextAttemptAt },
        })
        .catch((e: unknown) => log.error("balance metafield sync state not saved", { ...fields, error: errorText(e) }));
    }
  }
  return stats;
}
