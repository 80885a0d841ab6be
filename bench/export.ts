// Members CSV export with 100,000 members, streamed through the real route loader on
// SQLite and PostgreSQL: time, file size, and the process' memory while streaming (peak RSS
// and heap above the baseline), to show memory stays a batch whatever the file's size.
// Not a test: run `npm run bench:export`, then copy the table into docs/benchmarks.md.
//
//   npm run bench:export -- [--members 100000] [--db sqlite,postgres]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { spawnSync } from "node:child_process";
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
    db: { type: "string", default: "sqlite,postgres" },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    // Internal: measure an already seeded database in this (fresh) process.
    "measure-url": { type: "string" },
  },
});
const MEMBERS = Number(values.members);
const root = path.dirname(import.meta.dirname);
const tmp = path.join(root, "bench", ".tmp-export");
const PG_DB = `kanta_bench_export_${(process.env.KANTA_TEST_RUN ?? "run").replace(/\W/g, "_")}`;

async function seed(db: Db): Promise<void> {
  const shop = await ensureShop(db, { domain: LOCAL_SHOP, name: "Bench", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const tiers = await db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  const chunk = 5000;
  for (let offset = 0; offset < MEMBERS; offset += chunk) {
    const rows = [];
    for (let i = offset; i < Math.min(MEMBERS, offset + chunk); i++) {
      const points = (i * 7919) % 5000;
      rows.push({
        shopId: shop.id,
        customerGid: `gid://shopify/Customer/${8_000_000_000_000 + i}`,
        email: `member.${i}@example.com`,
        firstName: i % 50 === 0 ? "=cmd|' /C calc'!A0" : "Aino",
        lastName: i % 3 === 0 ? "Virtanen, Jr" : "Lindqvist",
        points,
        lifetimePoints: points + (i % 300),
        tierId: tiers[i % tiers.length]!.id,
        status: i % 97 === 0 ? "excluded" : "active",
        enrolledAt: new Date(Date.UTC(2024, 0, 1) + (i % 1000) * 86_400_000),
      });
    }
    await db.member.createMany({ data: rows });
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

function useEnv(url: string) {
  process.env.DATABASE_URL = url;
  process.env.KANTA_LOCAL = "1";
  process.env.SHOPIFY_API_KEY ??= "kanta-bench-key";
  process.env.SHOPIFY_API_SECRET ??= "kanta-bench-secret";
  process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:3999";
  process.env.KANTA_LOG_LEVEL ??= "silent";
  resetEnvCache();
}

async function seedDatabase(url: string) {
  useEnv(url);
  await migrate(url, { quiet: true, log: () => {} });
  const db = createPrismaClient(url);
  await seed(db);
  await db.$executeRawUnsafe("ANALYZE");
  await db.$disconnect();
}

/** In a fresh process (the seeding's garbage would hide the export's memory): stream the whole export once. */
async function measureExport(url: string) {
  useEnv(url);
  const db = createPrismaClient(url);
  setDb(db);
  const { loader } = await import("../app/routes/app.export.$kind");
  const gc = (globalThis as { gc?: () => void }).gc;
  // Warm up (Prisma's engine, the route's modules) on a small filter, then settle.
  const warm = (await loader({ request: new Request("http://localhost/app/export/members?min=4999"), params: { kind: "members" }, context: {} })) as Response;
  await warm.text();
  gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  // Live heap: after a forced GC every 10,000 rows, what the export really holds (garbage
  // not yet collected is not retained memory).
  let peakLive = base.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 20);
  const started = performance.now();
  const response = (await loader({ request: new Request("http://localhost/app/export/members"), params: { kind: "members" }, context: {} })) as Response;
  const announced = Number(response.headers.get("X-Kanta-Rows"));
  const reader = response.body!.getReader();
  let bytes = 0;
  let lines = 0;
  let nextCheck = 10_000;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    sample();
    if (lines >= nextCheck && gc) {
      nextCheck += 10_000;
      gc();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await db.$disconnect();
  setDb(undefined);
  return { announced, rows: lines - 1, bytes, seconds, baseRss: base.rss, peakRss, baseHeap: base.heapUsed, peakHeap, peakLive, gc: Boolean(gc) };
}

async function measure(kind: string, url: string) {
  await seedDatabase(url);
  const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", import.meta.filename, "--measure-url", url], { encoding: "utf8", env: process.env });
  const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
  if (child.status !== 0 || !line) throw new Error(`measuring failed: ${child.stderr}`);
  return { kind, ...(JSON.parse(line) as Awaited<ReturnType<typeof measureExport>>) };
}

if (values["measure-url"]) {
  console.log(JSON.stringify(await measureExport(values["measure-url"])));
  process.exit(0);
}

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`);
const results = [];
for (const kind of values.db.split(",")) {
  if (kind === "sqlite") {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    results.push(await measure("sqlite", `file:${path.join(tmp, "export.db")}`));
    rmSync(tmp, { recursive: true, force: true });
  } else {
    const admin = new pg.Client({ connectionString: values.pg });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${PG_DB}`);
    const url = new URL(values.pg);
    url.pathname = `/${PG_DB}`;
    results.push(await measure("postgres", url.toString()));
    await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    await admin.end();
  }
}
console.log("| database | members (announced / streamed) | file | time | RSS before → peak | heap before → peak | live heap (after GC) peak |\n|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.kind} | ${r.announced.toLocaleString("en")} / ${r.rows.toLocaleString("en")} | ${mb(r.bytes)} MiB | ${r.seconds.toFixed(1)} s | ${mb(r.baseRss)} → ${mb(r.peakRss)} MiB | ${mb(r.baseHeap)} → ${mb(r.peakHeap)} MiB | ${mb(r.peakLive)} MiB |`,
  );
}
