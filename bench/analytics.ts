// Analytics page with 1,000,000 orders and 100,000 members over two years: server time of
// the real route loader (catch-up of the points rollup, the day rollups, members' balances,
// tier counts) for each range, on SQLite and on PostgreSQL. Facts and rollups
// are seeded as the order path would leave them (same contribution and sketch functions).
// Not a test: run `npm run bench:analytics`, then copy the table into docs/benchmarks.md.
//
//   npm run bench:analytics -- [--orders 1000000] [--members 100000] [--runs 30] [--db sqlite,postgres]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Prisma } from "@prisma/client";
import { createPrismaClient, setDb, type Db } from "../app/db.server";
import { resetEnvCache } from "../app/env.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { LOCAL_SHOP } from "../app/shopify/admin.server";
import { contribution, factSegments } from "../app/loyalty/analytics/facts.server";
import { dayFormatter } from "../app/loyalty/analytics/days";
import { addToSketch, emptySketch, mergeSketch, sketchToText } from "../app/loyalty/analytics/sketch";
import { migrate } from "../scripts/migrate.mjs";
import { seededRandom } from "../scripts/seeded-random.mjs";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "1000000" },
    members: { type: "string", default: "100000" },
    runs: { type: "string", default: "30" },
    db: { type: "string", default: "sqlite,postgres" },
    keep: { type: "boolean", default: false }, // keep the SQLite file (bench/.tmp/analytics) to look at queries
    pg: { type: "string", default: process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const ORDERS = Number(values.orders);
const MEMBERS = Number(values.members);
const RUNS = Number(values.runs);
const root = path.dirname(import.meta.dirname);
const tmp = path.join(root, "bench", ".tmp", "analytics");
const DAY = 86_400_000;
const TZ = "Europe/Helsinki";

async function seed(db: Db, now: number): Promise<void> {
  const shop = await ensureShop(db, { domain: LOCAL_SHOP, name: "Bench", currencyCode: "EUR", ianaTimezone: TZ });
  await db.program.update({ where: { shopId: shop.id }, data: { status: "live" } });
  const tiers = await db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  await db.reward.create({ data: { shopId: shop.id, type: "amount_off", name: "5 € off", pointsCost: 500, valueMinor: 500n } });
  const rnd = seededRandom(42);
  const start = now - 730 * DAY;
  const memberIds: string[] = [];
  for (let offset = 0; offset < MEMBERS; offset += 5000) {
    const rows = [];
    for (let i = offset; i < Math.min(MEMBERS, offset + 5000); i++) {
      const id = `bench-member-${i}`;
      memberIds.push(id);
      rows.push({ id, shopId: shop.id, customerGid: `gid://shopify/Customer/${8_000_000_000_000 + i}`, points: Math.floor(rnd() * 3000), tierId: tiers[i % tiers.length]!.id, status: i % 97 === 0 ? "excluded" : "active", createdAt: new Date(start + Math.floor(rnd() * 730 * DAY)) });
    }
    await db.member.createMany({ data: rows });
  }
  const dayOf = dayFormatter(TZ);
  type Agg = ReturnType<typeof contribution> & { customers: Uint8Array; repeat: Uint8Array };
  const rollup = new Map<string, Agg>();
  const seen = new Set<number>();
  const facts: Prisma.OrderFactCreateManyInput[] = [];
  const flush = async () => {
    if (facts.length > 0) await db.orderFact.createMany({ data: facts.splice(0) });
  };
  // Orders in time order: 55 % from members, 30 % from 150,000 non-member customers, 15 % guests.
  for (let i = 0; i < ORDERS; i++) {
    const at = new Date(start + Math.floor((i / ORDERS) * 730 * DAY + rnd() * 60_000));
    const kind = rnd();
    const customerNo = kind < 0.55 ? Math.floor(rnd() * MEMBERS) : kind < 0.85 ? MEMBERS + Math.floor(rnd() * 150_000) : -1;
    const member = customerNo >= 0 && customerNo < MEMBERS;
    const customerGid = customerNo >= 0 ? `gid://shopify/Customer/${8_000_000_000_000 + customerNo}` : null;
    const repeat = customerNo >= 0 && seen.has(customerNo);
    if (customerNo >= 0) seen.add(customerNo);
    const gross = BigInt(1000 + Math.floor(rnd() * 20000));
    const reward = member && rnd() < 0.08;
    const fact = {
      shopId: shop.id,
      orderGid: `gid://shopify/Order/${9_000_000_000 + i}`,
      customerGid,
      member,
      tierId: member ? tiers[customerNo % tiers.length]!.id : null,
      day: dayOf(at),
      processedAt: at,
      counted: rnd() > 0.02,
      grossMinor: gross,
      netMinor: gross,
      kantaCodes: reward ? `KANTA-${i}` : "",
      kantaDiscountMinor: reward ? 500n : 0n,
      referred: rnd() < 0.03,
      repeat,
    };
    if (!fact.counted) fact.netMinor = 0n;
    facts.push(fact);
    if (facts.length >= 5000) await flush();
    const c = contribution(fact);
    for (const segment of factSegments(fact)) {
      const key = `${fact.day}|${segment}`;
      let a = rollup.get(key);
      if (!a) rollup.set(key, (a = { ...contribution(null), customers: emptySketch(), repeat: emptySketch() }));
      a.orders += c.orders;
      a.revenueMinor += c.revenueMinor;
      a.rewardOrders += c.rewardOrders;
      a.rewardRevenueMinor += c.rewardRevenueMinor;
      a.rewardDiscountMinor += c.rewardDiscountMinor;
      a.referredOrders += c.referredOrders;
      a.referredRevenueMinor += c.referredRevenueMinor;
      if (fact.counted && customerGid) {
        addToSketch(a.customers, customerGid);
        if (repeat) addToSketch(a.repeat, customerGid);
      }
    }
  }
  await flush();
  const dayRows = [...rollup].map(([key, a]) => {
    const [day, segment] = key.split("|") as [string, string];
    return { shopId: shop.id, day, segment, orders: a.orders, revenueMinor: a.revenueMinor, rewardOrders: a.rewardOrders, rewardRevenueMinor: a.rewardRevenueMinor, rewardDiscountMinor: a.rewardDiscountMinor, referredOrders: a.referredOrders, referredRevenueMinor: a.referredRevenueMinor };
  });
  for (let i = 0; i < dayRows.length; i += 500) await db.analyticsDay.createMany({ data: dayRows.slice(i, i + 500) });
  // The sketches: per day and merged per month, as the order path keeps them.
  const sketchRows: Prisma.AnalyticsSketchCreateManyInput[] = [];
  for (const [key, a] of rollup) {
    const [day, segment] = key.split("|") as [string, string];
    sketchRows.push({ shopId: shop.id, kind: "day", period: day, segment, customers: sketchToText(a.customers), repeatCustomers: sketchToText(a.repeat) });
  }
  const months = new Map<string, { customers: Uint8Array; repeat: Uint8Array }>();
  for (const [key, a] of rollup) {
    const [day, segment] = key.split("|") as [string, string];
    const mk = `${day.slice(0, 7)}|${segment}`;
    let m = months.get(mk);
    if (!m) months.set(mk, (m = { customers: emptySketch(), repeat: emptySketch() }));
    mergeSketch(m.customers, a.customers);
    mergeSketch(m.repeat, a.repeat);
  }
  // Points per day, with the sketch of ~700 active members a day.
  const pointRows = [];
  const pointDays = new Set<string>();
  const activeMonths = new Map<string, Uint8Array>();
  for (let d = 0; d <= 730; d++) {
    const day = dayOf(new Date(start + d * DAY + 12 * 3_600_000));
    if (pointDays.has(day)) continue;
    pointDays.add(day);
    const active = emptySketch();
    for (let k = 0; k < 700; k++) addToSketch(active, memberIds[Math.floor(rnd() * memberIds.length)]!);
    const am = activeMonths.get(day.slice(0, 7)) ?? emptySketch();
    mergeSketch(am, active);
    activeMonths.set(day.slice(0, 7), am);
    pointRows.push({ shopId: shop.id, day, joined: 100 + Math.floor(rnd() * 80), issued: 60_000 + Math.floor(rnd() * 20_000), redeemed: 20_000 + Math.floor(rnd() * 10_000), expired: Math.floor(rnd() * 3000), adjusted: Math.floor(rnd() * 200) - 100, tierUp: Math.floor(rnd() * 40), tierDown: Math.floor(rnd() * 10), });
    sketchRows.push({ shopId: shop.id, kind: "day", period: day, segment: "active", customers: sketchToText(active) });
  }
  await db.analyticsPointsDay.createMany({ data: pointRows });
  for (const [key, m] of months) {
    const [month, segment] = key.split("|") as [string, string];
    sketchRows.push({ shopId: shop.id, kind: "month", period: month, segment, customers: sketchToText(m.customers), repeatCustomers: sketchToText(m.repeat) });
  }
  for (const [month, a] of activeMonths) sketchRows.push({ shopId: shop.id, kind: "month", period: month, segment: "active", customers: sketchToText(a) });
  for (let i = 0; i < sketchRows.length; i += 500) await db.analyticsSketch.createMany({ data: sketchRows.slice(i, i + 500) });
  // Rewards redeemed per day (the catch-up's rollup of the ledger's redeemed rows): three rewards.
  const rewardRows: Prisma.AnalyticsRewardDayCreateManyInput[] = [];
  for (const day of pointDays) {
    for (const [k, name] of ["5 € off", "Free shipping", "15% off"].entries()) rewardRows.push({ shopId: shop.id, day, rewardKey: `reward-${k}`, name, redeemed: 20 + Math.floor(rnd() * 60), points: 10_000 + Math.floor(rnd() * 30_000) });
  }
  for (let i = 0; i < rewardRows.length; i += 500) await db.analyticsRewardDay.createMany({ data: rewardRows.slice(i, i + 500) });
  await db.analyticsState.create({ data: { shopId: shop.id, rolledUntil: new Date(now - 60_000), backfilledAt: new Date(now) } });
}

const CASES = [
  { name: "last 30 days vs previous", query: "range=30d&compare=previous" },
  { name: "last 90 days vs previous", query: "range=90d&compare=previous" },
  { name: "last 365 days vs previous", query: "range=365d&compare=previous" },
  { name: "this year vs last year", query: "range=year&compare=last_year" },
  { name: "custom: two years vs previous", query: "CUSTOM" },
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
  const now = Date.now();
  const seedStart = performance.now();
  await seed(db, now);
  await db.$executeRawUnsafe("ANALYZE");
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const { loader } = await import("../app/routes/app.analytics");
  const from = new Date(now - 729 * DAY).toISOString().slice(0, 10);
  const to = new Date(now).toISOString().slice(0, 10);
  const results: { name: string; p50: number; p95: number; orders: number }[] = [];
  for (const c of CASES) {
    const query = c.query === "CUSTOM" ? `range=custom&from=${from}&to=${to}&compare=previous` : c.query;
    const times: number[] = [];
    let orders = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const t = performance.now();
      const data = (await loader({ request: new Request(`http://localhost/app/analytics?${query}`), params: {}, context: {} })) as { report: { current: { all: { orders: number } } } };
      const elapsed = performance.now() - t;
      orders = data.report.current.all.orders;
      if (i >= 3) times.push(elapsed);
    }
    times.sort((a, b) => a - b);
    results.push({ name: c.name, p50: percentile(times, 50), p95: percentile(times, 95), orders });
  }
  await db.$disconnect();
  setDb(undefined);
  console.log(`\n${kind}: ${ORDERS.toLocaleString("en")} orders, ${MEMBERS.toLocaleString("en")} members seeded in ${seedSeconds.toFixed(1)} s; ${RUNS} runs per case`);
  console.log("| database | range | orders in range | p50 | p95 |\n|---|---|---|---|---|");
  for (const r of results) console.log(`| ${kind} | ${r.name} | ${r.orders.toLocaleString("en")} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms |`);
}

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`);
for (const kind of values.db.split(",")) {
  if (kind === "sqlite") {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await measure("sqlite", `file:${path.join(tmp, "analytics.db")}`);
    if (!values.keep) rmSync(tmp, { recursive: true, force: true });
  } else {
    const admin = new pg.Client({ connectionString: values.pg });
    await admin.connect();
    const name = `kanta_bench_analytics_${process.env.KANTA_TEST_RUN ?? "x"}`;
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(values.pg);
    url.pathname = `/${name}`;
    await measure("postgres", url.toString());
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
