import type { QueryCost } from "./graphql";

// Pacing the bulk syncs to Shopify's Admin GraphQL cost budget. Shopify gives every app a
// bucket of points per shop (its size and restore rate depend on the shop's plan) and
// reports it in every answer's `extensions.cost.throttleStatus`; a query that costs more
// than is left is refused (THROTTLED). A single query may not cost more than 1,000 points.
// Each mutation field costs 10 points, so a request with 25 aliased `tagsAdd` costs 250.
// The pacer remembers the last report and waits, before a request, until the bucket has
// refilled enough for it: the bulk syncs stay under the limit instead of retrying into it.
// https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits
// Pure: the clock is given (tests and the bench use a virtual one).

/** Shopify's limit on one query's requested cost. */
export const MAX_QUERY_COST = 1000;
/** What one mutation field costs (Shopify's published cost of a mutation). */
export const MUTATION_COST = 10;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class CostPacer {
  private known: { available: number; maximum: number; restore: number; at: number } | null = null;
  /** How many times, and how long in all, the pacer waited (the bench reports them). */
  waits = 0;
  waitedMs = 0;

  constructor(readonly clock: Clock = realClock) {}

  /** Points available now: the last report plus what refilled since (never above the bucket). */
  available(): number | null {
    if (!this.known) return null;
    const refilled = ((this.clock.now() - this.known.at) / 1000) * this.known.restore;
    return Math.min(this.known.maximum, this.known.available + refilled);
  }

  /**
   * Waits until a request of `cost` points fits the bucket, then takes the points from the
   * estimate at once: the bulk jobs run side by side in a process, and a second request must
   * not count on points the first is about to spend. Shopify's next report corrects it.
   * Before the first report, goes at once.
   */
  async before(cost: number): Promise<void> {
    const available = this.available();
    if (available === null || !this.known || this.known.restore <= 0) return;
    if (available < cost + 1) {
      // One point of margin: Shopify's report is rounded down, and its clock is not ours.
      const ms = Math.ceil(((Math.min(cost + 1, this.known.maximum) - available) / this.known.restore) * 1000);
      if (ms > 0) {
        this.waits++;
        this.waitedMs += ms;
        await this.clock.sleep(ms);
      }
    }
    const now = this.available() ?? 0;
    this.known = { ...this.known, available: now - cost, at: this.clock.now() };
  }

  /** Shopify's report from an answer (also a THROTTLED one). */
  record(cost: QueryCost): void {
    const t = cost.throttleStatus;
    this.known = { available: t.currentlyAvailable, maximum: t.maximumAvailable, restore: t.restoreRate, at: this.clock.now() };
  }
}

// One pacer per shop for the process: every bulk job (tier sync, balance metafield, Flow
// triggers) spends the same bucket, so they share what Shopify last reported.
const shopPacers = new Map<string, CostPacer>();

export function shopPacer(shopDomain: string, clock: Clock = realClock): CostPacer {
  let pacer = shopPacers.get(shopDomain);
  if (!pacer || pacer.clock !== clock) {
    pacer = new CostPacer(clock);
    shopPacers.set(shopDomain, pacer);
  }
  return pacer;
}

/** Tests and the bench: forget every shop's report. */
export function resetShopPacers(): void {
  shopPacers.clear();
}
