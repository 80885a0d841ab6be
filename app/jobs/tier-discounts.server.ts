import type { Db } from "../db.server";
import { claimDueTierDiscounts, finishTierDiscount, recordTierDiscountIds, type TierDiscountItem, type TierDiscountOutcome } from "../loyalty/tiers/discount-outbox.server";
import { tierFreeShippingTitle, tierSegmentSpec } from "../loyalty/tiers/perk-discount";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { ShopUninstalledError } from "../shopify/errors";
import type { AdminGraphql } from "../shopify/graphql";
import { saveTierFreeShipping, saveTierSegment, setAutomaticDiscountActive } from "../shopify/tier-discounts.server";
import { RETRY, afterShopifyFailure, leaseUntil } from "./backoff";

// The TierDiscount outbox to Shopify: each due row's tier gets, while its free-shipping perk
// is on and the program live, a customer segment (its members by tier tag) and an automatic
// free shipping discount for that segment; otherwise the discount is deactivated (Shopify
// keeps it, expired). Each id Shopify returns is saved before the next call, so a retry
// after a failure updates instead of creating again. Failures follow the shared backoff
// (app/jobs/backoff.ts) and end `dead` (shown on the Tiers page; saving the tiers again
// retries). docs/decisions/0029-checkout-discounts.md

export const TIER_DISCOUNT_POLICY = RETRY.tierSync;

export interface TierDiscountSyncOptions {
  now?: Date;
  limit?: number;
  /** Tests and local mode: the Admin API client for a shop. */
  graphqlFor?: (shopDomain: string) => Promise<AdminGraphql>;
}

export interface TierDiscountSyncStats {
  done: number;
  retrying: number;
  dead: number;
}

async function syncOne(db: Db, item: TierDiscountItem, graphql: AdminGraphql, now: Date): Promise<void> {
  if (!item.wantActive) {
    // Nothing was ever created: nothing to turn off.
    if (item.discountGid) await setAutomaticDiscountActive(graphql, item.discountGid, false);
    return;
  }
  const segmentGid = await saveTierSegment(graphql, item.segmentGid, tierSegmentSpec(item.tierName));
  if (segmentGid !== item.segmentGid) await recordTierDiscountIds(db, item.id, { segmentGid });
  const spec = { title: tierFreeShippingTitle(item.tierName), segmentGid, startsAt: now };
  const discountGid = await saveTierFreeShipping(graphql, item.discountGid, spec);
  if (discountGid !== item.discountGid) await recordTierDiscountIds(db, item.id, { discountGid });
  // A discount deactivated earlier (perk off, program paused) starts again.
  else await setAutomaticDiscountActive(graphql, discountGid, true);
}

export async function syncDueTierDiscounts(db: Db, options: TierDiscountSyncOptions = {}): Promise<TierDiscountSyncStats> {
  const now = options.now ?? new Date();
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const stats: TierDiscountSyncStats = { done: 0, retrying: 0, dead: 0 };
  const items = await claimDueTierDiscounts(db, now, leaseUntil(now), options.limit ?? 50);
  for (const item of items) {
    let outcome: TierDiscountOutcome;
    try {
      if (item.shopUninstalled) throw new ShopUninstalledError(item.shopDomain);
      await syncOne(db, item, await graphqlFor(item.shopDomain), now);
      outcome = { status: "done" };
    } catch (error) {
      const verdict = afterShopifyFailure({ error, attempts: item.attempts, now, policy: TIER_DISCOUNT_POLICY });
      const fields = { shop: item.shopDomain, tierDiscountId: item.id, tier: item.tierName, attempt: item.attempts, kind: verdict.kind, error: verdict.error };
      if (verdict.status === "dead") {
        log.error("tier discount sync dead", fields);
        outcome = { status: "dead", error: verdict.error };
      } else {
        log.warn("tier discount sync failed, will retry", { ...fields, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
        outcome = { status: "retry", error: verdict.error, nextSyncAt: verdict.nextAttemptAt };
      }
    }
    await finishTierDiscount(db, item, outcome, now);
    stats[outcome.status === "done" ? "done" : outcome.status === "dead" ? "dead" : "retrying"]++;
  }
  return stats;
}
