// Issue 12's targets from one run: the benchmarks that measure them, run one after another
// on this machine, and one table of what they measured against what must be and what is aimed
// at. Each benchmark checks the ledger exactly (order rows, their points against an oracle,
// every cached balance against its rows) and fails the run if it is off.
//
//   - processing only: bench/accrual-drain.ts, a pre-filled inbox of --orders drained by the
//     batch path, SQLite and PostgreSQL;
//   - acknowledgements, end to end, open loop and the storefront read: bench/open-loop.ts on
//     PostgreSQL in the production topology (web + --workers BullMQ workers) and on SQLite (one
//     process): the same server's forged-request rate, a closed-loop burst, --pg-rate /
//     --sqlite-rate orders/s offered for 30 s, GET /customer alone at 500/s offered and with
//     64 shoppers in a closed loop;
//   - data at scale: bench/accrual-scale.ts --reuse --rounds 1 (a 12 GB template database is
//     generated the first time, about 10 minutes; --skip-scale leaves it out).
//
//   npm run bench:targets -- [--orders 20000] [--workers 1] [--pg-rate 400] [--sqlite-rate 200]
//                            [--skip-scale]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { root } from "./server";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "20000" },
    workers: { type: "string", default: "1" },
    "pg-rate": { type: "string", default: "400" },
    "sqlite-rate": { type: "string", default: "200" },
    "skip-scale": { type: "boolean", default: false },
  },
});
const tmp = path.join(root, "bench", ".tmp-targets");
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

/** Runs one benchmark (its own output shown as it goes) and returns what it wrote to --json. */
function run<T>(name: string, script: string, args: string[]): T {
  const file = path.join(tmp, `${name}.json`);
  console.log(`\n== ${name}: npx tsx ${script} ${args.join(" ")}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args, "--json", file], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status}): the targets are not measured`);
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

interface Drain {
  kind: string;
  rate: number;
}
interface OpenLoop {
  kind: string;
  workers: number;
  forged: number;
  rawSingle: number;
  rawEight: number | null;
  burst: { acksPerSecond: number; ordersPerSecond: number };
  stages: { rate: number; p50: number; p99: number; failures: number; drainSeconds: number }[];
  customerOnly: { rate: number; p50: number; p99: number; failures: number } | null;
  shoppers: { concurrent: number; perSecond: number; p50: number; p99: number };
  load: number[];
}

const started = new Date();
const loadStart = os.loadavg().map((l) => l.toFixed(2)).join(", ");
const drains = run<Drain[]>("drain", "bench/accrual-drain.ts", ["--orders", values.orders!, "--path", "batch"]);
const [pg] = run<OpenLoop[]>("postgres", "bench/open-loop.ts", ["--db", "postgres", "--workers", values.workers!, "--rates", values["pg-rate"]!, "--customer-rate", "100", "--customer-only-rate", "500"]);
const [lite] = run<OpenLoop[]>("sqlite", "bench/open-loop.ts", ["--db", "sqlite", "--rates", values["sqlite-rate"]!, "--customer-rate", "0", "--customer-only-rate", "0"]);
const scale = values["skip-scale"] ? null : run<{ ratio: number; empty: number; big: number }>("scale", "bench/accrual-scale.ts", ["--reuse", "--rounds", "1"]);
rmSync(tmp, { recursive: true, force: true });

const drainRate = (kind: string) => drains.find((d) => d.kind === kind)!.rate;
const perSecond = (n: number) => `${n.toFixed(0)}/s`;
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
// [target, issue's "now", must, aim, measured, met must?, met aim?]
type Row = [string, string, string, string, string, boolean | null, boolean | null];
const atLeast = (value: number, must: number, aim: number): [boolean, boolean] => [value >= must, value >= aim];
const atMost = (value: number, must: number, aim: number): [boolean, boolean] => [value <= must, value <= aim];
const pgStage = pg!.stages[0]!;
const liteStage = lite!.stages[0]!;
const rows: Row[] = [
  [`processing only: a pre-filled inbox of ${values.orders} orders drained, PostgreSQL`, "81/s", ">= 2,000/s", ">= 5,000/s", perSecond(drainRate("postgres")), ...atLeast(drainRate("postgres"), 2000, 5000)],
  ["processing only, SQLite", "—", ">= 1,000/s", ">= 3,000/s", perSecond(drainRate("sqlite")), ...atLeast(drainRate("sqlite"), 1000, 3000)],
  [
    "acknowledgements/s as a share of forged requests/s (same server, same run), PostgreSQL",
    "0.26",
    ">= 0.6",
    ">= 0.8",
    `${(pg!.burst.acksPerSecond / pg!.forged).toFixed(2)} (${perSecond(pg!.burst.acksPerSecond)} of ${perSecond(pg!.forged)})`,
    ...atLeast(pg!.burst.acksPerSecond / pg!.forged, 0.6, 0.8),
  ],
  ["end to end, closed loop, sender on the same 2 cores, PostgreSQL", "77/s", ">= 500/s", ">= 800/s", perSecond(pg!.burst.ordersPerSecond), ...atLeast(pg!.burst.ordersPerSecond, 500, 800)],
  ["end to end, SQLite", "51/s", ">= 300/s", ">= 500/s", perSecond(lite!.burst.ordersPerSecond), ...atLeast(lite!.burst.ordersPerSecond, 300, 500)],
  [`ack p99 at ${pgStage.rate} orders/s offered (PostgreSQL)`, "—", "<= 100 ms", "<= 30 ms", `${ms(pgStage.p99)} (p50 ${ms(pgStage.p50)}, ${pgStage.failures} refused)`, ...atMost(pgStage.failures ? Infinity : pgStage.p99, 100, 30)],
  [`ack p99 at ${liteStage.rate} orders/s offered (SQLite)`, "—", "<= 200 ms", "<= 50 ms", `${ms(liteStage.p99)} (p50 ${ms(liteStage.p50)}, ${liteStage.failures} refused)`, ...atMost(liteStage.failures ? Infinity : liteStage.p99, 200, 50)],
  [
    `\`GET /customer\`, PostgreSQL, requests/s at ${pg!.shoppers.concurrent} concurrent shoppers`,
    "102 (p50 629 ms)",
    ">= 1,000",
    ">= 3,000",
    `${pg!.shoppers.perSecond.toFixed(0)} (p50 ${ms(pg!.shoppers.p50)})`,
    ...atLeast(pg!.shoppers.perSecond, 1000, 3000),
  ],
  [
    `\`GET /customer\`, PostgreSQL, p99 at ${pg!.customerOnly!.rate} req/s offered`,
    "—",
    "<= 100 ms",
    "<= 20 ms",
    `${ms(pg!.customerOnly!.p99)} (p50 ${ms(pg!.customerOnly!.p50)}, ${pg!.customerOnly!.failures} failed)`,
    ...atMost(pg!.customerOnly!.failures ? Infinity : pg!.customerOnly!.p99, 100, 20),
  ],
  scale
    ? ["1M members / 20M ledger rows vs empty (processing rate)", "—", ">= 0.8 x", ">= 0.95 x", `${scale.ratio.toFixed(2)} x (${scale.big.toFixed(0)} vs ${scale.empty.toFixed(0)} orders/s)`, ...atLeast(scale.ratio, 0.8, 0.95)]
    : ["1M members / 20M ledger rows vs empty (processing rate)", "—", ">= 0.8 x", ">= 0.95 x", "not run (--skip-scale)", null, null],
];

const verdict = (must: boolean | null, aim: boolean | null) => (must === null ? "—" : aim ? "aim met" : must ? "must met" : "**missed**");
console.log(
  `\n${started.toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · load average at start ${loadStart}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`,
);
console.log(`PostgreSQL: web (KANTA_WORKER=0) + ${pg!.workers} BullMQ worker process(es); SQLite: one process. Ledger checked exactly by every benchmark.`);
console.log(`Same run: forged-HMAC requests ${perSecond(pg!.forged)} (PostgreSQL server), ${perSecond(lite!.forged)} (SQLite server); raw single-row inserts ${perSecond(pg!.rawSingle)} (1 client) / ${perSecond(pg!.rawEight ?? 0)} (8 clients) on PostgreSQL, ${perSecond(lite!.rawSingle)} on SQLite.\n`);
console.log("| | issue's now | must | aim | measured | |");
console.log("|---|---|---|---|---|---|");
for (const [name, now, must, aim, measured, m, a] of rows) console.log(`| ${name} | ${now} | ${must} | ${aim} | ${measured} | ${verdict(m, a)} |`);
