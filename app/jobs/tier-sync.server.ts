import type { Db } from "../db.server";
import { claimDueTierChanges, finishTierChanges, type TierSyncItem, type TierSyncOutcome } from "../loyalty/tiers/sync-outbox.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import {
  KANTA_TIER_FLOW_TRIGGER,
  METAFIELDS_PER_CALL,
  fireFlowTriggersBatch,
  syncCustomerTiersBatch,
  tierBatchCost,
  tierFlowPayload,
  type TierBatchItem,
} from "../shopify/customers.server";
import { ShopUninstalledError } from "../shopify/errors";
import type { AdminGraphql } from "../shopify/graphql";
import { MUTATION_COST, realClock, resetShopPacers, shopPacer, type Clock, type CostPacer } from "../shopify/throttle";
import { RETRY, afterShopifyFailure, errorText, leaseUntil } from "./backoff";

// The TierChange outbox to Shopify, in bulk. A review that moves 100,000 members writes
// 100,000 rows; this job claims hundreds at once and, per shop, sends 25 customers a request:
// each customer's tier tag added and the other tier tags removed (aliased tagsAdd /
// tagsRemove; tags follow the member's tier NOW, so rows synced out of order still
// converge) and every tier metafield in one metafieldsSet; then the rows' "Kanta tier
// changed" Flow triggers, 50 a request (aliased flowTriggerReceive). Requests are paced by
// Shopify's cost report (app/shopify/throttle.ts). Outcomes are per row, as before: a
// userError about one customer makes that customer's rows `dead` at once (the others go
// on); a failure of a whole request (5xx, THROTTLED, network, 401) is classified once
// (app/shopify/errors.ts) and applied to each of its rows: terminal -> dead, retryable ->
// the row's own backoff (app/jobs/backoff.ts: 1 s, 4 s, 16 s … 1 h), dead after
// TIER_SYNC_MAX_ATTEMPTS. Dead rows are retried from Home's Needs attention. Accrual only
// ever writes the row. The trigger is at least once: a crash between Shopify's answer and
// marking the rows done sends them again on the retry.
// docs/decisions/0024-shopify-flow-klaviyo-bulk-sync.md (bulk), 0008 (the outbox).

export const TIER_SYNC_MAX_ATTEMPTS = RETRY.tierSync.maxAttempts;

/** Flow triggers per request: 50 × 10 points, half of Shopify's 1,000-point query limit. */
export const FLOW_TRIGGERS_PER_CALL = 50;

export interface TierSyncOptions {
  now?: Date;
  /** Rows claimed per run (the next run takes the next ones). */
  limit?: number;
  /** Tests and local mode: the Admin API client for a shop. */
  graphqlFor?: (shopDomain: string) => Promise<AdminGraphql>;
  /** Tests and the bench: a virtual clock for the pacer. */
  clock?: Clock;
}

export interface TierSyncStats {
  done: number;
  retrying: number;
  dead: number;
}

/** Tests and the bench: forget the pacers' reports (shared by every bulk job, app/shopify/throttle.ts). */
export function resetTierSyncPacers(): void {
  resetShopPacers();
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export async function syncDueTierChanges(db: Db, options: TierSyncOptions = {}): Promise<TierSyncStats> {
  const now = options.now ?? new Date();
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const clock = options.clock ?? realClock;
  const stats: TierSyncStats = { done: 0, retrying: 0, dead: 0 };
  const items = await claimDueTierChanges(db, now, leaseUntil(now), options.limit ?? 500);
  const outcomes = new Map<string, TierSyncOutcome>();

  const fail = (rows: readonly TierSyncItem[], error: unknown) => {
    for (const item of rows) {
      const verdict = afterShopifyFailure({ error, attempts: item.attempts, now, policy: RETRY.tierSync });
      const fields = { shop: item.shopDomain, tierChangeId: item.id, memberCustomerGid: item.customerGid, attempt: item.attempts, kind: verdict.kind, error: verdict.error };
      if (verdict.status === "dead") {
        log.error("tier sync dead", fields);
        outcomes.set(item.id, { status: "dead", error: verdict.error });
      } else {
        log.warn("tier sync failed, will retry", { ...fields, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
        outcomes.set(item.id, { status: "retry", error: verdict.error, nextSyncAt: verdict.nextAttemptAt });
      }
    }
  };
  const refuse = (rows: readonly TierSyncItem[], error: string) => {
    for (const item of rows) {
      log.error("tier sync dead", { shop: item.shopDomain, tierChangeId: item.id, memberCustomerGid: item.customerGid, attempt: item.attempts, kind: "terminal", error });
      outcomes.set(item.id, { status: "dead", error });
    }
  };

  const byShop = new Map<string, TierSyncItem[]>();
  for (const item of items) byShop.set(item.shopDomain, [...(byShop.get(item.shopDomain) ?? []), item]);
  for (const [shopDomain, rows] of byShop) {
    try {
      if (rows.some((r) => r.shopUninstalled)) {
        fail(rows, new ShopUninstalledError(shopDomain));
        continue;
      }
      // Nothing to tell Shopify about a customer whose data was erased.
      const live = rows.filter((r) => {
        const skip = r.memberStatus === null || r.memberStatus === "redacted";
        if (skip) outcomes.set(r.id, { status: "done" });
        return !skip;
      });
      if (live.length === 0) continue;
      const graphql = await graphqlFor(shopDomain);
      const pacer = shopPacer(shopDomain, clock);
      const onCost = { onCost: (cost: Parameters<CostPacer["record"]>[0]) => pacer.record(cost) };
      // One item per customer (its rows share the tags: they follow the tier now).
      const byCustomer = new Map<string, { customerGid: string; tierName: string | null; rows: TierSyncItem[] }>();
      for (const r of live) {
        const entry = byCustomer.get(r.customerGid) ?? { customerGid: r.customerGid, tierName: r.currentTierName, rows: [] };
        entry.rows.push(r);
        byCustomer.set(r.customerGid, entry);
      }
      const tagged: TierSyncItem[] = [];
      for (const customers of chunks([...byCustomer.values()], METAFIELDS_PER_CALL)) {
        const batch: TierBatchItem[] = customers.map((rs) => ({
          customerGid: rs.customerGid,
          tierName: rs.tierName,
          otherTierNames: [...new Set(rs.rows.flatMap((r) => r.otherTierNames))],
        }));
        try {
          await pacer.before(tierBatchCost(batch));
          const results = await syncCustomerTiersBatch(graphql, batch, onCost);
          customers.forEach((c, i) => {
            const result = results[i] ?? { ok: false as const, error: "no outcome" };
            if (result.ok) tagged.push(...c.rows);
            else refuse(c.rows, result.error);
          });
        } catch (error) {
          fail(customers.flatMap((c) => c.rows), error);
        }
      }
      for (const group of chunks(tagged, FLOW_TRIGGERS_PER_CALL)) {
        try {
          await pacer.before(MUTATION_COST * group.length);
          const results = await fireFlowTriggersBatch(graphql, group.map((r) => ({ handle: KANTA_TIER_FLOW_TRIGGER.handle, payload: tierFlowPayload(r) })), onCost);
          group.forEach((row, i) => {
            const result = results[i] ?? { ok: false as const, error: "no outcome" };
            if (result.ok) outcomes.set(row.id, { status: "done" });
            else refuse([row], result.error);
          });
        } catch (error) {
          fail(group, error);
        }
      }
    } catch (error) {
      // No client for the shop (no session) or a bug: every row not settled yet shares the verdict.
      fail(rows.filter((r) => !outcomes.has(r.id)), error);
    }
  }
  try {
    await finishTierChanges(db, outcomes);
  } catch (error) {
    // The rows keep their lease and come back after it: at least once, never lost.
    log.error("tier sync outcomes not saved", { rows: outcomes.size, error: errorText(error) });
    throw error;
  }
  for (const o of outcomes.values()) {
    if (o.status === "done") stats.done++;
    else if (o.status === "dead") stats.dead++;
    else stats.retrying++;
  }
  return stats;
}
