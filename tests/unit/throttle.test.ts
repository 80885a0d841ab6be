import { describe, expect, it } from "vitest";
import { AdminEmulator } from "../../app/local/emulator.server";
import { DEMO_SHOP } from "../../app/local/demo-shop";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { customerTierBatchDocument, flowTriggerBatchDocument } from "../../app/shopify/documents";
import { queryCostOf, runAdminQuery, ShopifyApiError, type QueryCost } from "../../app/shopify/graphql";
import { CostPacer, type Clock } from "../../app/shopify/throttle";

// Shopify's cost report read from answers, the pacer that waits for the bucket, and the
// emulator charging and refusing as Shopify does.

function clock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

const report = (currentlyAvailable: number, maximumAvailable = 1000, restoreRate = 50): QueryCost => ({
  requestedQueryCost: 10,
  actualQueryCost: 10,
  throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate },
});

describe("Shopify's cost budget", () => {
  it("reads extensions.cost, and nothing from a body without one", () => {
    expect(queryCostOf({ requestedQueryCost: 12, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 } })).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: 10,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
    });
    expect(queryCostOf(undefined)).toBeNull();
    expect(queryCostOf({ requestedQueryCost: "12" })).toBeNull();
  });

  it("the pacer goes at once before any report, then waits for the refill (plus a point)", async () => {
    const c = clock();
    const pacer = new CostPacer(c);
    await pacer.before(500);
    expect(c.t).toBe(0);
    pacer.record(report(100));
    await pacer.before(100);
    // 100 available, 101 wanted: 1 point at 50/s = 20 ms.
    expect(c.t).toBe(20);
    // The 100 are taken from the estimate before Shopify reports: 1 left, 51 wanted = 1 s.
    await pacer.before(50);
    expect(c.t).toBe(1020);
    pacer.record(report(900));
    await pacer.before(50);
    expect(c.t).toBe(1020);
    expect(pacer.waits).toBe(2);
    // Never waits for more than the bucket holds.
    pacer.record(report(0, 1000, 50));
    await pacer.before(5000);
    expect(c.t).toBe(1020 + 20_000);
  });

  it("the emulator charges 10 points a mutation field, throttles past the bucket and refuses a query over 1,000", async () => {
    const c = clock();
    const e = new AdminEmulator(loadAdminSchema());
    e.addShop(DEMO_SHOP);
    e.setThrottle({ maximumAvailable: 100, restoreRate: 10 }, c.now);
    const client = e.client(DEMO_SHOP.myshopifyDomain);
    const costs: QueryCost[] = [];
    const doc = customerTierBatchDocument({ customers: [{ add: true, remove: true }, { add: true, remove: false }], metafields: false });
    const vars = { id0: "gid://shopify/Customer/1", add0: ["kanta-tier-gold"], remove0: ["kanta-tier-silver"], id1: "gid://shopify/Customer/2", add1: ["kanta-tier-gold"] };
    await runAdminQuery(client, doc, vars, { onCost: (cost) => costs.push(cost) });
    expect(costs[0]).toMatchObject({ requestedQueryCost: 30, throttleStatus: { currentlyAvailable: 70 } });
    await runAdminQuery(client, doc, vars);
    await runAdminQuery(client, doc, vars);
    await expect(runAdminQuery(client, doc, vars, { onCost: (cost) => costs.push(cost) })).rejects.toThrow(ShopifyApiError);
    expect(costs[1]).toMatchObject({ actualQueryCost: null, throttleStatus: { currentlyAvailable: 10 } });
    c.t += 2000;
    await runAdminQuery(client, doc, vars);
    const huge = flowTriggerBatchDocument(101);
    const hugeVars = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [[`handle${i}`, "x"], [`payload${i}`, {}]]).flat());
    await expect(runAdminQuery(client, huge, hugeVars)).rejects.toThrow(/exceeds the single query max cost limit/);
  });
});
