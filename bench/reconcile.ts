// Reconciliation benchmark: the nightly proof (app/loyalty/reconcile/reconcile.server.ts)
// over a shop with 1,000,000 members on PostgreSQL. Members, their orders, refunds and
// ledger rows are inserted set-based (generate_series, not through Prisma), consistent with
// the order path's arithmetic; reconcile runs once on the clean shop, then again after a
// few differences are planted. Not a test: run `npm run bench:reconcile`, then copy the
// printed table into docs/benchmarks.md with the machine and date.
//
//   npm run bench:reconcile -- [--members 1000000] [--batch 5000] [--keep-db]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { reconcileShop } from "../app/loyalty/reconcile/reconcile.server";
import { migrate } from "../scripts/migrate.mjs";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    batch: { type: "string", default: "5000" },
    "keep-db": { type: "boolean", default: false },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const MEMBERS = Number(values.members);
const BATCH = Number(values.batch);
// Not kanta_…: the test setup drops `kanta_<run>_%` with LIKE.
const DB_NAME = "bench_kanta_reconcile";
const SHOP = "bench-reconcile.myshopify.com";
const PLANTED = { balances: 3, orders: 2, strayLedgerRows: 1 };

const time = async <T>(label: string, work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  console.log(`${label}: ${(ms / 1000).toFixed(1)} s`);
  return [result, ms];
};

const admin = new pg.Client({ connectionString: values.pg });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${DB_NAME}`);
const url = new URL(values.pg!);
url.pathname = `/${DB_NAME}`;
const databaseUrl = url.toString();
process.env.DATABASE_URL = databaseUrl;
process.env.KANTA_LOG_LEVEL ??= "warn";

try {
  await migrate(databaseUrl, { log: () => {} });
  const db = createPrismaClient(databaseUrl);
  const raw = new pg.Client({ connectionString: databaseUrl });
  raw.on("error", () => {}); // the database is dropped under it at the end
  await raw.connect();
  const { version } = (await raw.query("SELECT current_setting('server_version') AS version")).rows[0] as { version: string };
  const shop = await ensureShop(db, { domain: SHOP, name: "Bench reconcile", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });

  // One paid order per member (1 point per 1.00 €; every 4th member at 1.5×), a quarter
  // refunded for every 10th member, a manual +50 for every 3rd and a -10 redemption for
  // every 5th: computed once into a temporary table, then written everywhere from it.
  await time(`compute ${MEMBERS.toLocaleString("en")} members' history`, () =>
    raw.query(
      `CREATE TEMP TABLE seed AS
       SELECT g, 'm' || lpad(g::text, 9, '0') AS member_id, 'gid://shopify/Order/' || (5000000000000 + g) AS order_gid,
         gross, mult, refund, (gross * mult / 100000) AS earned, ((gross - refund) * mult / 100000) AS target,
         CASE WHEN g % 3 = 0 THEN 50 ELSE 0 END AS manual, CASE WHEN g % 5 = 0 THEN -10 ELSE 0 END AS spent
       FROM (SELECT g, ((g::bigint * 7919) % 200000) + 100 AS gross, CASE WHEN g % 4 = 0 THEN 1500 ELSE 1000 END AS mult,
               CASE WHEN g % 10 = 0 THEN (((g::bigint * 7919) % 200000) + 100) / 4 ELSE 0 END AS refund
             FROM generate_series(1, $1::int) AS g) s`,
      [MEMBERS],
    ),
  );
  await time("insert members", () =>
    raw.query(
      `INSERT INTO "Member" ("id", "shopId", "customerGid", "status", "points", "pendingPoints", "lifetimePoints", "enrolledAt", "lastActivityAt", "createdAt", "updatedAt")
       SELECT member_id, $1, 'gid://shopify/Customer/' || (7000000000000 + g), 'active', target + manual + spent, 0, target + manual, now(), now(), now(), now() FROM seed`,
      [shop.id],
    ),
  );
  await time("insert orders and refunds", async () => {
    await raw.query(
      `INSERT INTO "OrderRecord" ("id", "shopId", "orderGid", "memberId", "currencyCode", "stateUpdatedAt", "paid", "processedAt", "grossMinor", "eligibleMinor",
         "earnPoints", "earnSpendMinor", "multiplierPermille", "pointsTarget", "pointsCredited", "revision", "createdAt", "updatedAt")
       SELECT 'o' || g, $1, order_gid, member_id, 'EUR', now(), true, now(), gross, gross - refund, 1, 100, mult, target, target, 1, now(), now() FROM seed`,
      [shop.id],
    );
    await raw.query(
      `INSERT INTO "OrderRefund" ("id", "shopId", "orderGid", "refundGid", "subtotalMinor", "taxMinor", "createdAt")
       SELECT 'r' || g, $1, order_gid, 'gid://shopify/Refund/' || (6000000000000 + g), refund, 0, now() FROM seed WHERE refund > 0`,
      [shop.id],
    );
  });
  await time("insert ledger rows", () =>
    raw.query(
      `INSERT INTO "LedgerEntry" ("id", "shopId", "memberId", "delta", "pendingDelta", "kind", "idempotencyKey", "sourceGid", "createdAt")
       SELECT 'l' || g || k.kind, $1, member_id, k.delta, 0, k.kind, k.kind || ':' || g, k.source, now()
       FROM seed, LATERAL (VALUES ('order_earned', earned, order_gid), ('order_reversed', target - earned, order_gid),
                                  ('manual_adjustment', manual, NULL), ('redeemed', spent, NULL)) AS k(kind, delta, source)
       WHERE k.delta <> 0`,
      [shop.id],
    ),
  );
  // VACUUM as well as ANALYZE: a live database has been vacuumed; right after a bulk insert,
  // autovacuum would otherwise start in the middle of a timed run.
  await time("vacuum analyze", async () => {
    for (const table of ["Member", "OrderRecord", "OrderRefund", "LedgerEntry"]) await raw.query(`VACUUM ANALYZE "${table}"`); // one statement each: VACUUM refuses a transaction
  });
  const ledgerRows = Number((await raw.query(`SELECT COUNT(*) AS n FROM "LedgerEntry"`)).rows[0].n);

  const [clean, cleanMs] = await time("reconcile, clean", () => reconcileShop(db, shop.id, { batchSize: BATCH }));
  if (clean.differenceCount !== 0) throw new Error(`the clean shop has ${clean.differenceCount} differences: the seed or the check is wrong`);

  // Plant: cached balances moved without a ledger row, orders whose state changed without
  // settling, and a stray order row in the ledger (a balance and an order difference).
  const spread = (i: number, n: number) => `m${String(Math.max(1, Math.floor((MEMBERS * (i + 1)) / (n + 1)))).padStart(9, "0")}`;
  for (let i = 0; i < PLANTED.balances; i++) await raw.query(`UPDATE "Member" SET "points" = "points" + 7 WHERE "id" = $1`, [spread(i, PLANTED.balances)]);
  for (let i = 0; i < PLANTED.orders; i++) {
    await raw.query(`UPDATE "OrderRecord" SET "grossMinor" = "grossMinor" + 1000 WHERE "memberId" = $1`, [spread(i, PLANTED.orders).replace(/.$/, "3")]);
  }
  await raw.query(
    `INSERT INTO "LedgerEntry" ("id", "shopId", "memberId", "delta", "pendingDelta", "kind", "idempotencyKey", "sourceGid", "createdAt")
     VALUES ('stray', $1, $2, 25, 0, 'order_earned', 'stray', 'gid://shopify/Order/1', now())`,
    [shop.id, spread(0, 1).replace(/.$/, "7")],
  );
  const [planted, plantedMs] = await time("reconcile, planted", () => reconcileShop(db, shop.id, { batchSize: BATCH }));
  const expected = PLANTED.balances + PLANTED.orders + 2 * PLANTED.strayLedgerRows;
  if (planted.differenceCount !== expected) throw new Error(`found ${planted.differenceCount} differences, planted ${expected}`);

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log("");
  console.log(`${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${version}`);
  console.log(`batch ${BATCH}; ${clean.membersChecked.toLocaleString("en")} members, ${clean.ordersChecked.toLocaleString("en")} orders, ${ledgerRows.toLocaleString("en")} ledger rows`);
  console.log("");
  console.log("| run | members | orders | differences | wall time | members/s |");
  console.log("|---|---|---|---|---|---|");
  for (const [label, r, ms] of [["clean", clean, cleanMs], ["planted", planted, plantedMs]] as const) {
    console.log(`| ${label} | ${r.membersChecked.toLocaleString("en")} | ${r.ordersChecked.toLocaleString("en")} | ${r.differenceCount} | ${(ms / 1000).toFixed(1)} s | ${Math.round(r.membersChecked / (ms / 1000)).toLocaleString("en")} |`);
  }
  await raw.end();
  await db.$disconnect();
} finally {
  if (!values["keep-db"]) await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.end();
}
