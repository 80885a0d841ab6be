// Webhook throughput benchmark: orders/paid through the real built server (HMAC check,
// inbox insert, 200, processing into the ledger), on SQLite and on PostgreSQL, beside the
// same run's raw insert rate of each database. Not a test: run `npm run bench`, then copy
// the printed table into docs/benchmarks.md with the machine and date.
//
//   npm run bench -- [--orders 2000] [--concurrency 32] [--db sqlite,postgres]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { webhookHeaders } from "../app/shopify/signing";
import { migrate } from "../scripts/migrate.mjs";
import { orderPayload, toShopifyJson } from "../tests/fixtures/payloads";
import { ensureProductionBuild, percentile, rawInsertRate, root, startServer } from "./server";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
    db: { type: "string", default: "sqlite,postgres" },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const SECRET = "kanta-bench-secret";
const SHOP = "bench.myshopify.com";
const tmp = path.join(root, "bench", ".tmp");

async function runOne(kind: "sqlite" | "postgres") {
  let url: string;
  let rawUrl: string;
  if (kind === "sqlite") {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    url = `file:${path.join(tmp, "bench.db")}`;
    rawUrl = `file:${path.join(tmp, "raw.db")}`;
  } else {
    const admin = new pg.Client({ connectionString: values.pg });
    await admin.connect();
    await admin.query("DROP DATABASE IF EXISTS kanta_bench WITH (FORCE)");
    await admin.query("DROP DATABASE IF EXISTS kanta_bench_raw WITH (FORCE)");
    await admin.query("CREATE DATABASE kanta_bench");
    await admin.query("CREATE DATABASE kanta_bench_raw");
    await admin.end();
    const u = new URL(values.pg!);
    u.pathname = "/kanta_bench";
    url = u.toString();
    u.pathname = "/kanta_bench_raw";
    rawUrl = u.toString();
  }
  await migrate(url, { quiet: true, log: () => {} });
  const db = createPrismaClient(url);
  const shop = await ensureShop(db, { domain: SHOP, name: "Bench", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  await db.program.update({ where: { shopId: shop.id }, data: { status: "live" } });

  const rawSingle = await rawInsertRate(kind, rawUrl, 2000, 1);
  const rawEight = kind === "postgres" ? await rawInsertRate(kind, rawUrl, 4000, 8) : null;

  const port = 3900 + (kind === "sqlite" ? 1 : 2);
  const server = await startServer(url, port, SECRET);
  const bodies = Array.from({ length: ORDERS }, (_, i) =>
    toShopifyJson(
      orderPayload({
        id: String(9000000000000000000n + BigInt(i)),
        customerId: String(9100000000000000000n + BigInt(i % 500)),
        lines: [{ price: `${10 + (i % 90)}.${String(i % 100).padStart(2, "0")}` }, { price: "5.00", quantity: 2 }],
        updatedAt: "2026-11-20T10:00:00Z",
      }),
    ),
  );
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/webhooks/orders/paid`, {
          method: "POST",
          headers: webhookHeaders({ topic: "orders/paid", shop: SHOP, body, secret: SECRET, eventId: randomUUID() }),
          body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const ackSeconds = (performance.now() - start) / 1000;
  for (;;) {
    const open = await db.webhookEvent.count({ where: { status: { not: "done" } } });
    if (open === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const totalSeconds = (performance.now() - start) / 1000;
  const ledger = await db.ledgerEntry.count({ where: { kind: "order_earned" } });
  server.kill("SIGTERM");
  await db.$disconnect();
  if (ledger !== ORDERS) throw new Error(`expected ${ORDERS} order entries, found ${ledger}`);
  latencies.sort((a, b) => a - b);
  return {
    kind,
    ordersPerSecond: ORDERS / totalSeconds,
    acksPerSecond: ORDERS / ackSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rawSingle,
    rawEight,
  };
}

ensureProductionBuild();
const results = [];
for (const kind of values.db!.split(",") as ("sqlite" | "postgres")[]) results.push(await runOne(kind));
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · ${ORDERS} orders/paid, ${CONCURRENCY} concurrent senders\n`);
console.log("| database | orders/s (acked + processed) | acks/s | ack p50 | ack p99 | raw insert/s (1 client) | raw insert/s (8 clients) |");
console.log("|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.kind} | ${r.ordersPerSecond.toFixed(0)} | ${r.acksPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.rawSingle.toFixed(0)} | ${r.rawEight ? r.rawEight.toFixed(0) : "—"} |`,
  );
}
rmSync(tmp, { recursive: true, force: true });
