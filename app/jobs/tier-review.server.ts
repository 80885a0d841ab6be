import type { Db } from "../db.server";
import { findShopsDueForTierPass, runTierPass, type TierPassResult } from "../loyalty/tiers/review.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { errorText } from "./backoff";

// Tier passes, run by the sweep's "tier-passes" task (app/jobs/tasks.server.ts) every
// 15 s, or at the next sweep after requestTierPass: a pass for each shop that is due, i.e. a
// new shop-local day (the year-end review on the first day of a year; rolling windows every
// day), or tier settings saved since the last pass. The state that says "due" is in the
// database (Program.tierLastReviewAt, Tier.updatedAt), so a lost job or a crash only delays
// it. The Shopify sync of the TierChange rows a pass writes is ./tier-sync.server.ts.
// docs/decisions/0008-multipliers-and-tier-review.md

const requested = new Set<string>();

/** Asks for a pass for a shop soon (after the merchant saved tier settings). */
export function requestTierPass(shopDomain: string): void {
  requested.add(shopDomain);
}

/** A pass was asked for since the last run: the sweep runs the task before its interval is up. */
export function tierPassRequested(): boolean {
  return requested.size > 0;
}

/** Runs every due pass, one shop after another. */
export async function runDueTierPasses(db: Db, now = new Date()): Promise<TierPassResult[]> {
  const due = new Set([...requested, ...(await findShopsDueForTierPass(db, now))]);
  requested.clear();
  const results: TierPassResult[] = [];
  for (const shop of due) {
    try {
      const result = await runTierPass(db, shop, { now });
      results.push(result);
      if (result.up || result.down) log.info("tier pass", { ...result });
    } catch (error) {
      // Still due (tierLastReviewAt unchanged): the next check runs it again.
      log.error("tier pass failed", { shop, error: errorText(error) });
    }
  }
  return results;
}

/** KANTA_TIER_JOBS=0 turns background tier passes and sync off; tests call them directly,
 * so they are off under NODE_ENV=test unless KANTA_TIER_JOBS=1. */
export function tierJobsEnabled(): boolean {
  return getEnv().KANTA_TIER_JOBS === "1";
}
