import { afterEach, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { resetEnvCache } from "../../app/env.server";
import { BULL_SWEEP_MS, ENQUEUE_GATHER_MS, QUEUE, createBullRunner } from "../../app/jobs/bullmq.server";
import { InProcessRunner, getJobRunner, startJobRunner, stopJobRunner } from "../../app/jobs/queue.server";
import { PERIODIC_TASKS, TaskSchedule, type PeriodicTask, type SweepReport, type TaskContext } from "../../app/jobs/tasks.server";
import { log } from "../../app/log.server";
import { LEASE_MS } from "../../app/jobs/backoff";
import { MAX_ATTEMPTS, findDueWebhookEvents, processWebhookEvent, retryDeadWebhookEvent } from "../../app/jobs/webhook-job.server";
import { HANDLERS } from "../../app/webhooks/handlers";
import { createTestShop, useTestDatabase } from "../db";
import { orderPayload, toShopifyJson } from "../fixtures/payloads";
import { expectLoggedError } from "../logged-errors";
import { sendWebhook, startTestServer } from "../http";

const { db } = useTestDatabase();

async function storeEvent(shopDomain: string, customerId: string) {
  const payload = toShopifyJson(orderPayload({ id: `${customerId}1`, customerId, lines: [{ price: "10.00" }], updatedAt: "2026-11-20T10:00:00Z" }));
  return db().webhookEvent.create({ data: { shopDomain, topic: "orders/paid", eventId: randomUUID(), payload } });
}

describe("inbox processing", () => {
  const original = HANDLERS["orders/paid"]!;
  afterEach(() => {
    HANDLERS["orders/paid"] = original;
  });

  it("retries transient failures with backoff, then parks the event as dead, visibly", async () => {
    const shop = await createTestShop(db());
    const event = await storeEvent(shop.domain, "8001");
    expectLoggedError(/webhook failed, will retry .*connection reset/);
    expectLoggedError(/webhook dead .*connection reset/);
    HANDLERS["orders/paid"] = async () => {
      throw new Error("connection reset");
    };
    let now = new Date();
    const outcomes: string[] = [];
    let previousDelay = 0;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      outcomes.push(await processWebhookEvent(db(), event.id, now));
      const row = await db().webhookEvent.findUniqueOrThrow({ where: { id: event.id } });
      const delay = row.nextAttemptAt.getTime() - Date.now();
      if (row.status === "retrying") {
        expect(delay).toBeGreaterThan(previousDelay - 1000); // grows
        previousDelay = delay;
        // Not due yet: nothing happens.
        expect(await processWebhookEvent(db(), event.id, new Date(now.getTime() + 10))).toBe("skipped");
      }
      now = new Date(row.nextAttemptAt.getTime() + 1);
    }
    expect(outcomes.slice(0, -1).every((o) => o === "retrying")).toBe(true);
    expect(outcomes.at(-1)).toBe("dead");
    const dead = await db().webhookEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(dead).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS });
    expect(dead.lastError).toMatch(/connection reset/);
    expect(dead.payload).not.toBe(""); // kept for a retry after the cause is fixed
    expect(await findDueWebhookEvents(db(), new Date(Date.now() + 86_400_000))).not.toContain(event.id);

    HANDLERS["orders/paid"] = original;
    expect(await retryDeadWebhookEvent(db(), event.id)).toBe(true);
    expect(await processWebhookEvent(db(), event.id)).toBe("done");
    expect((await db().member.findFirstOrThrow({ where: { shopId: shop.id } })).points).toBe(110);
  });

  it("recovers an event whose worker died mid-processing, after the lease", async () => {
    const shop = await createTestShop(db());
    const event = await storeEvent(shop.domain, "8002");
    const claimedAt = new Date();
    // A worker claims the event and dies before finishing (nothing else happens).
    await db().webhookEvent.update({ where: { id: event.id }, data: { status: "processing", attempts: 1, nextAttemptAt: new Date(claimedAt.getTime() + LEASE_MS) } });
    expect(await findDueWebhookEvents(db(), claimedAt)).not.toContain(event.id);
    const later = new Date(claimedAt.getTime() + LEASE_MS + 1);
    expect(await findDueWebhookEvents(db(), later)).toContain(event.id);
    expect(await processWebhookEvent(db(), event.id, later)).toBe("done");
    expect((await db().member.findFirstOrThrow({ where: { shopId: shop.id } })).points).toBe(110);
  });

  it("processes events left in the inbox when the runner starts (after a crash)", async () => {
    const shop = await createTestShop(db());
    await storeEvent(shop.domain, "8003");
    await stopJobRunner();
    const runner = getJobRunner(); // a fresh process's runner sweeps at start
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runner.idle();
    expect((await db().member.findFirstOrThrow({ where: { shopId: shop.id } })).points).toBe(110);
  });
});

describe("BullMQ over Redis", () => {
  afterEach(async () => {
    await stopJobRunner();
    delete process.env.REDIS_URL;
    resetEnvCache();
  });

  it("queues webhooks in Redis and a worker processes them exactly once", async () => {
    await stopJobRunner();
    process.env.REDIS_URL = process.env.KANTA_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
    process.env.KANTA_QUEUE_PREFIX = `kanta-test-${randomUUID()}`;
    resetEnvCache();
    const runner = await startJobRunner();
    const server = await startTestServer();
    try {
      const shop = await createTestShop(db());
      const payload = orderPayload({ id: "8101", customerId: "8100", lines: [{ price: "33.00" }], updatedAt: "2026-11-20T10:00:00Z" });
      const eventId = randomUUID();
      await Promise.all([1, 2, 3].map(() => sendWebhook(server.url, "orders/paid", shop.domain, payload, { eventId })));
      await runner.idle();
      const event = await db().webhookEvent.findFirstOrThrow({ where: { shopDomain: shop.domain } });
      expect(event.status).toBe("done");
      expect((await db().member.findFirstOrThrow({ where: { shopId: shop.id } })).points).toBe(133);
    } finally {
      await server.close();
    }
  });
});

describe("the periodic tasks", () => {
  const redisUrl = () => process.env.KANTA_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  const names = (report: SweepReport) => report.tasks.map((t) => t.name);

  it("names each task once, in one list, with its interval", () => {
    expect(PERIODIC_TASKS.map((t) => t.name)).toEqual([
      "webhook-events-due",
      "pending-points-release",
      "inbox-prune",
      "compliance-exports-prune",
      "points-expiry",
      "date-occasions",
      "stalled-redemptions",
      "referral-rewards-due",
      "surprises",
      "gifts-due",
      "referral-visits-prune",
      "tier-passes",
      "enrolment-runs",
      "tier-sync",
      "tier-discounts",
      "birthday-metafields",
      "app-data-sync",
      "points-metafield-sync",
      "catalog-sync",
      "flow-occasions",
      "klaviyo-events",
      "member-imports",
      "emails-due",
      "reconcile-daily",
    ]);
    for (const task of PERIODIC_TASKS) expect(task.everyMs).toBeGreaterThanOrEqual(0);
  });

  it("the in-process sweep and BullMQ's sweep run the same named tasks", async () => {
    await stopJobRunner();
    const inProcessReports: SweepReport[] = [];
    const inProcess = new InProcessRunner(1, { onSweep: (r) => inProcessReports.push(r) });
    await inProcess.sweep();
    await inProcess.stop();

    const bullReports: SweepReport[] = [];
    const prefix = `kanta-test-${randomUUID()}`;
    process.env.KANTA_QUEUE_PREFIX = prefix;
    const bull = await createBullRunner(redisUrl(), { runWorker: true, onSweep: (r) => bullReports.push(r) });
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE, { connection, prefix });
    try {
      // What the repeatable job adds every BULL_SWEEP_MS, added now.
      await queue.add("sweep", {});
      const deadline = Date.now() + BULL_SWEEP_MS * 2;
      while (bullReports.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await bull.idle();
      // A sweep the scheduler started beside ours reports too.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await queue.close();
      connection.disconnect();
      await bull.stop();
      delete process.env.KANTA_QUEUE_PREFIX;
    }
    expect(inProcessReports).toHaveLength(1);
    expect(bullReports.length).toBeGreaterThanOrEqual(1);
    const expected = PERIODIC_TASKS.map((t) => t.name);
    expect(names(inProcessReports[0]!)).toEqual(expected);
    for (const report of bullReports) expect(names(report)).toEqual(expected);
    // A first sweep runs every task due, in both (the Shopify syncs and tier passes are off
    // under test). BullMQ's scheduler may have started a sweep beside ours: a task the other
    // sweep is running is "busy" in this one, so count what ran in either.
    const ran = (reports: SweepReport[]) => expected.filter((name) => reports.some((r) => r.tasks.some((t) => t.name === name && t.outcome === "ran")));
    expect(ran(inProcessReports)).toEqual([
      "webhook-events-due",
      "pending-points-release",
      "inbox-prune",
      "compliance-exports-prune",
      "points-expiry",
      "date-occasions",
      "stalled-redemptions",
      "referral-rewards-due",
      "gifts-due",
      "referral-visits-prune",
    ]);
    expect(ran(bullReports)).toEqual(ran(inProcessReports));
    const off = (report: SweepReport) => report.tasks.filter((t) => t.outcome === "off").map((t) => t.name);
    for (const report of bullReports) expect(off(report)).toEqual(off(inProcessReports[0]!));
  });

  it("adds one BullMQ job for the events acknowledged within ENQUEUE_GATHER_MS, each id in it", async () => {
    const prefix = `kanta-test-${randomUUID()}`;
    process.env.KANTA_QUEUE_PREFIX = prefix;
    // A web process's runner (no worker): the jobs stay in the queue to be looked at.
    const web = await createBullRunner(redisUrl(), { runWorker: false });
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE, { connection, prefix });
    try {
      // The runner does not wait for Redis (an event enqueued before it is ready is the sweep's).
      await queue.waitUntilReady();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const first = ["evt-a", "evt-b", "evt-c", "evt-d", "evt-e"];
      for (const id of first) web.enqueue(id);
      await new Promise((resolve) => setTimeout(resolve, ENQUEUE_GATHER_MS * 5));
      web.enqueue("evt-f");
      await new Promise((resolve) => setTimeout(resolve, ENQUEUE_GATHER_MS * 5));
      const jobs = (await queue.getJobs(["waiting", "prioritized", "delayed"])).sort((a, b) => a.timestamp - b.timestamp);
      expect(jobs.map((j) => ({ name: j.name, id: j.id, data: j.data }))).toEqual([
        { name: "webhook", id: "evt-a-0", data: { eventIds: first } },
        { name: "webhook", id: "evt-f-0", data: { eventIds: ["evt-f"] } },
      ]);
    } finally {
      await web.stop();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      connection.disconnect();
      delete process.env.KANTA_QUEUE_PREFIX;
    }
  });

  it("runs every task of a sweep though one fails, and logs the failure with the task's name", async () => {
    expectLoggedError(/periodic task failed .*"task":"broken"/);
    expectLoggedError(/periodic task failed .*"task":"broken-in-background"/);
    const ran: string[] = [];
    const task = (name: string, run: () => Promise<unknown>, extra: Partial<PeriodicTask> = {}): PeriodicTask => ({ name, everyMs: 0, run: async () => { ran.push(name); return run(); }, ...extra });
    const errors = vi.spyOn(log, "error");
    try {
      const schedule = new TaskSchedule([
        task("first", async () => 1),
        task("broken", async () => {
          throw new Error("database is down");
        }),
        task("broken-in-background", async () => {
          throw new Error("Shopify is down");
        }, { background: true }),
        task("last", async () => 1),
      ]);
      const report = await schedule.runDue({ db: undefined as never, now: new Date(), enqueueWebhook: () => {} });
      await schedule.idle();
      expect(report.tasks).toEqual([
        { name: "first", outcome: "ran" },
        { name: "broken", outcome: "failed" },
        { name: "broken-in-background", outcome: "started" },
        { name: "last", outcome: "ran" },
      ]);
      expect(ran).toEqual(["first", "broken", "broken-in-background", "last"]);
      expect(errors).toHaveBeenCalledWith("periodic task failed", { task: "broken", error: "Error: database is down" });
      expect(errors).toHaveBeenCalledWith("periodic task failed", { task: "broken-in-background", error: "Error: Shopify is down" });
    } finally {
      errors.mockRestore();
    }
  });

  it("runs a task when its interval is up or it is asked for, never twice at once, and not when off", async () => {
    let asked = false;
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const schedule = new TaskSchedule([
      { name: "minutely", everyMs: 60_000, requested: () => asked, run: async () => 1 },
      { name: "slow", everyMs: 0, background: true, run: () => slow },
      { name: "off", everyMs: 0, enabled: () => false, run: async () => 1 },
    ]);
    const ctx = (ms: number): TaskContext => ({ db: undefined as never, now: new Date(1_000_000 + ms), enqueueWebhook: () => {} });
    const outcomes = async (ms: number) => (await schedule.runDue(ctx(ms))).tasks.map((t) => t.outcome);
    expect(await outcomes(0)).toEqual(["ran", "started", "off"]);
    expect(await outcomes(2_000)).toEqual(["not-due", "busy", "off"]);
    asked = true;
    expect(await outcomes(4_000)).toEqual(["ran", "busy", "off"]);
    asked = false;
    release();
    await schedule.idle();
    expect(await outcomes(60_000)).toEqual(["not-due", "started", "off"]);
    expect(await outcomes(64_000)).toEqual(["ran", "started", "off"]);
    await schedule.idle();
  });
});
