import { PREPARED, yieldToEventLoop, type Db, type Tx } from "../db.server";
import { log } from "../log.server";
import { metrics } from "../metrics.server";
import { flushBatchScope, openBatchScope } from "../loyalty/batch-scope.server";
import { isFriendCode } from "../loyalty/referrals/codes";
import { isPostgres, toPgArrayElement } from "../loyalty/sql.server";
import { isRetryable } from "../loyalty/tx.server";
import { HANDLERS } from "../webhooks/handlers";
import { toOrderSnapshot } from "../webhooks/payloads";
import type { OrderSnapshot } from "../loyalty/orders/order-points";
import { mayBePlainOrder, settlePlainOrders, type PlainOrder } from "../loyalty/orders/plain-orders.server";
import { requireShopConfig, type ShopConfig } from "../loyalty/program/shop-config.server";
import { errorText } from "./backoff";
import { claimWebhookEvents, type BatchOptions } from "./webhook-claim.server";
import { parseEventPayload, runClaimedEvent, type ClaimedEvent, type ProcessOutcome } from "./webhook-job.server";

// The batch path of the inbox (docs/decisions/0030-batched-accrual.md). A worker claims
// many due events at once (PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers take
// disjoint sets; SQLite: the one writer), then applies runs of consecutive order and refund
// events in ONE transaction, in arrival order, through the same handlers and domain code as
// the per-event path (app/jobs/webhook-job.server.ts): the handlers' own transactions join
// the batch's (app/loyalty/tx.server.ts inTransaction), so every side effect (occasions,
// analytics facts, tier moves, referrals on refunds, redemptions used, pending release) is
// the one code path's. The events' `done` status is written in the same transaction.
//
// A failure fails the whole batch transaction (nothing of it is kept); the events before
// the one that failed are run again as a batch, the failing event alone through the
// per-event path (which retries write conflicts and records `invalid`, `retrying` or
// `dead` exactly as today), then the events after it as a batch. So a poison event fails
// alone, and events of one order or member keep their order.
//
// Not batched (run alone, in their place in the order): topics other than orders/* and
// refunds/create (customers, compliance, app/*), orders carrying referral facts (attaching
// a referral may ask Shopify for the customer's contacts: no call to Shopify inside the
// batch's transaction), and bodies that are not JSON (recorded `invalid` by that path).
// Referrer reward codes a refund's referral creates are issued after the commit.

/**
 * Events claimed per batch on PostgreSQL. Plain orders are settled as a set (0038), so a
 * bigger batch shares its reads and writes among more orders: with the next batch claimed
 * ahead (0045), 500 drained 2,139-2,251 orders/s against 1,914-2,023 for 250 on the 2-core
 * machine. A batch of order-path events (refunds, replays; ~10-20 ms each) still ends well
 * inside the transaction's timeout.
 */
export const BATCH_SIZE = 500;

/**
 * On SQLite a batch holds the one writer, and acknowledgements (inbox inserts) wait behind
 * it: smaller batches let them in between (the replay storm's senders saw connections reset
 * behind batches of 100 on a loaded machine, when every order went the order path). Plain
 * orders now cost ~1/10 of that each (0038), and with tier moves inside the set and raw
 * multi-row INSERTs (0042) a batch of 100 plain orders holds the writer ~110 ms: the
 * drain's rate of 250 (887/s against 864 and 676 for 50), half the wait for acks.
 */
export const SQLITE_BATCH_SIZE = 100;

export function batchSizeFor(db: Db): number {
  return isPostgres(db) ? BATCH_SIZE : SQLITE_BATCH_SIZE;
}

/**
 * Batches one process runs at once on PostgreSQL (SQLite: 1, its one writer). Batches of
 * one shop meet on the same rows (its analytics day, its members), so two in parallel
 * mostly wait on each other's locks or deadlock (the replay storm timed out with 2); more
 * worker processes share the inbox instead, and SKIP LOCKED keeps their claims apart.
 */
export const PG_BATCH_CONCURRENCY = 1;

const BATCH_TOPICS = new Set(["orders/paid", "orders/updated", "orders/cancelled", "refunds/create"]);

interface Prepared {
  event: ClaimedEvent;
  payload: unknown;
  /** An order event's snapshot (read once here; the handler reads its own). */
  snapshot?: OrderSnapshot;
}

/** The event's parsed body when the batch can take it, else null (it runs alone). */
function prepare(event: ClaimedEvent): Prepared | null {
  if (!BATCH_TOPICS.has(event.topic)) return null;
  let payload: unknown;
  try {
    payload = parseEventPayload(event);
  } catch {
    return null;
  }
  if (event.topic.startsWith("orders/")) {
    try {
      const snapshot = toOrderSnapshot(payload);
      if (snapshot.referral?.visitorToken || snapshot.discountCodes.some(isFriendCode)) return null;
      return { event, payload, snapshot };
    } catch {
      return null; // a payload error: the per-event path records it `invalid`
    }
  }
  return { event, payload };
}

/** A claimed batch with its events' bodies parsed: what applyWebhookBatch applies. */
export interface ClaimedBatch {
  /** The events asked for by id (each "skipped" unless claimed). */
  ids: readonly string[];
  /** The claimed events in arrival order, each with its parsed body when the batch can take it (else null: it runs alone). */
  events: { event: ClaimedEvent; prepared: Prepared | null }[];
}

/** Events parsed between turns of the event loop (a batch's 500 take ~35-40 ms): a batch applied meanwhile is not held up. */
const PREPARE_SLICE = 25;

/**
 * Claims due events (claimWebhookEvents) and parses their bodies. `yieldBetween`: the parsing
 * gives the event loop a turn every PREPARE_SLICE events (a batch claimed ahead, while
 * another is applied).
 */
export async function claimWebhookBatch(db: Db, options: BatchOptions & { now: Date }, yieldBetween = false): Promise<ClaimedBatch> {
  const claimed = await claimWebhookEvents(db, options);
  const events: ClaimedBatch["events"] = [];
  for (let i = 0; i < claimed.length; i++) {
    if (yieldBetween && i > 0 && i % PREPARE_SLICE === 0) await yieldToEventLoop();
    events.push({ event: claimed[i]!, prepared: prepare(claimed[i]!) });
  }
  return { ids: options.ids ?? [], events };
}

/**
 * Processes a claimed batch: runs of batchable events in one transaction each, the others
 * alone. Returns each claimed or asked-for event's outcome ("skipped": not due, or another
 * worker has it).
 */
export async function applyWebhookBatch(db: Db, batch: ClaimedBatch, now: Date): Promise<Map<string, ProcessOutcome>> {
  const outcomes = new Map<string, ProcessOutcome>();
  for (const id of batch.ids) outcomes.set(id, "skipped");
  let run: Prepared[] = [];
  for (const { event, prepared } of batch.events) {
    if (prepared) {
      run.push(prepared);
      continue;
    }
    await runBatch(db, run, now, outcomes);
    run = [];
    outcomes.set(event.id, await runClaimedEvent(db, event, now));
  }
  await runBatch(db, run, now, outcomes);
  return outcomes;
}

/** Claims due events (see claimWebhookEvents) and processes them (applyWebhookBatch). */
export async function processWebhookBatch(db: Db, options: BatchOptions = {}): Promise<Map<string, ProcessOutcome>> {
  const now = options.now ?? new Date();
  return applyWebhookBatch(db, await claimWebhookBatch(db, { ...options, now }), now);
}

export interface DrainOptions {
  /** Ids waiting to be asked for (events a queue rang for): each batch takes up to its size, and the caller may push more meanwhile. */
  asked?: string[];
  /** Each batch's outcomes, before the next is applied. */
  onOutcomes?: (outcomes: Map<string, ProcessOutcome>) => Promise<void> | void;
  /** Events per batch: batchSizeFor(db) unless a test asks for fewer. */
  size?: number;
  /** The time batches are claimed and applied at: the clock's unless a test gives one. */
  now?: Date;
}

/**
 * Batches one after another until one comes back less than full and nothing more was asked
 * for. On PostgreSQL, while a batch is applied (its transaction mostly waits on the
 * database), the next is claimed and parsed (0045): claiming and parsing, a fifth of a
 * batch's time, no longer add to it. The batch claimed ahead is applied after the one before
 * it commits, so events keep their order. If applying throws, the batch claimed ahead is
 * left to its lease, as after a crash, and the error (of applying, or of `onOutcomes`) goes to
 * the caller. Returns how many events were claimed.
 */
export async function drainWebhookBatches(db: Db, options: DrainOptions = {}): Promise<number> {
  const size = options.size ?? batchSizeFor(db);
  const asked = options.asked ?? [];
  const now = () => options.now ?? new Date();
  const claim = (yieldBetween: boolean) => {
    const ids = asked.splice(0, size);
    const claiming = claimWebhookBatch(db, { ids, fill: size - ids.length, now: now() }, yieldBetween);
    // A claim ahead that fails while a batch is applied is awaited (and thrown) only after it:
    // handled now, so the process does not take it for an unhandled rejection meanwhile.
    claiming.catch(() => undefined);
    return claiming;
  };
  const more = (batch: ClaimedBatch) => new Set([...batch.ids, ...batch.events.map((e) => e.event.id)]).size >= size || asked.length > 0;
  const ahead = isPostgres(db);
  let claimed = 0;
  let next: Promise<ClaimedBatch> | null = claim(false);
  while (next) {
    const batch: ClaimedBatch = await next;
    next = ahead && more(batch) ? claim(true) : null;
    try {
      const outcomes = await applyWebhookBatch(db, batch, now());
      claimed += batch.events.length;
      await options.onOutcomes?.(outcomes);
    } catch (error) {
      await next?.catch(() => undefined);
      throw error;
    }
    if (!next && more(batch)) next = claim(false);
  }
  return claimed;
}

/** The event's shop, or null when it has none (its handler then fails it alone, as the per-event path does). */
async function loadShop(tx: Tx, shopDomain: string, index: number): Promise<ShopConfig | null> {
  try {
    return await requireShopConfig(tx, shopDomain);
  } catch (error) {
    if (isRetryable(error)) throw new BatchEventFailed(index, error);
    return null;
  }
}

/** The batch's events done, their payloads dropped: on PostgreSQL one prepared statement. */
async function markDone(tx: Tx, ids: string[]): Promise<void> {
  if (isPostgres(tx)) {
    await tx.$executeRawUnsafe(
      `${PREPARED}UPDATE "WebhookEvent" SET "status" = 'done', "processedAt" = $2::timestamp, "payload" = '', "lastError" = NULL WHERE "id" = ANY($1::text[])`,
      ids,
      toPgArrayElement(new Date()),
    );
    return;
  }
  await tx.webhookEvent.updateMany({ where: { id: { in: ids } }, data: { status: "done", processedAt: new Date(), payload: "", lastError: null } });
}

/** Sentinel: which event of the batch failed it. */
class BatchEventFailed extends Error {
  override name = "BatchEventFailed";
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super(`batch event ${index} failed: ${errorText(error)}`);
  }
}

/** Times a batch that lost to a concurrent writer (deadlock, conflict) is run again whole before it is split. */
const BATCH_ATTEMPTS = 4;

async function runBatch(db: Db, run: readonly Prepared[], now: Date, outcomes: Map<string, ProcessOutcome>, attempt = 1): Promise<void> {
  if (run.length === 0) return;
  const effects: ((db: Db) => Promise<unknown>)[] = [];
  let settledAsSet = 0;
  try {
    await db.$transaction(
      async (tx) => {
        // Settings read once and the analytics rollup written once for the whole batch (0038).
        openBatchScope(tx);
        // Plain orders (0038) gather into a run settled as a set; any other event first
        // settles the run before it, then goes through its handler, so order is kept.
        let plain: { index: number; shop: ShopConfig; order: PlainOrder }[] = [];
        settledAsSet = 0;
        const settlePlain = async () => {
          while (plain.length > 0) {
            const first = plain[0]!;
            let result: { settled: number; orderPath: boolean };
            try {
              result = await settlePlainOrders(tx, first.shop, plain.map((p) => p.order), now);
            } catch (error) {
              throw new BatchEventFailed(first.index, error);
            }
            settledAsSet += result.settled;
            let next = result.settled;
            if (next < plain.length && result.orderPath) await runHandler(plain[next++]!.index);
            plain = plain.slice(next);
          }
        };
        const runHandler = async (i: number) => {
          const { event, payload } = run[i]!;
          try {
            await HANDLERS[event.topic]!({ db: tx as Db, shopDomain: event.shopDomain, topic: event.topic, payload, now, afterCommit: effects });
          } catch (error) {
            throw new BatchEventFailed(i, error);
          }
        };
        for (let i = 0; i < run.length; i++) {
          const { event, snapshot } = run[i]!;
          const order = snapshot && event.topic !== "orders/cancelled" ? { snapshot, paidSignal: event.topic === "orders/paid" } : null;
          const shop = order ? await loadShop(tx, event.shopDomain, i) : null;
          if (order && shop && mayBePlainOrder(shop, order)) {
            if (plain.length > 0 && plain[0]!.shop.id !== shop.id) await settlePlain();
            plain.push({ index: i, shop, order });
            continue;
          }
          await settlePlain();
          await runHandler(i);
        }
        await settlePlain();
        await flushBatchScope(tx);
        // The payload holds customer data; once applied, Kanta keeps only the ledger.
        await markDone(tx, run.map((p) => p.event.id));
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    if (!(error instanceof BatchEventFailed)) {
      // The commit itself (or the status write) failed: each event alone, as the per-event path would.
      log.warn("webhook batch failed; processing its events one by one", { events: run.length, error: errorText(error) });
      for (const { event } of run) outcomes.set(event.id, await runClaimedEvent(db, event, now));
      return;
    }
    if (isRetryable(error.error)) {
      if (attempt < BATCH_ATTEMPTS) {
        // A concurrent writer (another batch, a redemption) got there first: the whole batch again.
        await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** attempt) * (0.5 + Math.random())));
        return runBatch(db, run, now, outcomes, attempt + 1);
      }
      // Contended again and again: each event alone, in order, in small transactions.
      log.warn("webhook batch kept conflicting; processing its events one by one", { events: run.length, error: errorText(error.error) });
      for (const { event } of run) outcomes.set(event.id, await runClaimedEvent(db, event, now));
      return;
    }
    log.debug("webhook batch event failed; it runs alone", { events: run.length, index: error.index, error: errorText(error.error) });
    await runBatch(db, run.slice(0, error.index), now, outcomes);
    const failed = run[error.index]!.event;
    outcomes.set(failed.id, await runClaimedEvent(db, failed, now));
    await runBatch(db, run.slice(error.index + 1), now, outcomes);
    return;
  }
  for (const { event } of run) outcomes.set(event.id, "done");
  metrics().webhooksProcessed.inc({ outcome: "done" }, run.length);
  if (settledAsSet > 0) metrics().ordersSettledAsSet.inc(settledAsSet);
  for (const effect of effects) {
    try {
      await effect(db);
    } catch (error) {
      log.error("webhook batch after-commit work failed; the sweep retries it", { error: errorText(error) });
    }
  }
}
