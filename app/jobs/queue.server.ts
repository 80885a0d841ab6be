import { getDb } from "../db.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { errorText } from "./backoff";
import { PERIODIC_TASKS, TaskSchedule, type PeriodicTask, type SweepReport } from "./tasks.server";
import { processWebhookEvent } from "./webhook-job.server";

// Background work. Without REDIS_URL (the embedded default) jobs run in this process; with
// it, BullMQ queues them in Redis for worker processes (`npm run worker`, built from
// app/jobs/worker.main.ts, or this process unless KANTA_WORKER=0). Either way the inbox
// table is the source of truth: the queue only says "look at event X now", and a periodic
// sweep finds anything a crash left behind. Both runners' sweeps run the same task list
// (app/jobs/tasks.server.ts).
// docs/decisions/0004-inbox-and-queues.md

export interface JobRunner {
  enqueue(eventId: string): void;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunnerOptions {
  /** The sweep's tasks; PERIODIC_TASKS unless a test gives its own. */
  tasks?: readonly PeriodicTask[];
  /** Called with each sweep's report (tests). */
  onSweep?: (report: SweepReport) => void;
}

export const SWEEP_MS = 2_000;

export class InProcessRunner implements JobRunner {
  private queue: string[] = [];
  private queued = new Set<string>();
  private running = 0;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly schedule: TaskSchedule;

  constructor(
    private readonly concurrency: number,
    private readonly options: RunnerOptions = {},
  ) {
    this.schedule = new TaskSchedule(options.tasks ?? PERIODIC_TASKS);
  }

  start() {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
    void this.sweep();
  }

  enqueue(eventId: string) {
    if (this.stopped || this.queued.has(eventId)) return;
    this.queued.add(eventId);
    this.queue.push(eventId);
    this.pump();
  }

  private pump() {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.running++;
      processWebhookEvent(getDb(), id)
        .then((outcome) => {
          if (outcome === "retrying") log.debug("webhook scheduled for retry", { eventId: id });
        })
        .catch((error: unknown) => log.error("webhook worker crashed", { eventId: id, error: errorText(error) }))
        .finally(() => {
          this.running--;
          this.queued.delete(id);
          this.pump();
          if (this.running === 0 && this.queue.length === 0) this.waiters.splice(0).forEach((w) => w());
        });
    }
  }

  /** One sweep: the due periodic tasks. Never throws. */
  async sweep(): Promise<SweepReport | null> {
    if (this.stopped) return null;
    try {
      const report = await this.schedule.runDue({ db: getDb(), now: new Date(), enqueueWebhook: (id) => this.enqueue(id) });
      this.options.onSweep?.(report);
      return report;
    } catch (error) {
      log.error("job sweep failed", { error: errorText(error) });
      return null;
    }
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }
}

declare global {
   
  var kantaJobs: JobRunner | undefined;
}

export function getJobRunner(): JobRunner {
  if (!globalThis.kantaJobs) {
    const env = getEnv();
    if (env.REDIS_URL) {
      // Loaded lazily so the embedded default never needs Redis.
      throw new Error("BullMQ runner must be started with startJobRunner()");
    }
    const concurrency = /^postgres/.test(env.DATABASE_URL) ? 8 : 1;
    const runner = new InProcessRunner(concurrency);
    runner.start();
    globalThis.kantaJobs = runner;
  }
  return globalThis.kantaJobs;
}

/** Starts the runner this process uses (BullMQ when REDIS_URL is set). Idempotent. */
export async function startJobRunner(): Promise<JobRunner> {
  if (globalThis.kantaJobs) return globalThis.kantaJobs;
  const env = getEnv();
  if (env.REDIS_URL) {
    const { createBullRunner } = await import("./bullmq.server");
    globalThis.kantaJobs = await createBullRunner(env.REDIS_URL, { runWorker: env.KANTA_WORKER === "1" });
    return globalThis.kantaJobs;
  }
  return getJobRunner();
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
  const runner = globalThis.kantaJobs;
  globalThis.kantaJobs = undefined;
  if (runner) await runner.stop();
}
