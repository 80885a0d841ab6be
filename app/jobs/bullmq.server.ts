import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { getDb } from "../db.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { RETRY, errorText, retryDelayMs } from "./backoff";
import type { JobRunner, RunnerOptions } from "./queue.server";
import { PERIODIC_TASKS, TaskSchedule } from "./tasks.server";
import { processWebhookEvent } from "./webhook-job.server";

// BullMQ over Redis for multi-process deployments. Jobs carry only an inbox id; the job id
// is the inbox id (plus the attempt), so BullMQ itself deduplicates. A repeatable "sweep"
// job runs the periodic tasks (app/jobs/tasks.server.ts, the same list as the in-process
// runner's): due events re-enqueued (retries, crashed leases), pending points, expiry, the
// outboxes to Shopify.

export const QUEUE = "kanta-webhooks";
export const BULL_SWEEP_MS = 15_000;

export async function createBullRunner(url: string, options: RunnerOptions & { runWorker: boolean }): Promise<JobRunner> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  // A prefix per deployment (or per test run) keeps queues apart on a shared Redis.
  const prefix = getEnv().KANTA_QUEUE_PREFIX;
  const queue = new Queue(QUEUE, { connection, prefix });
  let active = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (active === 0) waiters.splice(0).forEach((w) => w());
  };
  const pending = new Set<Promise<unknown>>();

  const enqueue = (eventId: string, attempt = 0, delay = 0) => {
    const p = queue
      .add("webhook", { eventId }, { jobId: `${eventId}-${attempt}`, delay, removeOnComplete: true, removeOnFail: 1000 })
      .catch((error: unknown) => log.error("bullmq enqueue failed; the sweep will pick it up", { eventId, error: errorText(error) }));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  let worker: Worker | undefined;
  const schedule = new TaskSchedule(options.tasks ?? PERIODIC_TASKS);
  if (options.runWorker) {
    // Finished sweeps are not kept in Redis; the last failures are, for inspection.
    await queue.upsertJobScheduler("sweep", { every: BULL_SWEEP_MS }, { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } });
    worker = new Worker(
      QUEUE,
      async (job) => {
        active++;
        try {
          if (job.name === "sweep") {
            const report = await schedule.runDue({ db: getDb(), now: new Date(), enqueueWebhook: (id) => enqueue(id, Date.now()) });
            options.onSweep?.(report);
            return report;
          }
          const { eventId } = job.data as { eventId: string };
          const outcome = await processWebhookEvent(getDb(), eventId);
          if (outcome === "retrying") {
            const row = await getDb().webhookEvent.findUnique({ where: { id: eventId }, select: { attempts: true } });
            const attempts = row?.attempts ?? 1;
            enqueue(eventId, attempts, retryDelayMs(attempts, RETRY.webhook));
          }
        } finally {
          active--;
          settle();
        }
      },
      { connection: connection.duplicate(), concurrency: 8, prefix },
    );
    worker.on("error", (error) => log.error("bullmq worker error", { error: errorText(error) }));
  }

  return {
    enqueue: (eventId) => enqueue(eventId),
    async idle() {
      await Promise.all([...pending]);
      // Wait until the queue has nothing waiting and no job is running here.
      for (;;) {
        const counts = await queue.getJobCounts("waiting", "active", "prioritized");
        if ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) === 0 && active === 0) return;
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    async stop() {
      await worker?.close();
      await queue.close();
      connection.disconnect();
      waiters = [];
    },
  };
}
