import type { Db } from "../db.server";
import { expireInactivePoints } from "../loyalty/ledger/expiry.server";
import { pruneComplianceExports } from "../loyalty/program/attention.server";
import { releaseDuePendingPoints } from "../loyalty/orders/orders.server";
import { reconcileDueShops } from "../loyalty/reconcile/reconcile.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { appDataJobsEnabled, runAppDataSync } from "./app-data.server";
import { syncDueBirthdays } from "./birthday-sync.server";
import { runDateSweeps } from "../loyalty/dates/sweeps.server";
import { errorText } from "./backoff";
import { syncDirtyPoints } from "./points-sync.server";
import { sendDueFlowOccasions } from "./flow-occasions.server";
import { sendDueKlaviyoEvents } from "./klaviyo.server";
import { enrolmentSweepRequested, runDueEnrolments } from "./enrolment.server";
import { emailJobsEnabled, runDueEmails } from "./email-job.server";
import { recoverStalledRedemptions } from "./redemptions-job.server";
import { pruneReferralVisits } from "../loyalty/referrals/visits.server";
import { runDueReferralRewards } from "./referral-rewards.server";
import { runDueSurprises } from "./surprise-job.server";
import { runDueGifts } from "./gifts.server";
import { runDueTierPasses, tierJobsEnabled, tierPassRequested } from "./tier-review.server";
import { syncDueTierChanges } from "./tier-sync.server";
import { syncDueTierDiscounts } from "./tier-discounts.server";
import { importJobsEnabled, runDueImports } from "./member-import.server";
import { findDueWebhookEvents, pruneInbox } from "./webhook-job.server";
import { runDueCatalogSyncs } from "./catalog-sync.server";

// The periodic tasks of the job sweep: ONE list, run by both runners, the in-process one
// (app/jobs/queue.server.ts, a sweep every 2 s) and BullMQ's (app/jobs/bullmq.server.ts, a
// repeatable "sweep" job every 15 s). Each sweep runs the tasks that are due, in this order;
// a task runs at most once per sweep, never twice at once in a process, and a failing task
// is logged with its name without stopping the others. Background tasks (Shopify syncs and
// tier passes, which can take long) start without holding up the sweep.
// docs/decisions/0004-inbox-and-queues.md

/** At every sweep (every 2 s in-process, every 15 s on BullMQ). */
export const EVERY_SWEEP = 0;

export interface TaskContext {
  db: Db;
  now: Date;
  /** Hands a due webhook event to the runner's queue. */
  enqueueWebhook(eventId: string): void;
}

export interface PeriodicTask {
  readonly name: string;
  /** How often it runs at most; EVERY_SWEEP for every sweep. */
  readonly everyMs: number;
  /** Started without awaiting: the sweep goes on while it runs. */
  readonly background?: boolean;
  /** Off by configuration (e.g. KANTA_TIER_JOBS=0). */
  enabled?(): boolean;
  /** Asked for before its interval is up (e.g. tier settings saved). */
  requested?(): boolean;
  run(ctx: TaskContext): Promise<unknown>;
}

export const PERIODIC_TASKS: readonly PeriodicTask[] = [
  {
    // New events, retries whose backoff is over, and leases a dead worker left.
    name: "webhook-events-due",
    everyMs: EVERY_SWEEP,
    async run(ctx) {
      for (const id of await findDueWebhookEvents(ctx.db, ctx.now)) ctx.enqueueWebhook(id);
    },
  },
  { name: "pending-points-release", everyMs: 60_000, run: (ctx) => releaseDuePendingPoints(ctx.db, { now: ctx.now }) },
  { name: "inbox-prune", everyMs: 60_000, run: (ctx) => pruneInbox(ctx.db, ctx.now) },
  // Customer data-request exports shown on Home are deleted after their 30 days.
  { name: "compliance-exports-prune", everyMs: 60 * 60_000, run: (ctx) => pruneComplianceExports(ctx.db, ctx.now) },
  { name: "points-expiry", everyMs: 60_000, run: (ctx) => expireInactivePoints(ctx.db, { now: ctx.now }) },
  // Birthdays (and their points), anniversaries, win-back and expiry reminders (0023): each shop's
  // sweeps take only what came due since the last one (indexed ranges), so every 5 minutes is cheap.
  { name: "date-occasions", everyMs: 5 * 60_000, run: (ctx) => runDateSweeps(ctx.db, { now: ctx.now }) },
  { name: "stalled-redemptions", everyMs: 60_000, run: (ctx) => recoverStalledRedemptions(ctx.db, { now: ctx.now }) },
  // Referrals whose waiting period is over, and referrer reward codes due for an attempt.
  { name: "referral-rewards-due", everyMs: 60_000, run: (ctx) => runDueReferralRewards(ctx.db, { now: ctx.now }) },
  // Surprises started in the admin: the draw, the prizes in batches, their reward codes (0037).
  { name: "surprises", everyMs: 5_000, background: true, run: (ctx) => runDueSurprises({ db: ctx.db, now: ctx.now }) },
  // Gift codes to make in Shopify, and taken-back gifts' codes to deactivate (0031).
  { name: "gifts-due", everyMs: 15_000, run: (ctx) => runDueGifts(ctx.db, { now: ctx.now }) },
  // Referral visits that never became a referral, after 60 days (docs/decisions/0013-abuse-limits.md).
  { name: "referral-visits-prune", everyMs: 3_600_000, run: (ctx) => pruneReferralVisits(ctx.db, { now: ctx.now }) },
  // Tier reviews for shops whose period ended (or whose tier settings were saved).
  { name: "tier-passes", everyMs: 15_000, background: true, enabled: tierJobsEnabled, requested: tierPassRequested, run: (ctx) => runDueTierPasses(ctx.db, ctx.now) },
  // Enrolling shops' existing customers (on install, or asked for in Settings): bulk queries, resumable (0020).
  { name: "enrolment-runs", everyMs: 10_000, background: true, requested: enrolmentSweepRequested, run: (ctx) => runDueEnrolments(ctx.db, ctx.now) },
  // Customer tags, metafield and Flow trigger of TierChange rows.
  { name: "tier-sync", everyMs: EVERY_SWEEP, background: true, enabled: tierJobsEnabled, run: (ctx) => syncDueTierChanges(ctx.db, { now: ctx.now }) },
  // Tiers' free-shipping perks as automatic discounts for the tiers' customer segments (0029).
  { name: "tier-discounts", everyMs: 5_000, background: true, enabled: tierJobsEnabled, run: (ctx) => syncDueTierDiscounts(ctx.db, { now: ctx.now }) },
  // Members' birthdays to the customer metafield, 25 customers per request (0023).
  { name: "birthday-metafields", everyMs: 60_000, background: true, enabled: appDataJobsEnabled, run: (ctx) => syncDueBirthdays(ctx.db) },
  // The storefront's app-data metafield (program status, widget defaults): every sweep, so a pause reaches shoppers within seconds.
  { name: "app-data-sync", everyMs: EVERY_SWEEP, background: true, enabled: appDataJobsEnabled, run: (ctx) => runAppDataSync(ctx.db, getAdminGraphqlForShop) },
  // Members' balances in their customer metafield ($app:kanta.points), 25 per call, paced by Shopify's cost report.
  { name: "points-metafield-sync", everyMs: 30_000, background: true, enabled: appDataJobsEnabled, run: (ctx) => syncDirtyPoints(ctx.db, getAdminGraphqlForShop, { now: ctx.now }) },
  // The catalogue (products, collections) the earning rules by product read: asked-for syncs, and a daily re-read (0033).
  { name: "catalog-sync", everyMs: 60_000, background: true, enabled: appDataJobsEnabled, run: (ctx) => runDueCatalogSyncs(ctx.db, ctx.now) },
  // Kanta's Flow triggers from the occasion outbox's `flow` channel, 50 per request.
  { name: "flow-occasions", everyMs: 5_000, background: true, enabled: appDataJobsEnabled, run: (ctx) => sendDueFlowOccasions(ctx.db, { now: ctx.now }) },
  // Occasions as Klaviyo events for shops that connected Klaviyo, paced under its limits.
  { name: "klaviyo-events", everyMs: 5_000, background: true, enabled: appDataJobsEnabled, run: (ctx) => sendDueKlaviyoEvents(ctx.db, { now: ctx.now }) },
  // Member imports: a saved mapping's check (dry run), a started import, or one a dead worker left (app/loyalty/import).
  { name: "member-imports", everyMs: 5_000, background: true, enabled: importJobsEnabled, run: (ctx) => runDueImports(ctx.db, ctx.now) },
  // Loyalty emails due (app/loyalty/notify): SMTP, retries, the shops' hourly caps.
  { name: "emails-due", everyMs: 5_000, background: true, enabled: emailJobsEnabled, run: (ctx) => runDueEmails(ctx.db, { now: ctx.now }) },
  // The nightly proof (app/loyalty/reconcile): each shop whose last run is a day old; checked hourly.
  { name: "reconcile-daily", everyMs: 60 * 60_000, background: true, enabled: () => getEnv().KANTA_RECONCILE_JOBS === "1", run: (ctx) => reconcileDueShops(ctx.db, ctx.now) },
];

export type TaskOutcome = "ran" | "started" | "failed" | "not-due" | "busy" | "off";

/** What one sweep did with each task, in the list's order. */
export interface SweepReport {
  tasks: { name: string; outcome: TaskOutcome }[];
}

/** One runner's schedule of the tasks: when each last ran, and which are running now. */
export class TaskSchedule {
  private readonly lastRun = new Map<string, number>();
  private readonly running = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(readonly tasks: readonly PeriodicTask[] = PERIODIC_TASKS) {}

  /** Runs every due task. Never throws. */
  async runDue(ctx: TaskContext): Promise<SweepReport> {
    const report: SweepReport = { tasks: [] };
    for (const task of this.tasks) report.tasks.push({ name: task.name, outcome: await this.runOne(task, ctx) });
    return report;
  }

  private async runOne(task: PeriodicTask, ctx: TaskContext): Promise<TaskOutcome> {
    try {
      if (task.enabled && !task.enabled()) return "off";
      if (this.running.has(task.name)) return "busy";
      const last = this.lastRun.get(task.name);
      const due = last === undefined || ctx.now.getTime() - last >= task.everyMs || (task.requested?.() ?? false);
      if (!due) return "not-due";
      this.lastRun.set(task.name, ctx.now.getTime());
      this.running.add(task.name);
      const run = this.execute(task, ctx);
      if (task.background) {
        this.background.add(run);
        void run.finally(() => this.background.delete(run));
        return "started";
      }
      return (await run) ? "ran" : "failed";
    } catch (error) {
      // enabled() or requested() threw: a bug in the task's definition, not worth stopping the sweep.
      log.error("periodic task failed", { task: task.name, error: errorText(error) });
      return "failed";
    }
  }

  /** Resolves true when the task succeeded; a failure is logged with the task's name. */
  private async execute(task: PeriodicTask, ctx: TaskContext): Promise<boolean> {
    try {
      await task.run(ctx);
      return true;
    } catch (error) {
      log.error("periodic task failed", { task: task.name, error: errorText(error) });
      return false;
    } finally {
      this.running.delete(task.name);
    }
  }

  /** Resolves when the background tasks started so far have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }
}
