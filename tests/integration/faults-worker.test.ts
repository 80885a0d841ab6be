import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { startJobRunner, stopJobRunner } from "../../app/jobs/queue.server";
import { resetEnvCache } from "../../app/env.server";
import { useTestDatabase } from "../db";
import { balances, burstOrders, createFaultShop, eventStatuses, ledgerSums, oracleBalances, sendOrder, waitUntil } from "../faults";
import { useTestServer } from "../http";
import { ownRedis, type OwnRedis } from "../redis-server";

// `kill -9` of the worker process in the middle of a burst (issue #11, "Faults to survive"):
// this process is the web process (KANTA_WORKER=0: it only acknowledges and enqueues), and
// `npm run worker`'s entry point (app/jobs/worker.main.ts) runs as a real child process on
// its own Redis. Killed while processing, then started again: every balance equals the
// oracle and the ledger; nothing lost, nothing doubled. PostgreSQL only (tests/vitest.config.ts):
// separate worker processes are a PostgreSQL deployment. docs/decisions/0014-faults.md

const root = path.resolve(import.meta.dirname, "..", "..");
const { db } = useTestDatabase();
const { server } = useTestServer();
let redis: OwnRedis | undefined;
const workers: ChildProcess[] = [];
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
  await stopJobRunner();
  await redis?.kill();
  for (const name of ["REDIS_URL", "KANTA_QUEUE_PREFIX", "KANTA_WORKER"]) delete process.env[name];
  resetEnvCache();
});

function startWorker(output: string[]): ChildProcess {
  const child = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "app/jobs/worker.main.ts"], {
    cwd: root,
    env: { ...process.env, KANTA_WORKER: "1", KANTA_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  workers.push(child);
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("the worker killed mid-burst", () => {
  it("after kill -9 and a restart, every event is processed once and every balance equals the oracle", async () => {
    redis = await ownRedis();
    await stopJobRunner();
    process.env.REDIS_URL = redis.url;
    process.env.KANTA_QUEUE_PREFIX = `kanta-faults-${randomUUID().slice(0, 8)}`;
    process.env.KANTA_WORKER = "0";
    resetEnvCache();
    await startJobRunner();
    const shop = await createFaultShop(db());
    const orders = burstOrders(120, 10);
    expect(await Promise.all(orders.map((o) => sendOrder(server().url, shop.domain, o)))).toEqual(orders.map(() => 200));
    expect(await eventStatuses(db(), shop.domain)).toEqual({ pending: orders.length });

    const output: string[] = [];
    const first = startWorker(output);
    await waitUntil(() => `the worker processing: ${output.join("")}`, async () => ((await eventStatuses(db(), shop.domain)).done ?? 0) > 0);
    await kill9(first);
    const atKill = await eventStatuses(db(), shop.domain);
    expect(atKill.done ?? 0).toBeGreaterThan(0);

    // Events the dead worker held are leased for LEASE_MS (5 minutes) before anyone retries
    // them; the test does not wait that long, it ends the leases as time would.
    await db().webhookEvent.updateMany({ where: { shopDomain: shop.domain, status: "processing" }, data: { nextAttemptAt: new Date() } });

    const second = startWorker(output);
    await waitUntil(async () => `every event processed after the restart: ${JSON.stringify(await eventStatuses(db(), shop.domain))} ${output.join("")}`, async () => (await eventStatuses(db(), shop.domain)).done === orders.length, 120_000);
    second.kill("SIGTERM");
    expect(await eventStatuses(db(), shop.domain)).toEqual({ done: orders.length });

    const oracle = await oracleBalances(db(), orders);
    expect(Object.keys(oracle)).toHaveLength(10);
    expect(await balances(db(), shop.id)).toEqual(oracle);
    expect(await ledgerSums(db(), shop.id)).toEqual(oracle);
    expect(await db().orderRecord.count({ where: { shopId: shop.id } })).toBe(orders.length);
  }, 180_000);
});
