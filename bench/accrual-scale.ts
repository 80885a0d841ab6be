// Data at scale (issue 12 item 6): the batch path's accrual rate on PostgreSQL with an
// empty database against one that already holds 1,000,000 members, 20,000,000 ledger rows
// and 2,000,000 orders of the bench shop. The rate must not fall by more than 20 %.
//
// Two databases, both migrated with scripts/migrate.mjs and both made by the same set-based
// generator (INSERT … SELECT FROM generate_series, secondary indexes dropped during the load
// and rebuilt after it, ANALYZE at the end):
//   - "empty": only the 500 bench members, each with the same history (ledger rows, orders)
//     as in the big database, so the only difference is the other 999,500 members' data;
//   - "big": --members members, --ledger ledger rows spread evenly over them, --orders-seeded
//     OrderRecord + OrderFact rows. Balances equal the sums of each member's rows.
// The big database is generated once into a template (kanta_bench_scale_tpl_*) and copied for
// each run (CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY); --reuse keeps a complete
// template from an earlier run. Then the same N orders/paid (--orders, to the 500 bench
// members spread over the member table) are drained with processWebhookBatch in both, and
// the touched members' ledger is checked exactly: the new order_earned rows per member equal
// an oracle computed here, and each touched member's cached balances equal its rows.
//
// --explain: afterwards a few more orders are drained in the big database with every SQL
// statement captured (pg.Client.prototype.query wrapped), and each distinct statement is run
// again under EXPLAIN (ANALYZE, BUFFERS) with the parameters it was first seen with (writes in
// a transaction that is rolled back); the plan's scans, rows and time are printed.
//
//   npx tsx bench/accrual-scale.ts [--orders 2000] [--members 1000000] [--ledger 20000000]
//     [--orders-seeded 2000000] [--reuse] [--explain] [--skip-empty] [--drop-index <name>] [--rounds 2] [--json results.json]
import "../scripts/require-node.mjs";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient, setDb, type Db } from "../app/db.server";
import { resetEnvCache } from "../app/env.server";
import { PG_BATCH_CONCURRENCY, drainWebhookBatches } from "../app/jobs/webhook-batch.server";
import { computeBalance, type LedgerKind } from "../app/loyalty/ledger/entries";
import { invalidateShopConfig } from "../app/loyalty/program/shop-config.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { migrate } from "../scripts/migrate.mjs";
import { orderPayload, toShopifyJson } from "../tests/fixtures/payloads";
import { generate } from "./scale-data";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "2000" },
    members: { type: "string", default: "1000000" },
    ledger: { type: "string", default: "20000000" },
    "orders-seeded": { type: "string" },
    reuse: { type: "boolean", default: false },
    explain: { type: "boolean", default: false },
    "skip-empty": { type: "boolean", default: false },
    // an index dropped in the big database's copy before the drain: what it is worth
    "drop-index": { type: "string" },
    rounds: { type: "string", default: "2" },
    json: { type: "string" },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const ORDERS = Number(values.orders);
const MEMBERS = Number(values.members);
const LEDGER = Number(values.ledger);
const SEEDED_ORDERS = Number(values["orders-seeded"] ?? Math.round(LEDGER / 10));
const BENCH_MEMBERS = 500;
const SHOP = "bench-scale.myshopify.com";
const CUSTOMER_BASE = 9100000000000000000n;
// The bench members are spread over the member table: customer BASE + k × STRIDE.
const STRIDE = Math.max(1, Math.floor(MEMBERS / BENCH_MEMBERS));
const LEDGER_PER_MEMBER = Math.max(1, Math.round(LEDGER / MEMBERS));
const ORDERS_PER_MEMBER = Math.max(0, Math.round(SEEDED_ORDERS / MEMBERS));
const ROUNDS = Number(values.rounds);

process.env.SHOPIFY_API_KEY ??= "bench";
process.env.SHOPIFY_API_SECRET ??= "kanta-bench-secret";
process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:3999";
process.env.KANTA_LOG_LEVEL ??= "warn";
process.env.KANTA_TIER_JOBS = "0";
process.env.KANTA_APP_DATA_JOBS = "0";

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(", ");
const fmt = (n: number) => n.toLocaleString("en-US");
const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const SHAPE = { CUSTOMER_BASE, LEDGER_PER_MEMBER, ORDERS_PER_MEMBER, log };

function urlOf(name: string): string {
  const u = new URL(values.pg!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: values.pg });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function freshShopDatabase(name: string, template?: string): Promise<{ url: string; shopId: string }> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY` : `CREATE DATABASE ${name}`);
  });
  const url = urlOf(name);
  await migrate(url, { quiet: true, log: () => {} });
  if (template) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const shopId = (await c.query(`SELECT id FROM "Shop" WHERE domain = $1`, [SHOP])).rows[0]!.id as string;
    await c.end();
    return { url, shopId };
  }
  const db = createPrismaClient(url);
  const shop = await ensureShop(db, { domain: SHOP, name: "Bench scale", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  await db.program.update({ where: { shopId: shop.id }, data: { status: "live" } });
  // Every tier 1×: the oracle does not depend on which order reached a tier first.
  await db.tier.updateMany({ where: { shopId: shop.id }, data: { multiplierPermille: 1000 } });
  await db.$disconnect();
  return { url, shopId: shop.id };
}

const TEMPLATE = `kanta_bench_scale_tpl_${MEMBERS}_${LEDGER}_${SEEDED_ORDERS}`;
const DONE_MARK = `complete ${MEMBERS} ${LEDGER_PER_MEMBER} ${ORDERS_PER_MEMBER}`;
async function bigTemplate(): Promise<number | null> {
  if (values.reuse) {
    const mark = await admin(async (c) => (await c.query(`SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = $1`, [TEMPLATE])).rows[0]?.d);
    if (mark === DONE_MARK) {
      log(`reusing ${TEMPLATE}`);
      return null;
    }
  }
  const { url, shopId } = await freshShopDatabase(TEMPLATE);
  log(`generating ${fmt(MEMBERS)} members, ${fmt(MEMBERS * LEDGER_PER_MEMBER)} ledger rows, ${fmt(MEMBERS * ORDERS_PER_MEMBER)} orders into ${TEMPLATE}`);
  const seconds = await generate(url, shopId, { members: MEMBERS, step: 1 }, SHAPE);
  await admin((c) => c.query(`COMMENT ON DATABASE ${TEMPLATE} IS '${DONE_MARK}'`));
  return seconds;
}

// ---------------------------------------------------------------------------------------
// The drain
// ---------------------------------------------------------------------------------------

function orderLines(i: number) {
  return [{ price: `${10 + (i % 90)}.${String(i % 100).padStart(2, "0")}` }, { price: "5.00", quantity: 2 }];
}
const customerOf = (i: number) => CUSTOMER_BASE + BigInt((i % BENCH_MEMBERS) * STRIDE);

/** Enqueues orders [from, to) and returns the oracle: points per customer GID. */
async function enqueue(db: Db, shopId: string, from: number, to: number): Promise<Map<string, bigint>> {
  const rule = await db.earningRule.findFirstOrThrow({ where: { shopId, type: "purchase" } });
  const expected = new Map<string, bigint>();
  const due = new Date(Date.now() - 60_000);
  for (let start = from; start < to; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) {
      const lines = orderLines(i);
      const eligible = BigInt(Math.round(Number(lines[0]!.price) * 100)) + 1000n;
      const gid = `gid://shopify/Customer/${customerOf(i)}`;
      expected.set(gid, (expected.get(gid) ?? 0n) + (eligible * BigInt(rule.points)) / rule.spendMinor!);
      const body = toShopifyJson(orderPayload({ id: String(9000000000000000000n + BigInt(i)), customerId: String(customerOf(i)), lines, updatedAt: "2026-11-20T10:00:00Z" }));
      rows.push({ shopDomain: SHOP, topic: "orders/paid", eventId: `scale-${i}`, payload: body, receivedAt: new Date(due.getTime() + i), nextAttemptAt: due });
    }
    await db.webhookEvent.createMany({ data: rows });
  }
  return expected;
}

async function drain(db: Db): Promise<void> {
  await Promise.all(
    Array.from({ length: PG_BATCH_CONCURRENCY }, async () => {
      while ((await drainWebhookBatches(db)) > 0);
    }),
  );
}

/** The touched members' ledger, exactly: new order points per member and cached balances. */
async function check(db: Db, shopId: string, expected: Map<string, bigint>, since: Date, count: number) {
  const open = await db.webhookEvent.count({ where: { status: { not: "done" } } });
  if (open !== 0) throw new Error(`${open} events not done`);
  const members = await db.member.findMany({
    where: { shopId, customerGid: { in: [...expected.keys()] } },
    select: { id: true, customerGid: true, points: true, pendingPoints: true, lifetimePoints: true },
  });
  if (members.length !== expected.size) throw new Error(`expected ${expected.size} touched members, found ${members.length}`);
  const ids = members.map((m) => m.id);
  const earned = await db.ledgerEntry.groupBy({
    by: ["memberId"],
    where: { shopId, memberId: { in: ids }, kind: "order_earned", createdAt: { gte: since } },
    _sum: { delta: true, pendingDelta: true },
    _count: true,
  });
  const earnedBy = new Map(earned.map((e) => [e.memberId, e]));
  let rows = 0;
  for (const m of members) {
    const e = earnedBy.get(m.id);
    rows += e?._count ?? 0;
    const got = BigInt((e?._sum.delta ?? 0) + (e?._sum.pendingDelta ?? 0));
    if (got !== expected.get(m.customerGid)) throw new Error(`${m.customerGid}: expected ${expected.get(m.customerGid)} new order points, the ledger has ${got}`);
  }
  if (rows !== count) throw new Error(`expected ${count} new order_earned rows, found ${rows}`);
  const sums = await db.ledgerEntry.groupBy({ by: ["memberId", "kind"], where: { shopId, memberId: { in: ids } }, _sum: { delta: true, pendingDelta: true } });
  const byMember = new Map<string, { delta: number; pendingDelta: number; kind: LedgerKind }[]>();
  for (const s of sums) {
    const list = byMember.get(s.memberId) ?? [];
    list.push({ delta: s._sum.delta ?? 0, pendingDelta: s._sum.pendingDelta ?? 0, kind: s.kind as LedgerKind });
    byMember.set(s.memberId, list);
  }
  for (const m of members) {
    const b = computeBalance(byMember.get(m.id) ?? []);
    if (b.points !== m.points || b.pendingPoints !== m.pendingPoints || b.lifetimePoints !== m.lifetimePoints) {
      throw new Error(`${m.customerGid}: cached ${m.points}/${m.pendingPoints}/${m.lifetimePoints}, ledger ${b.points}/${b.pendingPoints}/${b.lifetimePoints}`);
    }
  }
}

async function counts(url: string, shopId: string): Promise<{ members: number; ledger: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const m = (await c.query(`SELECT count(*)::int AS n FROM "Member" WHERE "shopId" = $1`, [shopId])).rows[0].n as number;
  const l = (await c.query(`SELECT count(*)::int AS n FROM "LedgerEntry" WHERE "shopId" = $1`, [shopId])).rows[0].n as number;
  await c.end();
  return { members: m, ledger: l };
}

interface Result {
  name: string;
  members: number;
  ledger: number;
  seconds: number;
  rate: number;
}

/** Drains orders [from, from + ORDERS) in the database and checks the touched members. */
async function runDrain(name: string, url: string, shopId: string, from: number): Promise<Result> {
  const before = await counts(url, shopId);
  process.env.DATABASE_URL = url;
  resetEnvCache();
  // The shop's cached configuration (its id) belongs to the other database: same domain.
  invalidateShopConfig();
  const db = createPrismaClient(url);
  setDb(db);
  try {
    const expected = await enqueue(db, shopId, from, from + ORDERS);
    const since = new Date(Date.now() - 1000);
    log(`${name}: draining ${fmt(ORDERS)} orders`);
    const started = performance.now();
    await drain(db);
    const seconds = (performance.now() - started) / 1000;
    await check(db, shopId, expected, since, ORDERS);
    log(`${name}: ${seconds.toFixed(1)} s, ${(ORDERS / seconds).toFixed(1)} orders/s, ledger checked`);
    return { name, ...before, seconds, rate: ORDERS / seconds };
  } finally {
    await db.$disconnect();
    setDb(undefined);
  }
}

// ---------------------------------------------------------------------------------------
// EXPLAIN of the order path's statements
// ---------------------------------------------------------------------------------------

interface Explained {
  sql: string;
  calls: number;
  plan: string;
  rows: number | null;
  ms: number | null;
  seqScanOnBig: boolean;
  analyzed: boolean;
}

const BIG_TABLES = new Set(["Member", "LedgerEntry", "OrderRecord", "OrderFact", "Redemption", "Referral"]);

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Plan Rows"?: number;
  Plans?: PlanNode[];
}

function scans(node: PlanNode, out: string[] = [], seq: { big: boolean } = { big: false }): string[] {
  if (node["Relation Name"]) {
    const rel = node["Relation Name"];
    if (node["Node Type"] === "Seq Scan" && BIG_TABLES.has(rel)) seq.big = true;
    out.push(`${node["Node Type"]}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""} on ${rel}`);
  } else if (node["Index Name"]) {
    out.push(`${node["Node Type"]} on ${node["Index Name"]}`); // a Bitmap Index Scan under its heap scan
  }
  for (const p of node.Plans ?? []) scans(p, out, seq);
  return out;
}

async function explainOrderPath(url: string, from: number): Promise<Explained[]> {
  const N = 40;
  process.env.DATABASE_URL = url;
  resetEnvCache();
  // The shop's cached configuration (its id) belongs to the other database: same domain.
  invalidateShopConfig();
  const db = createPrismaClient(url);
  setDb(db);
  const seen = new Map<string, { values: unknown[]; calls: number }>();
  const orig = pg.Client.prototype.query;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    const a0 = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof a0 === "string" ? a0 : (a0?.text ?? "");
    const vals = (typeof a0 === "string" ? args[1] : a0?.values) as unknown[] | undefined;
    if (/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(text) && !/^\s*SELECT\s+1\b/i.test(text)) {
      const rec = seen.get(text) ?? { values: vals ?? [], calls: 0 };
      rec.calls++;
      seen.set(text, rec);
    }
    return (orig as unknown as (...a: unknown[]) => unknown).apply(this, args);
  };
  const shopId = (await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
  await enqueue(db, shopId, from, from + N);
  seen.clear(); // the bench's own statements (the enqueue) are not the order path's
  // A new client: its pool's connections bind the wrapped query (db.server binds it per connection).
  const traced = createPrismaClient(url);
  setDb(traced);
  try {
    await drain(traced);
  } finally {
    pg.Client.prototype.query = orig;
    await traced.$disconnect();
    await db.$disconnect();
    setDb(undefined);
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const out: Explained[] = [];
  for (const [sql, { values: params, calls }] of seen) {
    let json: { Plan: PlanNode; "Execution Time"?: number }[] | undefined;
    let analyzed = true;
    await c.query("BEGIN");
    try {
      json = (await c.query({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, values: params })).rows[0]["QUERY PLAN"];
    } catch {
      // A write that collides with the row it wrote the first time (a unique key): plan only.
      analyzed = false;
    }
    await c.query("ROLLBACK");
    if (!json) {
      try {
        json = (await c.query({ text: `EXPLAIN (FORMAT JSON) ${sql}`, values: params })).rows[0]["QUERY PLAN"];
      } catch (e) {
        out.push({ sql, calls, plan: `(not explained: ${(e as Error).message.slice(0, 60)})`, rows: null, ms: null, seqScanOnBig: false, analyzed: false });
        continue;
      }
    }
    const root = json![0]!;
    const seq = { big: false };
    const s = scans(root.Plan, [], seq);
    out.push({
      sql,
      calls,
      plan: s.length ? [...new Set(s)].join("; ") : root.Plan["Node Type"],
      rows: analyzed ? (root.Plan["Actual Rows"] ?? null) : (root.Plan["Plan Rows"] ?? null),
      ms: analyzed ? (root["Execution Time"] ?? null) : null,
      seqScanOnBig: seq.big,
      analyzed,
    });
  }
  await c.end();
  return out.sort((a, b) => b.calls - a.calls);
}

function shortSql(sql: string): string {
  const s = sql.replace(/\s+/g, " ").replace(/"public"\./g, "").trim();
  const m = /^(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\b/i.exec(s);
  const table = /(?:FROM|INTO|UPDATE)\s+"(\w+)"/i.exec(s)?.[1] ?? "?";
  const where = /WHERE (.*?)(?: ORDER BY| LIMIT| OFFSET| RETURNING| FOR UPDATE|$)/i.exec(s)?.[1] ?? "";
  const cols = [...where.matchAll(/"(\w+)"\s*(=|IN|<|>|<=|>=)/g)].map((x) => x[1]).filter((x, i, a) => a.indexOf(x) === i && x !== table);
  return `${(m?.[1] ?? s.slice(0, 10)).toUpperCase()} ${table}${cols.length ? ` by ${cols.join(", ")}` : ""}`;
}

// ---------------------------------------------------------------------------------------

const loadStart = loadavg();
const t0 = performance.now();
const genSeconds = await bigTemplate();
log(`template ready (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
const results: Result[] = [];
let explained: Explained[] | undefined;
// The big copy first, its 12 GB flushed to disk before anything is timed (the page cache's
// writeback would otherwise land on whichever drain runs next).
const t1 = performance.now();
const big = await freshShopDatabase("kanta_bench_scale_big", TEMPLATE);
if (values["drop-index"]) {
  const c = new pg.Client({ connectionString: big.url });
  await c.connect();
  await c.query(`DROP INDEX "${values["drop-index"]}"`);
  await c.end();
  log(`dropped index ${values["drop-index"]}`);
}
await admin((c) => c.query("CHECKPOINT"));
execFileSync("sync");
log(`big database copied from the template and flushed in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
const empty = values["skip-empty"] ? undefined : await freshShopDatabase("kanta_bench_scale_empty");
if (empty) await generate(empty.url, empty.shopId, { members: BENCH_MEMBERS, step: STRIDE }, SHAPE);
// Rounds alternate empty, big, empty, big … (each round new orders to the same members), so
// other work on the machine falls on both sides.
const bigName = values["drop-index"] ? `big, without ${values["drop-index"]}` : "big";
for (let round = 0; round < ROUNDS; round++) {
  if (empty) results.push(await runDrain(`empty (only the 500 bench members), round ${round + 1}`, empty.url, empty.shopId, round * ORDERS));
  results.push(await runDrain(`${bigName}, round ${round + 1}`, big.url, big.shopId, round * ORDERS));
}
if (values.explain) explained = await explainOrderPath(big.url, ROUNDS * ORDERS);
const loadEnd = loadavg();

console.log(
  `\n${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"} · Node ${process.version} · ${fmt(ORDERS)} orders/paid to ${BENCH_MEMBERS} existing members, batch path (${PG_BATCH_CONCURRENCY} workers) · load average at start ${loadStart}, at end ${loadEnd}`,
);
console.log(
  genSeconds === null
    ? `Big database: reused template ${TEMPLATE}`
    : `Big database generated in ${genSeconds.toFixed(0)} s (${fmt(MEMBERS)} members, ${fmt(MEMBERS * LEDGER_PER_MEMBER)} ledger rows, ${fmt(MEMBERS * ORDERS_PER_MEMBER)} orders + facts, indexes, VACUUM ANALYZE)`,
);
console.log("\n| database | members | ledger rows | drained in | orders/s | ratio vs empty | ledger checked |");
console.log("|---|---|---|---|---|---|---|");
const rates = (prefix: string) => results.filter((r) => r.name.startsWith(prefix)).map((r) => r.rate);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const emptyRates = rates("empty");
results.forEach((r, i) => {
  // The ratio against the empty database's drain of the same round (the one just before it).
  const base = r.name.startsWith("empty") ? undefined : results[i - 1]?.name.startsWith("empty") ? results[i - 1]!.rate : undefined;
  console.log(`| ${r.name} | ${fmt(r.members)} | ${fmt(r.ledger)} | ${r.seconds.toFixed(1)} s | ${r.rate.toFixed(1)} | ${base ? (r.rate / base).toFixed(2) : r.name.startsWith("empty") ? "1.00" : "–"} | exact (touched members) |`);
});
if (emptyRates.length) {
  const bigRates = rates("big");
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\nMean over ${ROUNDS} round(s): empty ${total(emptyRates).toFixed(1)} orders/s, big ${total(bigRates).toFixed(1)} orders/s, ratio ${(total(bigRates) / total(emptyRates)).toFixed(2)} (median ratio per round ${median(bigRates.map((b, i) => b / emptyRates[i]!)).toFixed(2)})`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ rounds: ROUNDS, members: MEMBERS, ledger: MEMBERS * LEDGER_PER_MEMBER, empty: total(emptyRates), big: total(bigRates), ratio: total(bigRates) / total(emptyRates) }));
}
if (explained) {
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the order path's statements in the big database (${explained.length} distinct, captured while draining 40 more orders):\n`);
  console.log("| statement | calls | plan (scans) | rows | time |");
  console.log("|---|---|---|---|---|");
  for (const e of explained) {
    console.log(`| ${shortSql(e.sql)} | ${e.calls} | ${e.seqScanOnBig ? "**" : ""}${e.plan}${e.seqScanOnBig ? "**" : ""} | ${e.rows ?? "–"} | ${e.ms === null ? "(plan only)" : `${e.ms.toFixed(3)} ms`} |`);
  }
  if (process.env.BENCH_SCALE_SQL) for (const e of explained) console.log(`\n-- ${e.calls} calls: ${e.plan}\n${e.sql}`);
}
