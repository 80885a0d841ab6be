import type { Db } from "../db.server";
import { log } from "../log.server";
import { claimDueDeliveries, finishDeliveries, type ClaimedDelivery, type DeliveryOutcome } from "../loyalty/notify/channel-outbox.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { fireFlowTriggersBatch, type FlowTriggerItem } from "../shopify/customers.server";
import { ShopUninstalledError } from "../shopify/errors";
import type { AdminGraphql, QueryCost } from "../shopify/graphql";
import { isFlowOccasionKind, occasionFlowTrigger } from "../shopify/occasion-triggers";
import { MUTATION_COST, realClock, resetShopPacers, shopPacer, type Clock } from "../shopify/throttle";
import { RETRY, afterShopifyFailure, errorText, leaseUntil } from "./backoff";
import { FLOW_TRIGGERS_PER_CALL } from "./tier-sync.server";

// The `flow` channel of the occasion outbox: Kanta's Flow triggers (points earned, reward
// redeemed, points expiring, referral completed; app/shopify/occasion-triggers.ts) fired
// with flowTriggerReceive, 50 per request (aliased), paced by Shopify's cost report. Per
// row: `sent`; `skipped` when there is no customer Flow can take (a friend who is not a
// member, an erased member, an id beyond 2^53); `dead` on a userError about it (e.g. the
// trigger is not deployed) or when its attempts are used up; otherwise its own backoff. At
// least once: a crash between Shopify's answer and recording it fires the rows again.
// docs/decisions/0024-shopify-flow-klaviyo-bulk-sync.md

export interface FlowOccasionOptions {
  now?: Date;
  limit?: number;
  graphqlFor?: (shopDomain: string) => Promise<AdminGraphql>;
  clock?: Clock;
}

export interface ChannelStats {
  sent: number;
  skipped: number;
  retrying: number;
  dead: number;
}

/** Tests: forget the pacers' reports (shared by every bulk job, app/shopify/throttle.ts). */
export function resetFlowOccasionPacers(): void {
  resetShopPacers();
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export function countOutcomes(outcomes: ReadonlyMap<string, DeliveryOutcome>): ChannelStats {
  const stats: ChannelStats = { sent: 0, skipped: 0, retrying: 0, dead: 0 };
  for (const o of outcomes.values()) {
    if (o.status === "sent") stats.sent++;
    else if (o.status === "skipped") stats.skipped++;
    else if (o.status === "dead") stats.dead++;
    else stats.retrying++;
  }
  return stats;
}

export async function sendDueFlowOccasions(db: Db, options: FlowOccasionOptions = {}): Promise<ChannelStats> {
  const now = options.now ?? new Date();
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const clock = options.clock ?? realClock;
  const rows = await claimDueDeliveries(db, "flow", now, leaseUntil(now), options.limit ?? 500);
  const outcomes = new Map<string, DeliveryOutcome>();
  const fail = (list: readonly ClaimedDelivery[], error: unknown) => {
    for (const row of list) {
      const verdict = afterShopifyFailure({ error, attempts: row.attempts, now, policy: RETRY.tierSync });
      const fields = { shop: row.shopDomain, deliveryId: row.id, kind: row.kind, attempt: row.attempts, errorKind: verdict.kind, error: verdict.error };
      if (verdict.status === "dead") {
        log.error("flow trigger dead", fields);
        outcomes.set(row.id, { status: "dead", error: verdict.error });
      } else {
        log.warn("flow trigger failed, will retry", { ...fields, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
        outcomes.set(row.id, { status: "retry", error: verdict.error, nextAttemptAt: verdict.nextAttemptAt });
      }
    }
  };
  const byShop = new Map<string, ClaimedDelivery[]>();
  for (const row of rows) byShop.set(row.shopDomain, [...(byShop.get(row.shopDomain) ?? []), row]);
  for (const [shopDomain, list] of byShop) {
    try {
      if (list.some((r) => r.shopUninstalled)) {
        fail(list, new ShopUninstalledError(shopDomain));
        continue;
      }
      const ready: { row: ClaimedDelivery; item: FlowTriggerItem }[] = [];
      for (const row of list) {
        const m = row.member;
        if (!isFlowOccasionKind(row.kind)) {
          outcomes.set(row.id, { status: "skipped", reason: `Kanta has no Flow trigger for ${row.kind}` });
          continue;
        }
        if (!m || m.status === "redacted") {
          outcomes.set(row.id, { status: "skipped", reason: "no customer: not a member, or their data was erased" });
          continue;
        }
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(row.data) as Record<string, unknown>;
        } catch {
          data = {};
        }
        const item = occasionFlowTrigger(row.kind, { customerGid: m.customerGid, balance: m.points, tierName: m.tierName, data });
        if (!item) outcomes.set(row.id, { status: "skipped", reason: "the customer's id is beyond what Flow takes" });
        else ready.push({ row, item });
      }
      if (ready.length === 0) continue;
      const graphql = await graphqlFor(shopDomain);
      const record = shopPacer(shopDomain, clock);
      for (const group of chunks(ready, FLOW_TRIGGERS_PER_CALL)) {
        try {
          await record.before(MUTATION_COST * group.length);
          const results = await fireFlowTriggersBatch(graphql, group.map((g) => g.item), { onCost: (cost: QueryCost) => record.record(cost) });
          group.forEach(({ row }, i) => {
            const result = results[i] ?? { ok: false as const, error: "no outcome" };
            if (result.ok) outcomes.set(row.id, { status: "sent" });
            else {
              log.error("flow trigger dead", { shop: shopDomain, deliveryId: row.id, kind: row.kind, errorKind: "terminal", error: result.error });
              outcomes.set(row.id, { status: "dead", error: result.error });
            }
          });
        } catch (error) {
          fail(group.map((g) => g.row), error);
        }
      }
    } catch (error) {
      fail(list.filter((r) => !outcomes.has(r.id)), error);
    }
  }
  try {
    await finishDeliveries(db, outcomes, now);
  } catch (error) {
    log.error("flow trigger outcomes not saved", { rows: outcomes.size, error: errorText(error) });
    throw error;
  }
  return countOutcomes(outcomes);
}
