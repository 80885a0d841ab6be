import { getEnv } from "../env.server";
import { log } from "../log.server";
import { errorText } from "./backoff";
import { InProcessRunner, type JobRunner } from "./in-process.server";
import { PG_BATCH_CONCURRENCY } from "./webhook-batch.server";

// Background work. Without REDIS_URL (the embedded default) jobs run in this process; with
// it, BullMQ queues them in Redis for worker processes (`npm run worker`, built from
// app/jobs/worker.main.ts, or this process unless KANTA_WORKER=0). Either way the inbox
// table is the source of truth: the queue only says "look at event X now", and a periodic
// sweep finds anything a crash left behind. Both runners' sweeps run the same task list
// (app/jobs/tasks.server.ts).
// docs/decisions/0004-inbox-and-queues.md

export { InProcessRunner, SWEEP_MS, type JobRunner, type RunnerOptions } from "./in-process.server";

declare global {
   
  var kantaJobs: JobRunner | undefined;
  /** The one start of this process's runner: every caller awaits the same promise (never a second connection). */
  var kantaJobsStarting: Promise<JobRunner> | undefined;
}

export function getJobRunner(): JobRunner {
  if (!globalThis.kantaJobs) {
    const env = getEnv();
    if (env.REDIS_URL) {
      // Loaded lazily so the embedded default never needs Redis.
      throw new Error("BullMQ runner must be started with startJobRunner()");
    }
    const concurrency = /^postgres/.test(env.DATABASE_URL) ? PG_BATCH_CONCURRENCY : 1;
    const runner = new InProcessRunner(concurrency);
    runner.start();
    globalThis.kantaJobs = runner;
  }
  return globalThis.kantaJobs;
}

/**
 * Starts the runner this process uses (BullMQ when REDIS_URL is set). Idempotent: one start
 * promise per process, whatever calls it and however long Redis takes. The BullMQ runner
 * does not wait for Redis (app/jobs/bullmq.server.ts); while Redis is down, events are
 * processed in-process from the inbox.
 */
export function startJobRunner(): Promise<JobRunner> {
  if (globalThis.kantaJobs) return Promise.resolve(globalThis.kantaJobs);
  const env = getEnv();
  if (!env.REDIS_URL) return Promise.resolve(getJobRunner());
  const url = env.REDIS_URL;
  globalThis.kantaJobsStarting ??= (async () => {
    const { createBullRunner } = await import("./bullmq.server");
    const runner = await createBullRunner(url, { runWorker: env.KANTA_WORKER === "1" });
    globalThis.kantaJobs = runner;
    return runner;
  })().finally(() => {
    globalThis.kantaJobsStarting = undefined;
  });
  return globalThis.kantaJobsStarting;
}

export function enqueueWebhookEvent(eventId: string): void {
  if (globalThis.kantaJobs) {
    globalThis.kantaJobs.enqueue(eventId);
    return;
  }
  startJobRunner()
    .then((runner) => runner.enqueue(eventId))
    .catch((error: unknown) => log.error("could not enqueue webhook; the sweep will pick it up", { eventId, error: errorText(error) }));
}

export async function stopJobRunner(): Promise<void> {
  if (globalThis.kantaJobsStarting) await globalThis.kantaJobsStarting.catch(() => undefined);
  const runner = globalThis.kantaJobs;
  globalThis.kantaJobs = undefined;
  if (runner) await runner.stop();
}
