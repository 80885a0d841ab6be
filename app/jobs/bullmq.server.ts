import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { databaseKind, getDb } from "../db.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { RETRY, errorText, retryDelayMs } from "./backoff";
import { BATCH_GAP_MS, InProcessRunner, type JobRunner, type RunnerOptions } from "./in-process.server";
import { PERIODIC_TASKS, TaskSchedule } from "./tasks.server";
import { PG_BATCH_CONCURRENCY, batchSizeFor, drainWebhookBatches } from "./webhook-batch.server";

// BullMQ over Redis for multi-process deployments. Jobs carry only inbox ids; the job id
// is an inbox id (plus the attempt), so BullMQ itself deduplicates. New events from the
// intake are gathered for ENQUEUE_GATHER_MS into one job (every id in it was committed to
// the inbox before the job was added), so a burst costs one Redis script per few
// acknowledgements (0043). A repeatable "sweep" job runs the periodic tasks
// (app/jobs/tasks.server.ts, the same list as the in-process runner's): due events
// re-enqueued (retries, crashed leases), pending points, expiry, the outboxes to Shopify.
//
// Redis down (docs/decisions/0014-faults.md): the runner is made once per process without
// waiting for Redis (queue.server.ts holds the one start promise), and the worker set is
// made once and reconnects itself, so Redis returning never starts a second set. Commands
// to Redis fail fast (no offline queue, one retry per request) instead of hanging a
// webhook; the inbox row is already committed, so the acknowledgement stands. While the
// connection is not ready, a process that runs workers processes events in-process (the
// inbox sweep of InProcessRunner, the same tasks); when Redis is ready again, that sweep
// pauses and BullMQ takes over. Events are claimed in the database (leases), so an event
// both paths see is still processed once.

export const QUEUE = "kanta-webhooks";
export const BULL_SWEEP_MS = 15_000;
/**
 * New events acknowledged within this many milliseconds share one job: a BullMQ add is a Lua
 * script over the network, paid by the web process per acknowledgement otherwise. The worker
 * claims due events in batches anyway (0030), and waits BATCH_GAP_MS (50) between batches.
 */
export const ENQUEUE_GATHER_MS = 10;
/** Reconnection backoff: growing to at most this, forever (Redis returning must be noticed). */
const MAX_RECONNECT_MS = 2_000;
const reconnect = (times: number) => Math.min(100 * 2 ** Math.min(times, 10), MAX_RECONNECT_MS);

export interface BullRunner extends JobRunner {
  /** Whether events are processed in-process because Redis is not ready (tests). */
  readonly fallingBack: boolean;
}

export async function createBullRunner(url: string, options: RunnerOptions & { runWorker: boolean }): Promise<BullRunner> {
  // The producer's connection fails fast: no offline queue, one retry per command.
  const connection = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: reconnect, lazyConnect: false });
  // A prefix per deployment (or per test run) keeps queues apart on a shared Redis.
  const prefix = getEnv().KANTA_QUEUE_PREFIX;
  const queue = new Queue(QUEUE, { connection, prefix });
  // Without a listener, a connection error while Redis is down would be an unhandled 'error' event.
  queue.on("error", (error) => {
    if (!down && !stopped) log.warn("bullmq queue error", { error: errorText(error) });
  });
  let active = 0;
  let waiters: (() => void)[] = [];
  let stopped = false;
  let down = false;
  const settle = () => {
    if (active === 0) waiters.splice(0).forEach((w) => w());
  };
  const pending = new Set<Promise<unknown>>();
  const ready = () => connection.status === "ready";
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  // The in-process fallback: sweeps the inbox while Redis is down (only where workers run).
  const fallback = options.runWorker
    ? new InProcessRunner(databaseKind(getEnv().DATABASE_URL) === "postgres" ? PG_BATCH_CONCURRENCY : 1, { tasks: options.tasks, onSweep: options.onSweep })
    : null;

  const enqueue = (eventId: string, attempt = 0, delay = 0) => {
    if (!ready()) {
      // Redis is not there: process here if this process works, else the workers' sweep finds it.
      if (fallback && delay === 0) fallback.enqueue(eventId);
      return;
    }
    track(
      queue
        .add("webhook", { eventId }, { jobId: `${eventId}-${attempt}`, delay, removeOnComplete: true, removeOnFail: 1000 })
        .catch((error: unknown) => {
          log.warn("bullmq enqueue failed; the inbox sweep will pick it up", { eventId, error: errorText(error) });
          if (fallback && delay === 0) fallback.enqueue(eventId);
        }),
    );
  };

  // The intake's new events, gathered into one job per ENQUEUE_GATHER_MS.
  let gathered: string[] = [];
  let gatherTimer: NodeJS.Timeout | null = null;
  const flushGathered = () => {
    if (gatherTimer) clearTimeout(gatherTimer);
    gatherTimer = null;
    const eventIds = gathered;
    gathered = [];
    if (eventIds.length === 0) return;
    if (!ready()) {
      if (fallback) eventIds.forEach((id) => fallback.enqueue(id));
      return;
    }
    track(
      queue.add("webhook", { eventIds }, { jobId: `${eventIds[0]}-0`, removeOnComplete: true, removeOnFail: 1000 }).catch((error: unknown) => {
        log.warn("bullmq enqueue failed; the inbox sweep will pick them up", { events: eventIds.length, error: errorText(error) });
        if (fallback) eventIds.forEach((id) => fallback.enqueue(id));
      }),
    );
  };
  const enqueueNew = (eventId: string) => {
    gathered.push(eventId);
    gatherTimer ??= setTimeout(flushGathered, ENQUEUE_GATHER_MS);
  };

  const onReady = () => {
    if (stopped) return;
    if (down) log.info("redis is back; BullMQ takes over from the in-process sweep", { queue: QUEUE });
    down = false;
    fallback?.pause();
    if (options.runWorker) {
      // Idempotent: the same scheduler, every time the connection comes (back).
      queue
        .upsertJobScheduler("sweep", { every: BULL_SWEEP_MS }, { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } })
        .catch((error: unknown) => log.warn("bullmq sweep scheduler not set yet", { error: errorText(error) }));
    }
  };
  const onDown = () => {
    if (stopped || down) return;
    down = true;
    log.warn("redis unreachable; processing events in-process from the inbox until it returns", { queue: QUEUE, fallback: Boolean(fallback) });
    fallback?.start();
  };
  connection.on("ready", onReady);
  connection.on("close", onDown);
  connection.on("end", onDown);
  connection.on("error", (error) => {
    if (!down && !stopped) log.warn("redis connection error", { error: errorText(error) });
    if (!ready()) onDown();
  });
  if (ready()) onReady();

  let worker: Worker | undefined;
  const schedule = new TaskSchedule(options.tasks ?? PERIODIC_TASKS);
  // A webhook job rings for a drain of this process: batches one at a time (the worker's
  // second slot is the sweep's; two batches of one process would only lock each other's
  // members), each with the ids of the jobs that rang plus other due events, until a batch
  // comes back less than full. A job that rings while a drain waits to start joins it, so a
  // burst of 400 jobs makes a few full batches, not 400 small ones; not full, a drain starts
  // BATCH_GAP_MS after the last ended, gathering what arrives meanwhile.
  let running: Promise<void> = Promise.resolve();
  let waiting: Promise<void> | null = null;
  const rang: string[] = [];
  let lastBatchEnd = 0;
  const drain = async () => {
    waiting = null;
    const db = getDb();
    const size = batchSizeFor(db);
    const wait = lastBatchEnd + BATCH_GAP_MS - Date.now();
    if (wait > 0 && rang.length < size) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      await drainWebhookBatches(db, {
        asked: rang,
        onOutcomes: async (outcomes) => {
          for (const [id, outcome] of outcomes) {
            if (outcome !== "retrying") continue;
            const row = await db.webhookEvent.findUnique({ where: { id }, select: { attempts: true } });
            const attempts = row?.attempts ?? 1;
            enqueue(id, attempts, retryDelayMs(attempts, RETRY.webhook));
          }
        },
      });
    } finally {
      lastBatchEnd = Date.now();
    }
  };
  const ring = (eventIds: readonly string[]): Promise<void> => {
    rang.push(...eventIds);
    if (waiting) return waiting;
    const next = running.then(drain, drain);
    waiting = next;
    running = next.catch(() => undefined);
    return next;
  };
  if (options.runWorker) {
    // One worker set per process, made once: BullMQ reconnects it when Redis returns.
    const workerConnection = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: reconnect });
    workerConnection.on("error", () => undefined); // reported once by the producer connection above
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
          // One event (a retry, a sweep's re-enqueue) or the intake's gathered ones.
          const { eventId, eventIds } = job.data as { eventId?: string; eventIds?: string[] };
          // Its events plus other due events, claimed together (docs/decisions/0030).
          await ring(eventIds ?? (eventId ? [eventId] : []));
        } finally {
          active--;
          settle();
        }
      },
      { connection: workerConnection, concurrency: PG_BATCH_CONCURRENCY + 1, prefix },
    );
    worker.on("error", (error) => {
      if (down || stopped) return;
      // A Redis that restarted without its data forgets the jobs running then; their inbox rows hold the outcome.
      if (/Missing key for job|Connection is closed|ECONNREFUSED|ECONNRESET/.test(error.message)) log.warn("bullmq worker: redis lost state or connection", { error: errorText(error) });
      else log.error("bullmq worker error", { error: errorText(error) });
    });
  }

  return {
    enqueue: enqueueNew,
    get fallingBack() {
      return fallback?.sweeping ?? false;
    },
    async idle() {
      flushGathered();
      await Promise.all([...pending]);
      // Wait until nothing is waiting in the queue or the fallback, and no job is running here.
      for (;;) {
        await fallback?.idle();
        if (!ready()) return;
        const counts = await queue.getJobCounts("waiting", "active", "prioritized").catch(() => null);
        if (!counts) return;
        if ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) === 0 && active === 0) return;
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    async stop() {
      // Gathered events are committed: added now, or found by a worker's sweep if Redis is gone.
      flushGathered();
      await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      stopped = true;
      await fallback?.stop();
      // Closing waits for running jobs; with Redis gone it could wait for the reconnection too.
      const closing = Promise.allSettled([worker?.close(), queue.close()]);
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      // BullMQ removes its connections' listeners on close, but a start still in flight (its
      // Redis version check) fails when we disconnect below and emits 'error' with no listener
      // left: an unhandled rejection. Listen once more, to nothing.
      for (const owner of [queue, worker]) silenceConnections(owner);
      worker?.disconnect().catch(() => undefined);
      connection.disconnect();
      waiters = [];
    },
  };
}

function silenceConnections(owner: object | undefined): void {
  if (!owner) return;
  const fields = owner as Record<string, { on?: (event: string, listener: () => void) => unknown } | undefined>;
  for (const key of ["connection", "blockingConnection"]) fields[key]?.on?.("error", () => undefined);
}
