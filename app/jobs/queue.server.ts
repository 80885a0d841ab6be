import { getDb } from "../db.server";
import { getEnv } from "../env.server";
import { releaseDuePendingPoints } from "../loyalty/orders/orders.server";
import { releaseDueReferrals } from "../loyalty/referrals/completion.server";
import { referralGatewayForShop } from "../shopify/referral-contacts.server";
import { expireInactivePoints } from "../loyalty/ledger/expiry.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { appDataJobsEnabled, tickAppDataSync } from "./app-data.server";
import { recoverStalledRedemptions } from "./redemptions-job.server";
import { tickTierJobs, tierJobsEnabled } from "./tier-review.server";
import { findDueWebhookEvents, processWebhookEvent, pruneInbox } from "./webhook-job.server";

// Background work. Without REDIS_URL (the embedded default) jobs run in this process; with
// it, BullMQ queues them in Redis for worker processes (scripts/worker.mjs, or this process
// unless KANTA_WORKER=0). Either way the inbox table is the source of truth: the queue only
// says "look at event X now", and a periodic sweep finds anything a crash left behind.
// docs/decisions/0004-inbox-and-queues.md

export interface JobRunner {
  enqueue(eventId: string): void;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const SWEEP_MS = 2_000;
const RELEASE_EVERY_MS = 60_000;

class InProcessRunner implements JobRunner {
  private queue: string[] = [];
  private queued = new Set<string>();
  private running = 0;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastRelease = 0;
  private stopped = false;

  constructor(private readonly concurrency: number) {}

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
        .catch((error: unknown) => log.error("webhook worker crashed", { eventId: id, error: String(error) }))
        .finally(() => {
          this.running--;
          this.queued.delete(id);
          this.pump();
          if (this.running === 0 && this.queue.length === 0) this.waiters.splice(0).forEach((w) => w());
        });
    }
  }

  async sweep() {
    if (this.stopped) return;
    try {
      for (const id of await findDueWebhookEvents(getDb())) this.enqueue(id);
      // Tier passes and the tier sync run in the background (KANTA_TIER_JOBS=0 turns them
      // off; tests call them directly, so they are off under NODE_ENV=test unless set to 1).
      if (tierJobsEnabled()) tickTierJobs(getDb());
      // The storefront's app-data metafield (program status, widget defaults), in the
      // background every tick so a pause reaches the storefront within seconds.
      if (appDataJobsEnabled()) tickAppDataSync(getDb(), getAdminGraphqlForShop);
      if (Date.now() - this.lastRelease > RELEASE_EVERY_MS) {
        this.lastRelease = Date.now();
        await releaseDuePendingPoints(getDb());
        await pruneInbox(getDb());
        await expireInactivePoints(getDb());
        await recoverStalledRedemptions(getDb());
        // Referrals whose waiting period is over, and referrer codes Shopify could not create at once.
        await releaseDueReferrals(getDb(), { gatewayFor: referralGatewayForShop });
      }
    } catch (error) {
      log.error("job sweep failed", { error: String(error) });
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
    .catch((error: unknown) => log.error("could not enqueue webhook; the sweep will pick it up", { eventId, error: String(error) }));
}

export async function stopJobRunner(): Promise<void> {
  const runner = globalThis.kantaJobs;
  globalThis.kantaJobs = undefined;
  if (runner) await runner.stop();
}
