import type { Db } from "../db.server";
import { findShopsDueForTierPass, runTierPass, type TierPassResult } from "../loyalty/tiers/review.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { syncDueTierChanges } from "./tier-sync.server";

// Tier background work, driven by the job sweep (app/jobs/queue.server.ts):
// - every tick: Shopify sync of pending TierChange rows (a few per tick, retried with backoff);
// - every PASS_CHECK_MS: a tier pass for each shop that is due, i.e. a new shop-local day
//   (the year-end review on the first day of a year; rolling windows every day), or tier
//   settings saved since the last pass. The state that says "due" is in the database
//   (Program.tierLastReviewAt, Tier.updatedAt), so a lost job or a crash only delays it.
// docs/decisions/0008-multipliers-and-tier-review.md

const PASS_CHECK_MS = 15_000;

let lastPassCheck = 0;
let passesRunning = false;
let syncRunning = false;
const requested = new Set<string>();

/** Asks for a pass for a shop soon (after the merchant saved tier settings). */
export function requestTierPass(shopDomain: string): void {
  requested.add(shopDomain);
  lastPassCheck = 0;
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
      log.error("tier pass failed", { shop, error: String(error) });
    }
  }
  return results;
}

/** KANTA_TIER_JOBS=0 turns background tier passes and sync off; tests call them directly,
 * so they are off under NODE_ENV=test unless KANTA_TIER_JOBS=1. */
export function tierJobsEnabled(): boolean {
  return getEnv().KANTA_TIER_JOBS === "1";
}

/**
 * One sweep tick. Never throws and never makes the sweep wait for a long pass: passes and
 * sync each run in the background, one at a time per process.
 */
export function tickTierJobs(db: Db, now = Date.now()): void {
  if (!syncRunning) {
    syncRunning = true;
    syncDueTierChanges(db)
      .catch((error: unknown) => log.error("tier sync failed", { error: String(error) }))
      .finally(() => {
        syncRunning = false;
      });
  }
  if (!passesRunning && now - lastPassCheck >= PASS_CHECK_MS) {
    lastPassCheck = now;
    passesRunning = true;
    runDueTierPasses(db)
      .catch((error: unknown) => log.error("tier passes failed", { error: String(error) }))
      .finally(() => {
        passesRunning = false;
      });
  }
}
