// Tier review benchmark: the year-end review pass (app/loyalty/tiers/review.server.ts runTierPass)
// over a shop with 1,000,000 members on PostgreSQL. Members and their orders are
// bulk-inserted with generate_series (not through Prisma one by one), then the review runs
// as the job would run it on 2 January. Not a test: run `npm run bench:tiers`, then copy the
// printed table into docs/benchmarks.md with the machine and date.
//
//   npm run bench:tiers -- [--members 1000000] [--batch 5000] [--keep] [--keep-db]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { runTierPass } from "../app/loyalty/tiers/review.server";
import { migrate } from "../scripts/migrate.mjs";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    batch: { type: "string", default: "5000" },
    // Program.tierKeepNextPeriod for the run (default off: the review moves more members).
    keep: { type: "boolean", default: false },
    "keep-db": { type: "boolean", default: false },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const MEMBERS = Number(values.members);
const BATCH = Number(values.batch);
// Not kanta_…: the test setup drops `kanta_<run>_%` with LIKE, where `_` matches any
// character (a run "b" would take kanta_bench_tiers with it).
const DB_NAME = "bench_kanta_tiers";
const SHOP = "bench-tiers.myshopify.com";

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

  const shop = await ensureShop(db, { domain: SHOP, name: "Bench tiers", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  // Live, reviewed last in mid-2026: on 2 January 2027 the year-end review is due.
  await db.program.update({
    where: { shopId: shop.id },
    data: { status: "live", tierKeepNextPeriod: values.keep, tierLastReviewAt: new Date("2026-06-01T00:00:00Z") },
  });
  const tiers = await db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  const [bronze, silver, gold, platinum] = tiers.map((t) => t.id) as [string, string, string, string];

  // Members: 60 % Bronze, 25 % Silver, 10 % Gold, 5 % Platinum; ids sort like the keyset walks them.
  await time(`insert ${MEMBERS.toLocaleString("en")} members`, () =>
    raw.query(
      `INSERT INTO "Member" ("id", "shopId", "customerGid", "tierId", "status", "tierChangedAt", "enrolledAt", "lastActivityAt", "createdAt", "updatedAt")
       SELECT 'm' || lpad(g::text, 9, '0'), $1, 'gid://shopify/Customer/' || (7000000000000 + g),
         CASE WHEN g % 20 = 0 THEN $5 WHEN g % 20 IN (1, 2) THEN $4 WHEN g % 20 IN (3, 4, 5, 6, 7) THEN $3 ELSE $2 END,
         'active', '2026-03-01', '2025-01-01', '2026-06-01', '2025-01-01', '2026-06-01'
       FROM generate_series(1, $6::int) AS g`,
      [shop.id, bronze, silver, gold, platinum, MEMBERS],
    ),
  );
  // Orders: one per member in 2026 (0–1,999.99 € of eligible spend, spread so that about
  // half of the members above Bronze did not requalify), one in 2027 for every 10th member.
  await time("insert orders", () =>
    raw.query(
      `INSERT INTO "OrderRecord" ("id", "shopId", "orderGid", "memberId", "customerGid", "currencyCode", "stateUpdatedAt", "paid", "processedAt", "grossMinor", "eligibleMinor", "createdAt", "updatedAt")
       SELECT 'o' || g, $1, 'gid://shopify/Order/' || (5000000000000 + g), 'm' || lpad(((g - 1) % $2::int + 1)::text, 9, '0'),
         'gid://shopify/Customer/' || (7000000000000 + (g - 1) % $2::int + 1), 'EUR', now(), true,
         CASE WHEN g <= $2::int THEN timestamp '2026-01-15' + ((g % 330) * interval '1 day') ELSE timestamp '2027-01-01 10:00' END,
         (g::bigint * 7919) % 200000, (g::bigint * 7919) % 200000, now(), now()
       FROM generate_series(1, $2::int + $2::int / 10) AS g`,
      [shop.id, MEMBERS],
    ),
  );
  await time("analyze", () => raw.query(`ANALYZE "Member"; ANALYZE "OrderRecord"`));

  const [result, ms] = await time("review pass", () => runTierPass(db, SHOP, { now: new Date("2027-01-02T10:00:00Z"), batchSize: BATCH }));
  const changes = Number((await raw.query(`SELECT COUNT(*) AS n FROM "TierChange"`)).rows[0].n);
  const byTier = (await raw.query(`SELECT t.name, COUNT(*) AS n FROM "Member" m JOIN "Tier" t ON t.id = m."tierId" GROUP BY t.name, t.rank ORDER BY t.rank`)).rows;
  // A second run the same day finds nothing to do (and shows the cost of a read-only pass).
  const [again, againMs] = await time("second pass, same day", () => runTierPass(db, SHOP, { now: new Date("2027-01-02T11:00:00Z"), batchSize: BATCH }));

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log("");
  console.log(`${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${version}`);
  console.log(`keepNextPeriod ${values.keep}, batch ${BATCH}; after the review: ${byTier.map((r) => `${r.name} ${Number(r.n).toLocaleString("en")}`).join(", ")}`);
  console.log("");
  console.log("| pass | members | moved down | moved up | TierChange rows | wall time | members/s |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(
    `| year-end review | ${result.members.toLocaleString("en")} | ${result.down.toLocaleString("en")} | ${result.up.toLocaleString("en")} | ${changes.toLocaleString("en")} | ${(ms / 1000).toFixed(1)} s | ${Math.round(result.members / (ms / 1000)).toLocaleString("en")} |`,
  );
  console.log(
    `| same day again | ${again.members.toLocaleString("en")} | ${again.down} | ${again.up} | — | ${(againMs / 1000).toFixed(1)} s | ${Math.round(again.members / (againMs / 1000)).toLocaleString("en")} |`,
  );
  await raw.end();
  await db.$disconnect();
} finally {
  if (!values["keep-db"]) await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.end();
}
