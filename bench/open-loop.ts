// Open-loop load: orders arrive at a fixed rate whatever the server does (as Shopify sends
// them), with Shopify's habits: 5 % of deliveries sent twice (same event id, a moment later)
// and 5 % of orders arriving as a newer orders/updated before their older orders/paid. While
// they flow, signed-in shoppers ask GET /apps/kanta/customer at a fixed rate too. Reports the
// acknowledgements' p50/p99/max measured from each request's scheduled time (no coordinated
// omission), the inbox backlog over time and how long it took to drain after the last send,
// and the storefront's latencies; then a closed loop of concurrent shoppers, the same run's
// forged-request rate (the HTTP + HMAC ceiling) and the databases' raw insert rates. The
// ledger is checked exactly after every stage. Not a test: numbers go to docs/benchmarks.md.
//
// Before the open-loop stages, a closed-loop burst (--burst orders, 32 senders, each sending
// again as soon as answered): acknowledgements/s, and orders/s acknowledged and processed end
// to end. After them, shoppers alone at --customer-only-rate. --workers M runs the production
// topology: a web process that only acknowledges and M BullMQ worker processes (Redis at
// --redis); 0 (the default) is one process that does both.
//
//   npm run bench:open-loop -- [--rates 100,200,400] [--seconds 30] [--db postgres,sqlite]
//                              [--customer-rate 100] [--shoppers 64] [--members 500]
//                              [--burst 2000] [--customer-only-rate 500] [--workers 0]
//                              [--json results.json]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { randomInt, randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPrismaClient, type Db } from "../app/db.server";
import { verifyLedger } from "../app/loyalty/ledger/append.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { signProxyQuery, webhookHeaders } from "../app/shopify/signing";
import { migrate } from "../scripts/migrate.mjs";
import { orderPayload, toShopifyJson } from "../tests/fixtures/payloads";
import { ensureProductionBuild, forgedRequestRate, freshDatabase, percentile, rawInsertRate, root, startTopology, type Kind } from "./server";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "100,200,400" },
    seconds: { type: "string", default: "30" },
    db: { type: "string", default: "postgres,sqlite" },
    "customer-rate": { type: "string", default: "100" },
    shoppers: { type: "string", default: "64" },
    members: { type: "string", default: "500" },
    burst: { type: "string", default: "2000" },
    "customer-only-rate": { type: "string", default: "500" },
    workers: { type: "string", default: "0" },
    redis: { type: "string", default: process.env.KANTA_TEST_REDIS_URL ?? "redis://127.0.0.1:6379" },
    json: { type: "string" },
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const RATES = values.rates!.split(",").map(Number);
const SECONDS = Number(values.seconds);
const CUSTOMER_RATE = Number(values["customer-rate"]);
const SHOPPERS = Number(values.shoppers);
const MEMBERS = Number(values.members);
const BURST = Number(values.burst);
const CUSTOMER_ONLY_RATE = Number(values["customer-only-rate"]);
const WORKERS = Number(values.workers);
const SECRET = "kanta-bench-secret";
const SHOP = "bench.myshopify.com";
const tmp = path.join(root, "bench", ".tmp-open-loop");
const customerId = (i: number) => String(9100000000000000000n + BigInt(i % MEMBERS));

interface Delivery {
  at: number; // ms after the stage's start
  topic: "orders/paid" | "orders/updated";
  eventId: string;
  body: string;
}

/** Order n: its payload's fields, and the points it earns (1 point per 1 €, the default purchase rule, of lines 10–99 € + 2 × 5 €). */
function orderSpec(n: number) {
  const pounds = 10 + (n % 90);
  return {
    // Each order placed a second after the one before (one shared time would hide a per-order write: 0045).
    spec: { id: String(9000000000000000000n + BigInt(n)), customerId: customerId(n), lines: [{ price: `${pounds}.00` }, { price: "5.00", quantity: 2 }], processedAt: new Date(Date.parse("2026-11-01T00:00:00Z") + n * 1000).toISOString() },
    points: pounds + 10,
  };
}

function sendDelivery(port: number, d: Omit<Delivery, "at">): Promise<number> {
  return fetch(`http://127.0.0.1:${port}/webhooks/${d.topic}`, {
    method: "POST",
    headers: webhookHeaders({ topic: d.topic, shop: SHOP, body: d.body, secret: SECRET, eventId: d.eventId }),
    body: d.body,
  }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
}

/**
 * Closed loop: BURST new orders/paid from 32 senders, each sending again as soon as answered.
 * Acknowledgements/s over the sending, and orders/s from the first send until the inbox is drained.
 */
async function runBurst(db: Db, port: number, firstOrder: number) {
  let expectedPoints = 0;
  const bodies = Array.from({ length: BURST }, (_, i) => {
    const { spec, points } = orderSpec(firstOrder + i);
    expectedPoints += points;
    return toShopifyJson(orderPayload({ ...spec, updatedAt: "2026-11-20T10:00:00Z" }));
  });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const eventId = randomUUID();
        for (let attempt = 1; ; attempt++) {
          const t0 = performance.now();
          const status = await sendDelivery(port, { topic: "orders/paid", eventId, body }).catch(() => 0);
          if (status === 200) {
            latencies.push(performance.now() - t0);
            break;
          }
          if (attempt >= 10) throw new Error(`a burst delivery was refused 10 times (${status})`);
          await sleep(200);
        }
      }
    }),
  );
  const acked = performance.now();
  while ((await backlog(db)) > 0) await sleep(25);
  const drained = performance.now();
  latencies.sort((a, b) => a - b);
  return {
    orders: BURST,
    expectedPoints,
    acksPerSecond: BURST / ((acked - started) / 1000),
    ordersPerSecond: BURST / ((drained - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** One stage's deliveries: `rate` new orders a second for SECONDS, with duplicates and stale arrivals. */
function schedule(rate: number, firstOrder: number): { deliveries: Delivery[]; orders: number; expectedPoints: number } {
  const deliveries: Delivery[] = [];
  const orders = rate * SECONDS;
  let expectedPoints = 0;
  for (let i = 0; i < orders; i++) {
    const n = firstOrder + i;
    const at = (i * 1000) / rate;
    const { spec, points } = orderSpec(n);
    expectedPoints += points;
    const paid = toShopifyJson(orderPayload({ ...spec, updatedAt: "2026-11-20T10:00:00Z" }));
    if (n % 20 === 13) {
      // Out of order: the newer orders/updated first, the older orders/paid 200 ms later.
      deliveries.push({ at, topic: "orders/updated", eventId: randomUUID(), body: toShopifyJson(orderPayload({ ...spec, updatedAt: "2026-11-20T10:05:00Z" })) });
      deliveries.push({ at: at + 200, topic: "orders/paid", eventId: randomUUID(), body: paid });
      continue;
    }
    const delivery: Delivery = { at, topic: "orders/paid", eventId: randomUUID(), body: paid };
    deliveries.push(delivery);
    // Shopify's retry of a delivery it did not see acknowledged: same event id, same body.
    if (n % 20 === 7) deliveries.push({ ...delivery, at: at + 50 + randomInt(1500) });
  }
  deliveries.sort((a, b) => a.at - b.at);
  return { deliveries, orders, expectedPoints };
}


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fires `count` requests at their scheduled times without waiting for answers; latencies from the scheduled time. */
async function openLoop<T extends { at: number }>(items: T[], send: (item: T) => Promise<number>): Promise<{ latencies: number[]; failures: number; failed: T[] }> {
  const latencies: number[] = [];
  let failures = 0;
  const failed: T[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  while (next < items.length) {
    const now = performance.now() - start;
    while (next < items.length && items[next]!.at <= now) {
      const item = items[next++]!;
      const scheduled = start + item.at;
      inFlight.push(
        send(item).then(
          (status) => {
            if (status === 200) latencies.push(performance.now() - scheduled);
            else {
              failures++;
              failed.push(item);
            }
          },
          () => {
            failures++;
            failed.push(item);
          },
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return { latencies, failures, failed };
}

// The widget keeps the panel's texts per language and sends their version (0043 item 5):
// so does each bench shopper, once its first answer has told it the version.
const heldTexts = new Map<number, string>();

function customerUrl(port: number, i: number): string {
  const held = heldTexts.get(i);
  const params: Record<string, string> = { shop: SHOP, logged_in_customer_id: customerId(i), path_prefix: "/apps/kanta" };
  if (held) params.texts = held;
  return `http://127.0.0.1:${port}/proxy/customer?${signProxyQuery(params, SECRET)}`;
}

async function getCustomer(port: number): Promise<number> {
  const i = randomInt(MEMBERS);
  const response = await fetch(customerUrl(port, i));
  if (heldTexts.has(i) || response.status !== 200) {
    await response.arrayBuffer();
  } else {
    const body = (await response.json()) as { textsVersion?: string };
    if (body.textsVersion) heldTexts.set(i, body.textsVersion);
  }
  return response.status;
}

async function backlog(db: Db): Promise<number> {
  return db.webhookEvent.count({ where: { status: { in: ["pending", "processing", "retrying"] } } });
}

async function runStage(db: Db, port: number, rate: number, firstOrder: number) {
  const { deliveries, orders, expectedPoints } = schedule(rate, firstOrder);
  const samples: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await backlog(db));
      await sleep(1000);
    }
  })();
  const shopperTimes = Array.from({ length: Math.floor(CUSTOMER_RATE * SECONDS) }, (_, i) => ({ at: (i * 1000) / CUSTOMER_RATE }));
  const started = performance.now();
  const [acks, reads] = await Promise.all([
    openLoop(deliveries, (d) => sendDelivery(port, d)),
    CUSTOMER_RATE > 0 ? openLoop(shopperTimes, () => getCustomer(port)) : Promise.resolve({ latencies: [], failures: 0, failed: [] }),
  ]);
  // Shopify retries a delivery it did not see acknowledged: so does the bench (after the stage), until each is.
  for (const d of acks.failed) {
    for (let attempt = 1; ; attempt++) {
      const status = await sendDelivery(port, d).catch(() => 0);
      if (status === 200) break;
      if (attempt >= 10) throw new Error(`delivery ${d.eventId} still refused after 10 retries (${status || "no answer"})`);
      await sleep(500);
    }
  }
  const sent = performance.now();
  while ((await backlog(db)) > 0) await sleep(50);
  const drained = performance.now();
  sampling = false;
  await sampler;
  return {
    rate,
    deliveries: deliveries.length,
    orders,
    expectedPoints,
    sendSeconds: (sent - started) / 1000,
    drainSeconds: (drained - sent) / 1000,
    acks,
    reads,
    backlogMax: Math.max(0, ...samples),
    backlogTrace: samples.filter((_, i) => i % 5 === 0),
  };
}

/** Closed loop: `SHOPPERS` shoppers, each asking again as soon as answered, for 10 s. */
async function closedLoopShoppers(port: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const until = performance.now() + 10_000;
  await Promise.all(
    Array.from({ length: SHOPPERS }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        if ((await getCustomer(port)) !== 200) throw new Error("GET /customer failed");
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / 10, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function checkLedger(db: Db, shopId: string, orders: number, expectedPoints: number) {
  const earned = await db.ledgerEntry.aggregate({ where: { shopId, kind: "order_earned" }, _sum: { delta: true }, _count: true });
  if (earned._count !== orders) throw new Error(`expected ${orders} order entries, found ${earned._count}`);
  if ((earned._sum.delta ?? 0) !== expectedPoints) throw new Error(`expected ${expectedPoints} order points, the ledger has ${earned._sum.delta}`);
  const mismatches = await verifyLedger(db, shopId);
  if (mismatches.length) throw new Error(`${mismatches.length} cached balances differ from the ledger`);
}

async function runOne(kind: Kind) {
  const url = await freshDatabase(kind, "kanta_bench_open_loop", { pgUrl: values.pg!, tmpDir: tmp });
  const rawUrl = await freshDatabase(kind, "kanta_bench_open_loop_raw", { pgUrl: values.pg!, tmpDir: tmp });
  await migrate(url, { quiet: true, log: () => {} });
  const db = createPrismaClient(url);
  const shop = await ensureShop(db, { domain: SHOP, name: "Bench", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  await db.program.update({ where: { shopId: shop.id }, data: { status: "live", pendingDays: 0 } });
  // Every tier 1×: the expected points do not depend on which order reached a tier first.
  await db.tier.updateMany({ where: { shopId: shop.id }, data: { multiplierPermille: 1000 } });
  const rule = await db.earningRule.findFirstOrThrow({ where: { shopId: shop.id, type: "purchase" } });
  if (rule.points !== 1 || rule.spendMinor !== 100n) throw new Error("the bench expects the default purchase rule: 1 point per 1 €");
  await db.member.createMany({
    data: Array.from({ length: MEMBERS }, (_, i) => ({ shopId: shop.id, customerGid: `gid://shopify/Customer/${customerId(i)}`, firstName: `Shopper ${i}` })),
  });

  const rawSingle = await rawInsertRate(kind, rawUrl, 2000, 1);
  const rawEight = kind === "postgres" ? await rawInsertRate(kind, rawUrl, 4000, 8) : null;
  const port = 3910 + (kind === "sqlite" ? 1 : 2);
  // SQLite has one writer: its worker is the web process's own (README "Production topology").
  const workers = kind === "postgres" ? WORKERS : 0;
  const servers = await startTopology(url, port, SECRET, { workers, redisUrl: values.redis!, env: { KANTA_CUSTOMER_RATE_LIMIT: "1000000" } });
  const check = async (label: string, orders: number, points: number, failures: number) => {
    try {
      await checkLedger(db, shop.id, orders, points);
    } catch (error) {
      const inbox = await db.webhookEvent.groupBy({ by: ["status"], _count: true });
      throw new Error(`${(error as Error).message} after ${label} (acks failed: ${failures}; inbox: ${JSON.stringify(inbox.map((g) => [g.status, g._count]))})`);
    }
  };
  try {
    const forged = await forgedRequestRate(port, schedule(1, 0).deliveries[0]!.body, 5, 32);
    let firstOrder = 0;
    let orders = 0;
    let points = 0;
    const burst = BURST > 0 ? await runBurst(db, port, firstOrder) : null;
    if (burst) {
      firstOrder = orders = burst.orders;
      points = burst.expectedPoints;
      await check("the burst", orders, points, 0);
    }
    const stages = [];
    for (const rate of RATES) {
      const stage = await runStage(db, port, rate, firstOrder);
      firstOrder += stage.orders;
      orders += stage.orders;
      points += stage.expectedPoints;
      await check(`${rate}/s`, orders, points, stage.acks.failures);
      stages.push(stage);
    }
    const times = Array.from({ length: CUSTOMER_ONLY_RATE * 10 }, (_, i) => ({ at: (i * 1000) / CUSTOMER_ONLY_RATE }));
    const customerOnly = CUSTOMER_ONLY_RATE > 0 ? await openLoop(times, () => getCustomer(port)) : null;
    const shoppers = await closedLoopShoppers(port);
    return { kind, workers, forged, rawSingle, rawEight, burst, stages, customerOnly, shoppers };
  } finally {
    servers.stop();
    await db.$disconnect();
  }
}

ensureProductionBuild();
const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(", ");
const results = [];
for (const kind of values.db!.split(",") as Kind[]) results.push(await runOne(kind));
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
console.log(
  `\n${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"} · Node ${process.version} · ${SECONDS} s per rate, ${MEMBERS} members, 5 % duplicate deliveries, 5 % stale orders/paid after orders/updated · load average at start ${loadAtStart}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}\n`,
);
for (const r of results) {
  const topology = r.workers > 0 ? `web (KANTA_WORKER=0) + ${r.workers} BullMQ worker process${r.workers > 1 ? "es" : ""}` : "one process acknowledging and processing";
  console.log(`${r.kind} (${topology}): forged-HMAC requests ${r.forged.toFixed(0)}/s · raw insert ${r.rawSingle.toFixed(0)}/s (1 client)${r.rawEight ? `, ${r.rawEight.toFixed(0)}/s (8 clients)` : ""} · ledger checked exactly after every stage`);
}
if (results.some((r) => r.burst)) {
  console.log(`\n| database | closed-loop burst, 32 senders | acks/s | acks/s ÷ forged/s | orders/s acknowledged and processed | ack p50 | ack p99 |`);
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    const b = r.burst;
    if (b) console.log(`| ${r.kind} | ${b.orders} orders/paid | ${b.acksPerSecond.toFixed(0)} | ${(b.acksPerSecond / r.forged).toFixed(2)} | ${b.ordersPerSecond.toFixed(0)} | ${ms(b.p50)} | ${ms(b.p99)} |`);
  }
}
console.log("\n| database | orders/s offered (deliveries/s) | ack p50 | ack p99 | ack max | failed (then retried) | backlog max | backlog every 5 s | drained after the last send | GET /customer offered | p50 | p99 | failed |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of results) {
  for (const s of r.stages) {
    const a = s.acks.latencies;
    const g = s.reads.latencies;
    console.log(
      `| ${r.kind} | ${s.rate} (${(s.deliveries / SECONDS).toFixed(0)}) | ${ms(percentile(a, 50))} | ${ms(percentile(a, 99))} | ${ms(a.at(-1) ?? Number.NaN)} | ${s.acks.failures} | ${s.backlogMax} | ${s.backlogTrace.join(" ")} | ${s.drainSeconds.toFixed(1)} s | ${CUSTOMER_RATE}/s | ${ms(percentile(g, 50))} | ${ms(percentile(g, 99))} | ${s.reads.failures} |`,
    );
  }
}
console.log(`\n| database | GET /customer, ${SHOPPERS} shoppers in a closed loop | p50 | p99 |`);
console.log("|---|---|---|---|");
for (const r of results) console.log(`| ${r.kind} | ${r.shoppers.perSecond.toFixed(0)}/s | ${ms(r.shoppers.p50)} | ${ms(r.shoppers.p99)} |`);
if (CUSTOMER_ONLY_RATE > 0) {
  console.log(`\n| database | GET /customer alone, ${CUSTOMER_ONLY_RATE}/s offered for 10 s | p50 | p99 | failed |`);
  console.log("|---|---|---|---|---|");
  for (const r of results) {
    const c = r.customerOnly!;
    console.log(`| ${r.kind} | ${(c.latencies.length / 10).toFixed(0)}/s answered | ${ms(percentile(c.latencies, 50))} | ${ms(percentile(c.latencies, 99))} | ${c.failures} |`);
  }
}
if (values.json) {
  const summary = results.map((r) => ({
    kind: r.kind,
    workers: r.workers,
    forged: r.forged,
    rawSingle: r.rawSingle,
    rawEight: r.rawEight,
    burst: r.burst,
    stages: r.stages.map((s) => ({ rate: s.rate, p50: percentile(s.acks.latencies, 50), p99: percentile(s.acks.latencies, 99), max: s.acks.latencies.at(-1) ?? null, failures: s.acks.failures, backlogMax: s.backlogMax, drainSeconds: s.drainSeconds })),
    customerOnly: r.customerOnly && { rate: CUSTOMER_ONLY_RATE, p50: percentile(r.customerOnly.latencies, 50), p99: percentile(r.customerOnly.latencies, 99), failures: r.customerOnly.failures },
    shoppers: { concurrent: SHOPPERS, ...r.shoppers },
    load: os.loadavg(),
  }));
  writeFileSync(values.json, JSON.stringify(summary, null, 2));
}
rmSync(tmp, { recursive: true, force: true });
