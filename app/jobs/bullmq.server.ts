import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { getDb } from "../db.server";
import { releaseDuePendingPoints } from "../loyalty/orders/orders.server";
import { releaseDueReferrals } from "../loyalty/referrals/completion.server";
import { referralGatewayForShop } from "../shopify/referral-contacts.server";
import { expireInactivePoints } from "../loyalty/ledger/expiry.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { appDataJobsEnabled, tickAppDataSync } from "./app-data.server";
import type { JobRunner } from "./queue.server";
import { recoverStalledRedemptions } from "./redemptions-job.server";
import { tickTierJobs, tierJobsEnabled } from "./tier-review.server";
import { findDueWebhookEvents, processWebhookEvent, pruneInbox, retryDelayMs } from "./webhook-job.server";

// BullMQ over Redis for multi-process deployments. Jobs carry only an inbox id; the job id
// is the inbox id (plus the attempt), so BullMQ itself deduplicates. A repeatable "sweep"
// job re-enqueues due events (retries, crashed leases) and releases pending points.

const QUEUE = "kanta-webhooks";

export async function createBullRunner(url: string, options: { runWorker: boolean }): Promise<JobRunner> {
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
      .catch((error: unknown) => log.error("bullmq enqueue failed; the sweep will pick it up", { eventId, error: String(error) }));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  let worker: Worker | undefined;
  if (options.runWorker) {
    await queue.upsertJobScheduler("sweep", { every: 15_000 }, { name: "sweep" });
    worker = new Worker(
      QUEUE,
      async (job) => {
        active++;
        try {
          if (job.name === "sweep") {
            for (const id of await findDueWebhookEvents(getDb())) enqueue(id, Date.now());
            await releaseDuePendingPoints(getDb());
            await pruneInbox(getDb());
            await expireInactivePoints(getDb());
            await recoverStalledRedemptions(getDb());
            // Tier reviews and the Shopify tier sync, in the background.
            if (tierJobsEnabled()) tickTierJobs(getDb());
            // The storefront's app-data metafield (program status, widget defaults).
            if (appDataJobsEnabled()) tickAppDataSync(getDb(), getAdminGraphqlForShop);
            // Referrals whose waiting period is over, and referrer codes Shopify could not create at once.
            await releaseDueReferrals(getDb(), { gatewayFor: referralGatewayForShop });
            return;
          }
          const { eventId } = job.data as { eventId: string };
          const outcome = await processWebhookEvent(getDb(), eventId);
          if (outcome === "retrying") {
            const row = await getDb().webhookEvent.findUnique({ where: { id: eventId }, select: { attempts: true } });
            const attempts = row?.attempts ?? 1;
            enqueue(eventId, attempts, retryDelayMs(attempts));
          }
        } finally {
          active--;
          settle();
        }
      },
      { connection: connection.duplicate(), concurrency: 8, prefix },
    );
    worker.on("error", (error) => log.error("bullmq worker error", { error: String(error) }));
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
