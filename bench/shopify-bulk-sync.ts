// Bulk Shopify sync benchmark: a review that moved N members (default 100,000) and N
// members whose balance changed, synced to the Admin API emulator with Shopify's cost
// budget emulated on a virtual clock (a Standard plan: a bucket of 2,000 points refilling
// 100 a second; --plus: 20,000 and 1,000). Counts the requests Kanta makes and the time
// Shopify's budget imposes (virtual), and measures Kanta's own wall time (database and
// emulator). Not a test: run `npm run bench:shopify-sync`, copy the table into
// docs/benchmarks.md with the machine and date.
//
//   npm run bench:shopify-sync -- [--members 100000] [--plus] [--keep-db]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { syncDirtyPoints } from "../app/jobs/points-sync.server";
import { syncDueTierChanges } from "../app/jobs/tier-sync.server";
import { AdminEmulator } from "../app/local/emulator.server";
import { loadAdminSchema } from "../app/local/admin-schema.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { KANTA_TIER_FLOW_TRIGGER } from "../app/shopify/customers.server";
import { migrate } from "../scripts/migrate.mjs";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "100000" },
    plus: { type: "boolean", default: false },
    "keep-db": { type: "boolean", default: false },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const MEMBERS = Number(values.members);
const LIMITS = values.plus ? { maximumAvailable: 20_000, restoreRate: 1_000 } : { maximumAvailable: 2_000, restoreRate: 100 };
const DB_NAME = "bench_kanta_shopify_sync";
const SHOP = "bench-sync.myshopify.com";

const admin = new pg.Client({ connectionString: values.pg });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${DB_NAME}`);
const url = new URL(values.pg!);
url.pathname = `/${DB_NAME}`;
const databaseUrl = url.toString();
process.env.DATABASE_URL = databaseUrl;
process.env.KANTA_LOG_LEVEL ??= "warn";

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(2)} h`;

try {
  await migrate(databaseUrl, { log: () => {} });
  const db = createPrismaClient(databaseUrl);
  const raw = new pg.Client({ connectionString: databaseUrl });
  raw.on("error", () => {});
  await raw.connect();
  const { version } = (await raw.query("SELECT current_setting('server_version') AS version")).rows[0] as { version: string };
  const shop = await ensureShop(db, { domain: SHOP, name: "Bench sync", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const gold = await db.tier.findFirstOrThrow({ where: { shopId: shop.id, name: "Gold" } });
  await raw.query(
    `INSERT INTO "Member" ("id", "shopId", "customerGid", "tierId", "status", "points", "pointsDirty", "enrolledAt", "lastActivityAt", "createdAt", "updatedAt")
     SELECT 'm' || lpad(g::text, 9, '0'), $1, 'gid://shopify/Customer/' || (7000000000 + g), $2, 'active', g % 5000, true, now(), now(), now(), now()
     FROM generate_series(1, $3::int) AS g`,
    [shop.id, gold.id, MEMBERS],
  );
  await raw.query(
    `INSERT INTO "TierChange" ("id", "shopId", "memberId", "customerGid", "fromTier", "toTier", "reason", "nextSyncAt", "createdAt")
     SELECT 't' || lpad(g::text, 9, '0'), $1, 'm' || lpad(g::text, 9, '0'), 'gid://shopify/Customer/' || (7000000000 + g), 'Silver', 'Gold', 'review', '2027-01-02', '2027-01-02'
     FROM generate_series(1, $2::int) AS g`,
    [shop.id, MEMBERS],
  );
  await raw.query(`ANALYZE "Member"; ANALYZE "TierChange"`);

  const clock = { t: Date.parse("2027-01-02T10:00:00Z"), now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  const emulator = new AdminEmulator(loadAdminSchema());
  emulator.addShop({ name: "Bench", myshopifyDomain: SHOP, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  emulator.addFlowTrigger(KANTA_TIER_FLOW_TRIGGER);
  emulator.setThrottle(LIMITS, clock.now);
  const graphqlFor = async () => emulator.client(SHOP);

  // Tier changes: runs of 2,000 rows until none is left (the sweep runs the task back to back).
  let start = performance.now();
  let virtualStart = clock.t;
  const tierStats = { done: 0, retrying: 0, dead: 0 };
  for (;;) {
    const s = await syncDueTierChanges(db, { now: new Date(clock.t), graphqlFor, clock, limit: 2000 });
    tierStats.done += s.done;
    tierStats.retrying += s.retrying;
    tierStats.dead += s.dead;
    if (s.done + s.retrying + s.dead === 0) break;
  }
  const tierWall = performance.now() - start;
  const tierVirtual = clock.t - virtualStart;
  const tierCalls = emulator.calls.length;
  const tagCalls = emulator.calls.filter((c) => c.operationName === "KantaCustomerTierBatch").length;
  const flowCalls = emulator.calls.filter((c) => c.operationName === "KantaFlowTriggerBatch").length;

  // Balances: every member dirty.
  start = performance.now();
  virtualStart = clock.t;
  const pointStats = { synced: 0, calls: 0, retrying: 0, dead: 0 };
  for (;;) {
    const s = await syncDirtyPoints(db, graphqlFor, { now: new Date(clock.t), clock, maxCallsPerShop: 200 });
    pointStats.synced += s.synced;
    pointStats.calls += s.calls;
    pointStats.retrying += s.retrying;
    pointStats.dead += s.dead;
    if (s.calls === 0) break;
  }
  const pointsWall = performance.now() - start;
  const pointsVirtual = clock.t - virtualStart;

  // One job per member before (KantaCustomerTierSync: tagsAdd + tagsRemove + metafieldsSet, then a Flow trigger).
  const beforeCalls = 2 * MEMBERS;
  const beforePoints = 40 * MEMBERS;
  const beforeVirtual = Math.max(0, beforePoints - LIMITS.maximumAvailable) / LIMITS.restoreRate * 1000;

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log("");
  console.log(`${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${version}`);
  console.log(`Shopify budget emulated: bucket ${LIMITS.maximumAvailable.toLocaleString("en")} points, ${LIMITS.restoreRate.toLocaleString("en")} points/s (${values.plus ? "Plus" : "Standard"}); THROTTLED answers: ${tierStats.retrying + pointStats.retrying}`);
  console.log("");
  console.log("| sync | members | requests | Shopify budget time (virtual) | Kanta wall time | rows done / dead |");
  console.log("|---|---|---|---|---|---|");
  console.log(`| tier tags + metafield + Flow, before (one job per member, computed) | ${MEMBERS.toLocaleString("en")} | ${beforeCalls.toLocaleString("en")} | ${hours(beforeVirtual)} | — | — |`);
  console.log(`| tier tags + metafield + Flow, bulk | ${MEMBERS.toLocaleString("en")} | ${tierCalls.toLocaleString("en")} (${tagCalls.toLocaleString("en")} tag/metafield, ${flowCalls.toLocaleString("en")} Flow) | ${hours(tierVirtual)} | ${(tierWall / 1000).toFixed(1)} s | ${tierStats.done.toLocaleString("en")} / ${tierStats.dead} |`);
  console.log(`| balance metafield, bulk | ${MEMBERS.toLocaleString("en")} | ${pointStats.calls.toLocaleString("en")} | ${hours(pointsVirtual)} | ${(pointsWall / 1000).toFixed(1)} s | ${pointStats.synced.toLocaleString("en")} / ${pointStats.dead} |`);
  await raw.end();
  await db.$disconnect();
} finally {
  if (!values["keep-db"]) await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.end();
}
