import { getDb } from "../db.server";
import { log } from "../log.server";
import { errorText } from "./backoff";
import { PERIODIC_TASKS, TaskSchedule, type PeriodicTask, type SweepReport } from "./tasks.server";
import { batchSizeFor, processWebhookBatch } from "./webhook-batch.server";

// The runner interface, and the in-process runner: the embedded default without REDIS_URL,
// and BullMQ's fallback while Redis is down (app/jobs/bullmq.server.ts). See queue.server.ts.

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

/**
 * Under load, a batch that is not full starts at least this long after the last one ended.
 * Without it, a runner that keeps up takes the inbox one event at a time (the dearest way:
 * every batch reads afresh), and in one process (SQLite, or web with KANTA_WORKER=1) the
 * acknowledgements wait behind back-to-back batches. With it they get the event loop (and
 * SQLite's writer) between batches, and the next batch gathers what arrived meanwhile.
 */
export const BATCH_GAP_MS = 50;

export class InProcessRunner implements JobRunner {
  private queue: string[] = [];
  private queued = new Set<string>();
  private running = 0;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastBatchEnd = 0;
  private gapTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly schedule: TaskSchedule;

  constructor(
    private readonly concurrency: number,
    private readonly options: RunnerOptions = {},
  ) {
    this.schedule = new TaskSchedule(options.tasks ?? PERIODIC_TASKS);
  }

  start() {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
    void this.sweep();
  }

  /** Stops sweeping (jobs already queued still run); start() resumes. BullMQ's fallback while Redis is down. */
  pause() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get sweeping(): boolean {
    return this.timer !== undefined;
  }

  enqueue(eventId: string) {
    if (this.stopped || this.queued.has(eventId)) return;
    this.queued.add(eventId);
    this.queue.push(eventId);
    this.pump();
  }

  private pump() {
    while (this.running < this.concurrency && this.queue.length > 0) {
      // A batch: the queued ids, plus other due events up to the batch size (docs/decisions/0030).
      const db = getDb();
      const size = batchSizeFor(db);
      const wait = this.lastBatchEnd + BATCH_GAP_MS - Date.now();
      if (wait > 0 && this.queue.length < size) {
        this.gapTimer ??= setTimeout(() => {
          this.gapTimer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const ids = this.queue.splice(0, size);
      this.running++;
      processWebhookBatch(db, { ids, fill: size - ids.length })
        .then((outcomes) => {
          for (const [id, outcome] of outcomes) if (outcome === "retrying") log.debug("webhook scheduled for retry", { eventId: id });
        })
        .catch((error: unknown) => log.error("webhook worker crashed", { events: ids.length, eventId: ids[0], error: errorText(error) }))
        .finally(() => {
          this.lastBatchEnd = Date.now();
          this.running--;
          for (const id of ids) this.queued.delete(id);
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
