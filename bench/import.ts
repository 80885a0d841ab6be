// Member import benchmark: a 100,000-row file (Rivo's layout, with its dirty rows) uploaded,
// checked (the dry run) and imported (set balances, tiers kept) through the real job path,
// on SQLite and on PostgreSQL. Shopify's bulk lookup is not timed: its customers come from
// memory at once (as the bulk operation's JSONL would, after Shopify has built it); storing
// them in the staging table is timed with the check. A fifth of the customers are members
// already. Not a test: run `npm run bench:import`, then copy the printed table into
// docs/benchmarks.md with the machine and date.
//
//   npm run bench:import -- [--rows 100000] [--db sqlite,postgres] [--layout rivo]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient, setDb } from "../app/db.server";
import { resetEnvCache } from "../app/env.server";
import { runDueImports } from "../app/jobs/member-import.server";
import { verifyLedger } from "../app/loyalty/ledger/append.server";
import { getImportView, saveImportSettings, startImport } from "../app/loyalty/import/import.server";
import type { ShopCustomer } from "../app/loyalty/import/state.server";
import { createImportFromUpload } from "../app/loyalty/import/upload.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { makeSample, sampleCustomer } from "../scripts/import-samples.mjs";
import { migrate } from "../scripts/migrate.mjs";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    db: { type: "string", default: "sqlite,postgres" },
    layout: { type: "string", default: "rivo" },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const ROWS = Number(values.rows);
const root = path.dirname(import.meta.dirname);
const tmp = path.join(root, "bench", ".tmp-import");
const SHOP = "bench-import.myshopify.com";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function measure(kind: string, url: string) {
  process.env.DATABASE_URL = url;
  process.env.KANTA_LOCAL = "1";
  process.env.SHOPIFY_API_KEY ??= "kanta-bench-key";
  process.env.SHOPIFY_API_SECRET ??= "kanta-bench-secret";
  process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:3999";
  process.env.KANTA_LOG_LEVEL ??= "warn";
  resetEnvCache();
  await migrate(url, { log: () => {}, quiet: true });
  const db = createPrismaClient(url);
  setDb(db);
  const shop = await ensureShop(db, { domain: SHOP, name: "Bench import", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  await db.program.update({ where: { shopId: shop.id }, data: { status: "live" } });
  const customers: ShopCustomer[] = [];
  for (let i = 0; i < ROWS + ROWS / 10; i++) customers.push(sampleCustomer(i));
  // A fifth of the file's customers are members already (balances to set, tiers to move).
  const existing = customers.slice(0, ROWS / 5);
  for (let i = 0; i < existing.length; i += 2000) {
    await db.member.createMany({ data: existing.slice(i, i + 2000).map((c) => ({ shopId: shop.id, customerGid: c.customerGid, email: c.email })) });
  }
  const { text, expected } = makeSample(values.layout!, { seed: 99, rows: ROWS, offset: 0 });
  const bytes = Buffer.from(text);
  async function* body() {
    for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
  }
  async function* lookup() {
    yield* customers;
  }

  let t = performance.now();
  const id = await createImportFromUpload(db, { shopDomain: SHOP, fileName: "bench.csv", data: body(), staff: "staff:bench" });
  const upload = performance.now() - t;
  const view = await getImportView(db, SHOP, id);
  await saveImportSettings(db, SHOP, id, { mapping: JSON.stringify(view.mapping), source: view.source, mode: "set", tierMode: "keep", tierUntil: "" });
  t = performance.now();
  await runDueImports(db, new Date(), { customers: lookup });
  const check = performance.now() - t;
  const checked = await getImportView(db, SHOP, id);
  await startImport(db, SHOP, id);
  t = performance.now();
  await runDueImports(db, new Date(), { customers: lookup });
  const apply = performance.now() - t;
  const done = await getImportView(db, SHOP, id);
  const mismatches = await verifyLedger(db, shop.id);
  await db.$disconnect();
  setDb(undefined);
  console.log(`${kind}: ${JSON.stringify(checked.counts)} ${done.status}; ledger mismatches: ${mismatches.length}; good rows ${expected.good.size}`);
  return `| ${kind} | ${ROWS.toLocaleString("en")} (${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${values.layout}) | ${seconds(upload)} | ${seconds(check)} | ${seconds(apply)} | ${seconds(upload + check + apply)} |`;
}

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`);
const lines: string[] = [];
for (const kind of values.db!.split(",")) {
  if (kind === "sqlite") {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    lines.push(await measure("sqlite", `file:${path.join(tmp, "import.db")}`));
    rmSync(tmp, { recursive: true, force: true });
  } else {
    const admin = new pg.Client({ connectionString: values.pg });
    await admin.connect();
    await admin.query("DROP DATABASE IF EXISTS bench_kanta_import WITH (FORCE)");
    await admin.query("CREATE DATABASE bench_kanta_import");
    const url = new URL(values.pg!);
    url.pathname = "/bench_kanta_import";
    lines.push(await measure("postgres", url.toString()));
    await admin.query("DROP DATABASE IF EXISTS bench_kanta_import WITH (FORCE)");
    await admin.end();
  }
}
console.log("\n| database | rows | upload | check (dry run) | import | total |\n|---|---|---|---|---|---|");
for (const line of lines) console.log(line);
