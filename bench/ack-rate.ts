// Acknowledgements a second against the same run's forged-request rate (issue #12): the
// production server, a shop with its offline session stored (as every installed shop has),
// `--concurrency` senders in a closed loop for `--seconds` each. Short on purpose: a check of
// the intake's cost, not a capacity benchmark (bench/open-loop.ts is).
//
// --web-only: the web process only acknowledges and enqueues in Redis (REDIS_URL,
// KANTA_WORKER=0, nothing consumes the queue), so acknowledgements do not share the CPU with
// processing: the intake's own cost.
//
//   npx tsx bench/ack-rate.ts [--db postgres|sqlite] [--seconds 5] [--concurrency 32] [--web-only]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createPrismaClient } from "../app/db.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { webhookHeaders } from "../app/shopify/signing";
import { migrate } from "../scripts/migrate.mjs";
import { orderPayload, toShopifyJson } from "../tests/fixtures/payloads";
import { ensureProductionBuild, forgedRequestRate, freshDatabase, root, startServer, type Kind } from "./server";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "postgres" },
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "32" },
    "web-only": { type: "boolean", default: false },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const KIND = values.db as Kind;
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const SECRET = "kanta-bench-secret";
const SHOP = "bench.myshopify.com";
const tmp = path.join(root, "bench", ".tmp-ack-rate");

/** CPU time (user + system) a process has used, in ms: what a request costs, whatever else the machine runs. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Requests/s of `measure` and the server's CPU ms per request. */
async function withCpu(pid: number, measure: () => Promise<number>): Promise<{ perSecond: number; cpuPerRequest: number }> {
  const before = cpuMs(pid);
  const perSecond = await measure();
  return { perSecond, cpuPerRequest: (cpuMs(pid) - before) / (perSecond * SECONDS) };
}

/**
 * The i-th order's body: one order made with orderPayload, its ids replaced. Making every
 * body with orderPayload (a clone of Shopify's documented example, then JSON) cost the
 * senders ~0.3 ms each on the same 2 cores: the bench, not the server, set the pace.
 */
const ORDER_ID = "9000000000000000000";
const CUSTOMER_ID = "9100000000000000000";
const orderTemplate = toShopifyJson(orderPayload({ id: ORDER_ID, customerId: CUSTOMER_ID, lines: [{ price: "20.00" }], updatedAt: "2026-11-20T10:00:00Z" }));
function orderBody(i: number): string {
  return orderTemplate.replaceAll(ORDER_ID, String(BigInt(ORDER_ID) + BigInt(i))).replaceAll(CUSTOMER_ID, String(BigInt(CUSTOMER_ID) + BigInt(i % 500)));
}

async function ackRate(port: number): Promise<number> {
  let done = 0;
  let n = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const i = n++;
        const body = orderBody(i);
        const headers = webhookHeaders({ topic: "orders/paid", shop: SHOP, body, secret: SECRET, eventId: randomUUID() });
        const response = await fetch(`http://127.0.0.1:${port}/webhooks/orders/paid`, { method: "POST", headers, body });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`a signed webhook got HTTP ${response.status}`);
        done++;
      }
    }),
  );
  return done / SECONDS;
}

ensureProductionBuild();
const url = await freshDatabase(KIND, "kanta_bench_ack_rate", { pgUrl: values.pg!, tmpDir: tmp });
await migrate(url, { quiet: true, log: () => {} });
const db = createPrismaClient(url);
const shop = await ensureShop(db, { domain: SHOP, name: "Bench", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
await db.program.update({ where: { shopId: shop.id }, data: { status: "live", pendingDays: 0 } });
await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_bench" } });
const port = 3930 + (KIND === "sqlite" ? 1 : 2);
const prefix = `kanta-bench-ack-${process.pid}`;
const webOnly: Record<string, string> = values["web-only"] ? { REDIS_URL: values.redis!, KANTA_WORKER: "0", KANTA_QUEUE_PREFIX: prefix } : {};
const server = await startServer(url, port, SECRET, webOnly);
const load = os.loadavg().map((l) => l.toFixed(2)).join(", ");
try {
  const body = orderBody(0);
  const forged = await withCpu(server.pid!, () => forgedRequestRate(port, body, SECONDS, CONCURRENCY));
  const acks = await withCpu(server.pid!, () => ackRate(port));
  console.log(
    `${KIND}: forged ${forged.perSecond.toFixed(0)}/s (${forged.cpuPerRequest.toFixed(2)} ms CPU each) · acks ${acks.perSecond.toFixed(0)}/s (${acks.cpuPerRequest.toFixed(2)} ms CPU each) · ratio ${(acks.perSecond / forged.perSecond).toFixed(2)} · ${CONCURRENCY} senders, ${SECONDS} s each${values["web-only"] ? ", web only" : ""} · load ${load}`,
  );
} finally {
  server.kill("SIGTERM");
  await db.$disconnect();
  rmSync(tmp, { recursive: true, force: true });
  if (values["web-only"]) {
    // Nothing consumed the queue: its keys go with the run.
    const redis = new Redis(values.redis!);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}
