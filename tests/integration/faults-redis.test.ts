import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QUEUE, type BullRunner } from "../../app/jobs/bullmq.server";
import { startJobRunner, stopJobRunner } from "../../app/jobs/queue.server";
import { resetEnvCache } from "../../app/env.server";
import { useTestDatabase } from "../db";
import { balances, burstOrders, createFaultShop, eventStatuses, ledgerSums, oracleBalances, sendOrder, waitUntil } from "../faults";
import { useTestServer } from "../http";
import { ownRedis, type OwnRedis } from "../redis-server";

// Redis stopped and started during a burst, with REDIS_URL set (issue #11, item 4 and
// "Faults to survive"). A redis-server of this file's own is killed (SIGKILL) mid-burst and
// started again on the same port. Webhooks are still acknowledged (the inbox row is the
// truth) without hanging or opening a connection each; this process processes them itself
// from the inbox while Redis is away; when Redis is back, BullMQ takes over with exactly
// one worker set. Nothing lost, nothing doubled. docs/decisions/0014-faults.md

const { db } = useTestDatabase();
const { server } = useTestServer();
let redis: OwnRedis | undefined;
afterAll(async () => {
  await stopJobRunner();
  await redis?.kill();
  delete process.env.REDIS_URL;
  delete process.env.KANTA_QUEUE_PREFIX;
  resetEnvCache();
});

async function clientCount(url: string): Promise<number> {
  const probe = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const list = String(await probe.client("LIST"));
    return list.split("\n").filter(Boolean).length - 1; // less this probe
  } finally {
    probe.disconnect();
  }
}

describe("Redis stopped and started during a burst", () => {
  it("acknowledges every webhook, processes in-process while Redis is down, and one worker set takes over when it returns", async () => {
    redis = await ownRedis();
    const prefix = `kanta-faults-${randomUUID().slice(0, 8)}`;
    await stopJobRunner();
    process.env.REDIS_URL = redis.url;
    process.env.KANTA_QUEUE_PREFIX = prefix;
    resetEnvCache();
    // Every caller shares one start: no second runner, no second connection.
    const [first, again] = await Promise.all([startJobRunner(), startJobRunner()]);
    expect(again).toBe(first);
    const runner = first as BullRunner;
    const shop = await createFaultShop(db());
    const orders = burstOrders(60, 6);
    const [before, during, after] = [orders.slice(0, 20), orders.slice(20, 40), orders.slice(40)];

    expect(await Promise.all(before.map((o) => sendOrder(server().url, shop.domain, o)))).toEqual(before.map(() => 200));
    const connectionsBefore = await clientCount(redis.url);
    await redis.kill();

    // Redis gone: still acknowledged (stored in the inbox), nothing hangs.
    expect(await Promise.all(during.map((o) => sendOrder(server().url, shop.domain, o)))).toEqual(during.map(() => 200));
    await waitUntil("the in-process fallback", async () => runner.fallingBack);
    await waitUntil("events processed without Redis", async () => (await eventStatuses(db(), shop.domain)).done === before.length + during.length);

    await redis.start();
    await waitUntil("BullMQ back", async () => !runner.fallingBack);
    expect(await Promise.all(after.map((o) => sendOrder(server().url, shop.domain, o)))).toEqual(after.map(() => 200));
    await waitUntil("every event processed", async () => (await eventStatuses(db(), shop.domain)).done === orders.length);
    await runner.idle();
    expect(await eventStatuses(db(), shop.domain)).toEqual({ done: orders.length });

    // Exactly one worker set, and no connection per webhook.
    const probe = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE, { connection: probe, prefix });
    try {
      await waitUntil("the worker reconnected", async () => (await queue.getWorkers()).length === 1);
      expect(await queue.getWorkers()).toHaveLength(1);
    } finally {
      await queue.close();
      probe.disconnect();
    }
    expect(await clientCount(redis.url)).toBeLessThanOrEqual(Math.max(connectionsBefore, 4));

    const oracle = await oracleBalances(db(), orders);
    expect(await balances(db(), shop.id)).toEqual(oracle);
    expect(await ledgerSums(db(), shop.id)).toEqual(oracle);
  });
});
