// Processing only: a pre-filled inbox of N orders/paid drained into the ledger, in this
// process, by the per-event path (processWebhookEvent, as many at once as the old runner
// ran: 8 on PostgreSQL, 1 on SQLite) and by the batch path (drainWebhookBatches, the
// worker's batch size, concurrency and claims ahead). No HTTP, no acknowledgements: what the worker can do.
// The ledger is checked exactly afterwards: one order_earned row per order, their sum equal
// to an oracle computed here from the orders, and every cached balance equal to its rows.
//
//   npx tsx bench/accrual-drain.ts [--orders 20000] [--db sqlite,postgres] [--path per-event,batch]
//                                  [--json results.json]
import "../scripts/require-node.mjs";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient, setDb, type Db } from "../app/db.server";
import { resetEnvCache } from "../app/env.server";
import { PG_BATCH_CONCURRENCY, drainWebhookBatches } from "../app/jobs/webhook-batch.server";
import { processWebhookEvent } from "../app/jobs/webhook-job.server";
import { verifyLedger } from "../app/loyalty/ledger/append.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { migrate } from "../scripts/migrate.mjs";
import { orderPayload, toShopifyJson } from "../tests/fixtures/payloads";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "20000" },
    db: { type: "string", default: "sqlite,postgres" },
    path: { type: "string", default: "per-event,batch" },
    json: { type: "string" },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const ORDERS = Number(values.orders);
const SHOP = "bench-drain.myshopify.com";
const MEMBERS = 500;
const root = path.dirname(import.meta.dirname);
const tmp = path.join(root, "bench", ".tmp-drain");

type Kind = "sqlite" | "postgres";
type Path = "per-event" | "batch";

async function freshDatabase(kind: Kind, tag: string): Promise<string> {
  if (kind === "sqlite") {
    mkdirSync(tmp, { recursive: true });
    const file = path.join(tmp, `${tag}.db`);
    rmSync(file, { force: true });
    return `file:${file}`;
  }
  const name = `kanta_bench_drain_${tag.replace(/-/g, "_")}`;
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(values.pg!);
  u.pathname = `/${name}`;
  return u.toString();
}

function orderLines(i: number) {
  return [{ price: `${10 + (i % 90)}.${String(i % 100).padStart(2, "0")}` }, { price: "5.00", quantity: 2 }];
}

async function runOne(kind: Kind, which: Path) {
  const url = await freshDatabase(kind, `${kind}-${which}`);
  await migrate(url, { quiet: true, log: () => {} });
  process.env.DATABASE_URL = url;
  resetEnvCache();
  const db = createPrismaClient(url);
  setDb(db);
  const shop = await ensureShop(db, { domain: SHOP, name: "Bench", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  await db.program.update({ where: { shopId: shop.id }, data: { status: "live" } });
  // Every tier 1×: the oracle below does not depend on which order reached a tier first.
  await db.tier.updateMany({ where: { shopId: shop.id }, data: { multiplierPermille: 1000 } });
  const rule = await db.earningRule.findFirstOrThrow({ where: { shopId: shop.id, type: "purchase" } });

  let expectedPoints = 0n;
  const due = new Date(Date.now() - 60_000);
  for (let start = 0; start < ORDERS; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(ORDERS, start + 1000); i++) {
      const lines = orderLines(i);
      const eligible = BigInt(Math.round(Number(lines[0]!.price) * 100)) + 1000n;
      expectedPoints += (eligible * BigInt(rule.points)) / rule.spendMinor!;
      const body = toShopifyJson(
        // Each order placed a second after the one before, as a shop's orders are: every batch raises its members' last order time.
        orderPayload({ id: String(9000000000000000000n + BigInt(i)), customerId: String(9100000000000000000n + BigInt(i % MEMBERS)), lines, processedAt: new Date(Date.parse("2026-11-20T10:00:00Z") - (ORDERS - i) * 1000).toISOString(), updatedAt: "2026-11-20T10:00:00Z" }),
      );
      rows.push({ shopDomain: SHOP, topic: "orders/paid", eventId: `drain-${i}`, payload: body, receivedAt: new Date(due.getTime() + i), nextAttemptAt: due });
    }
    await db.webhookEvent.createMany({ data: rows });
  }

  const started = performance.now();
  if (which === "batch") {
    const workers = kind === "postgres" ? PG_BATCH_CONCURRENCY : 1;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while ((await drainWebhookBatches(db)) > 0);
      }),
    );
  } else {
    const ids = (await db.webhookEvent.findMany({ orderBy: { receivedAt: "asc" }, select: { id: true } })).map((r) => r.id);
    let next = 0;
    await Promise.all(
      Array.from({ length: kind === "postgres" ? 8 : 1 }, async () => {
        while (next < ids.length) await processWebhookEvent(db, ids[next++]!);
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  await check(db, shop.id, expectedPoints);
  await db.$disconnect();
  setDb(undefined);
  return { kind, which, seconds, rate: ORDERS / seconds };
}

async function check(db: Db, shopId: string, expectedPoints: bigint) {
  const open = await db.webhookEvent.count({ where: { status: { not: "done" } } });
  if (open !== 0) throw new Error(`${open} events not done`);
  const earned = await db.ledgerEntry.aggregate({ where: { shopId, kind: "order_earned" }, _sum: { delta: true }, _count: true });
  if (earned._count !== ORDERS) throw new Error(`expected ${ORDERS} order entries, found ${earned._count}`);
  if (BigInt(earned._sum.delta ?? 0) !== expectedPoints) throw new Error(`expected ${expectedPoints} order points, the ledger has ${earned._sum.delta}`);
  const members = await db.member.count({ where: { shopId } });
  if (members !== Math.min(MEMBERS, ORDERS)) throw new Error(`expected ${Math.min(MEMBERS, ORDERS)} members, found ${members}`);
  const mismatches = await verifyLedger(db, shopId);
  if (mismatches.length) throw new Error(`${mismatches.length} cached balances differ from the ledger`);
}

process.env.SHOPIFY_API_KEY ??= "bench";
process.env.SHOPIFY_API_SECRET ??= "kanta-bench-secret";
process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:3999";
process.env.KANTA_LOG_LEVEL ??= "warn";
process.env.KANTA_TIER_JOBS = "0";
process.env.KANTA_APP_DATA_JOBS = "0";

const load = os.loadavg().map((l) => l.toFixed(2)).join(", ");
const results = [];
for (const kind of values.db!.split(",") as Kind[]) for (const which of values.path!.split(",") as Path[]) results.push(await runOne(kind, which));
console.log(`\n${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"} · Node ${process.version} · ${ORDERS} orders/paid pre-filled, ${MEMBERS} members · load average at start ${load}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}\n`);
console.log("| database | path | drained in | orders/s | ledger checked |");
console.log("|---|---|---|---|---|");
for (const r of results) console.log(`| ${r.kind} | ${r.which} | ${r.seconds.toFixed(1)} s | ${r.rate.toFixed(0)} | exact |`);
if (values.json) writeFileSync(values.json, JSON.stringify(results.map((r) => ({ ...r, orders: ORDERS }))));
rmSync(tmp, { recursive: true, force: true });
