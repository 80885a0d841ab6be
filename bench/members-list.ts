// Admin Members list with 100,000 members: server time per page of the real route loader
// (parameter parsing, the keyset query, tiers), on SQLite and on PostgreSQL. Not a test:
// run `npm run bench:members`, then copy the printed table into docs/benchmarks.md with the
// machine and date.
//
//   npm run bench:members -- [--members 100000] [--runs 30] [--db sqlite,postgres]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient, setDb, type Db } from "../app/db.server";
import { resetEnvCache } from "../app/env.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { LOCAL_SHOP } from "../app/shopify/admin.server";
import { migrate } from "../scripts/migrate.mjs";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "100000" },
    runs: { type: "string", default: "30" },
    db: { type: "string", default: "sqlite,postgres" },
    keep: { type: "boolean", default: false }, // keep the PostgreSQL database to EXPLAIN queries
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const MEMBERS = Number(values.members);
const RUNS = Number(values.runs);
const root = path.dirname(import.meta.dirname);
const tmp = path.join(root, "bench", ".tmp");

const FIRST = ["Aino", "Mikkel", "Elsa", "Onni", "Liam", "Emma", "Noah", "Olivia", "Saga", "Leo", "Ida", "Oskar"];
const LAST = ["Virtanen", "Jensen", "Lindqvist", "Korhonen", "Nielsen", "Andersson", "Mäkinen", "Hansen", "Berg", "Laine"];

async function seed(db: Db): Promise<void> {
  const shop = await ensureShop(db, { domain: LOCAL_SHOP, name: "Bench", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const tiers = await db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  const start = Date.UTC(2024, 0, 1);
  const chunk = 5000;
  for (let offset = 0; offset < MEMBERS; offset += chunk) {
    const rows = [];
    for (let i = offset; i < Math.min(MEMBERS, offset + chunk); i++) {
      // Deterministic spread: points 0..4999, activity over ~3 years, a quarter per tier.
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[(i * 7) % LAST.length]!;
      const points = (i * 7919) % 5000;
      rows.push({
        shopId: shop.id,
        customerGid: `gid://shopify/Customer/${8_000_000_000_000 + i}`,
        email: `${first}.${last}.${i}@example.com`.toLowerCase(),
        firstName: first,
        lastName: last,
        points,
        lifetimePoints: points + (i % 300),
        tierId: tiers[i % tiers.length]!.id,
        status: i % 97 === 0 ? "excluded" : "active",
        enrolledAt: new Date(start + ((i * 104729) % 1000) * 86_400_000),
        lastActivityAt: new Date(start + ((i * 15485863) % (1000 * 86_400)) * 1000),
      });
    }
    await db.member.createMany({ data: rows });
  }
}

interface Case {
  name: string;
  query: string;
}
const CASES: Case[] = [
  { name: "first page (most points)", query: "" },
  { name: "page 2 via cursor", query: "CURSOR" },
  { name: "sort by last activity", query: "sort=lastActivity&dir=desc" },
  { name: "tier filter (Gold)", query: "tier=GOLD" },
  { name: "points 1000–2000", query: "min=1000&max=2000" },
  { name: "search \"elsa lind\"", query: "q=elsa+lind" },
  { name: "search email fragment", query: "q=12345" },
];

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(kind: string, url: string) {
  process.env.DATABASE_URL = url;
  process.env.KANTA_LOCAL = "1";
  process.env.SHOPIFY_API_KEY ??= "kanta-bench-key";
  process.env.SHOPIFY_API_SECRET ??= "kanta-bench-secret";
  process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:3999";
  process.env.KANTA_LOG_LEVEL ??= "silent";
  resetEnvCache();
  await migrate(url, { quiet: true, log: () => {} });
  const db = createPrismaClient(url);
  setDb(db);
  const seedStart = performance.now();
  await seed(db);
  // A live database has statistics (autovacuum analyzes after bulk changes); without them
  // PostgreSQL plans for an empty table.
  await db.$executeRawUnsafe("ANALYZE");
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const { loader } = await import("../app/routes/app.members._index");
  const gold = await db.tier.findFirst({ where: { name: "Gold" } });
  const call = async (query: string) =>
    (await loader({ request: new Request(`http://localhost/app/members?${query}`), params: {}, context: {} })) as {
      rows: unknown[];
      nextCursor: string | null;
    };
  const first = await call("");
  const results: { name: string; p50: number; p95: number; rows: number }[] = [];
  for (const c of CASES) {
    const query = c.query === "CURSOR" ? `cursor=${first.nextCursor}` : c.query.replace("GOLD", gold!.id);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const t = performance.now();
      const page = await call(query);
      const elapsed = performance.now() - t;
      rows = page.rows.length;
      if (i >= 3) times.push(elapsed); // the first calls warm Prisma's caches
    }
    times.sort((a, b) => a - b);
    results.push({ name: c.name, p50: percentile(times, 50), p95: percentile(times, 95), rows });
  }
  await db.$disconnect();
  setDb(undefined);
  console.log(`\n${kind}: ${MEMBERS.toLocaleString("en")} members seeded in ${seedSeconds.toFixed(1)} s; ${RUNS} runs per case`);
  console.log("| database | page | rows | p50 | p95 |\n|---|---|---|---|---|");
  for (const r of results) console.log(`| ${kind} | ${r.name} | ${r.rows} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms |`);
}

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`);
for (const kind of values.db.split(",")) {
  if (kind === "sqlite") {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await measure("sqlite", `file:${path.join(tmp, "members.db")}`);
    rmSync(tmp, { recursive: true, force: true });
  } else {
    const admin = new pg.Client({ connectionString: values.pg });
    await admin.connect();
    await admin.query("DROP DATABASE IF EXISTS kanta_bench_members WITH (FORCE)");
    await admin.query("CREATE DATABASE kanta_bench_members");
    const url = new URL(values.pg);
    url.pathname = "/kanta_bench_members";
    await measure("postgres", url.toString());
    if (!values.keep) await admin.query("DROP DATABASE IF EXISTS kanta_bench_members WITH (FORCE)");
    await admin.end();
  }
}
