// npm run reconcile [-- --shop <domain>] [--batch 5000]
// The nightly proof on demand (app/loyalty/reconcile): for every installed shop (or one),
// cached balances against the ledger and every order's points against the earning rules.
// Reports differences (stored for Home, logged with member and order ids), fixes nothing.
// Exits 1 when a difference was found, 2 when a run failed. In production, from the build:
// `node build/reconcile.js` (npm run build bundles it beside the worker).
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { parseArgs } from "node:util";
import { getDb } from "../app/db.server";
import { getEnv } from "../app/env.server";
import { reconcileShop, type ReconcileResult } from "../app/loyalty/reconcile/reconcile.server";
import { loadLocalEnv } from "./env.mjs";

loadLocalEnv();
const { values } = parseArgs({
  options: { shop: { type: "string" }, batch: { type: "string", default: "5000" }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  console.log("usage: npm run reconcile [-- --shop <shop>.myshopify.com] [--batch 5000]");
  process.exit(0);
}
getEnv(); // a misconfigured environment fails here, naming the variable
const db = getDb();
const shops = await db.shop.findMany({
  where: values.shop ? { domain: values.shop } : { uninstalledAt: null },
  select: { id: true, domain: true },
  orderBy: { domain: "asc" },
});
if (values.shop && shops.length === 0) {
  console.error(`No shop ${values.shop} in this database.`);
  process.exit(2);
}
let exitCode = 0;
for (const shop of shops) {
  let result: ReconcileResult;
  try {
    result = await reconcileShop(db, shop.id, { batchSize: Number(values.batch) });
  } catch (error) {
    console.error(`${shop.domain}: the run failed: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 2;
    continue;
  }
  const what = `${result.membersChecked} members, ${result.ordersChecked} orders`;
  if (result.differenceCount === 0) {
    console.log(`${shop.domain}: ${what}: every balance and every order matches.`);
    continue;
  }
  exitCode = Math.max(exitCode, 1);
  console.log(`${shop.domain}: ${what}: ${result.differenceCount} difference(s) (run ${result.runId}):`);
  for (const d of result.differences.slice(0, 50)) {
    console.log(`  ${d.kind} member=${d.memberId ?? "-"} order=${d.orderGid ?? "-"} expected=${JSON.stringify(d.expected)} actual=${JSON.stringify(d.actual)}`);
  }
  if (result.differenceCount > 50) console.log(`  … and ${result.differenceCount - 50} more (see the logs and Home).`);
}
if (shops.length === 0) console.log("No installed shop to reconcile.");
await db.$disconnect();
process.exit(exitCode);
