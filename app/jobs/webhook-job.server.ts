import { prismaErrorCode, type Db } from "../db.server";
import { IdempotencyConflictError } from "../loyalty/ledger/entries";
import { MoneyError } from "../loyalty/ledger/money";
import { UnknownShopError } from "../loyalty/program/shops.server";
import { log } from "../log.server";
import { metrics } from "../metrics.server";
import { HANDLERS } from "../webhooks/handlers";
import { parseShopifyJson } from "../webhooks/json";
import { PayloadError } from "../webhooks/payloads";
import { RETRY, afterFailure, leaseUntil } from "./backoff";

// Processing one inbox event. Permanent failures (a payload that can never be processed,
// an unknown shop) are recorded as `invalid`; anything else is retried with the outboxes'
// backoff (app/jobs/backoff.ts: 1 s, 4 s, 16 s, … capped at 1 h) and, after
// MAX_ATTEMPTS, parked as `dead` — visible in the admin, never dropped. A claimed event
// whose worker died is picked up again after the lease (LEASE_MS).

export const MAX_ATTEMPTS = RETRY.webhook.maxAttempts;

export type ProcessOutcome = "done" | "invalid" | "retrying" | "dead" | "skipped";

export async function processWebhookEvent(db: Db, id: string, now = new Date()): Promise<ProcessOutcome> {
  // Claim: only one worker at a time, and only when due. The lease survives a crash.
  let event;
  try {
    event = await db.webhookEvent.update({
      where: { id, status: { in: ["pending", "retrying", "processing"] }, nextAttemptAt: { lte: now } },
      data: { status: "processing", nextAttemptAt: leaseUntil(now), attempts: { increment: 1 } },
    });
  } catch (error) {
    if (prismaErrorCode(error) === "P2025") return "skipped"; // not due, or another worker has it
    throw error;
  }
  return runClaimedEvent(db, event, now);
}

/** An inbox row as a claim returns it (status `processing`, attempts already counted). */
export interface ClaimedEvent {
  id: string;
  shopDomain: string;
  topic: string;
  webhookId: string | null;
  eventId: string;
  payload: string;
  attempts: number;
}

/** Parses a claimed event's body; a body that is not JSON is permanent (PayloadError). */
export function parseEventPayload(event: ClaimedEvent): unknown {
  try {
    return parseShopifyJson(event.payload);
  } catch (error) {
    // Permanent: the event becomes `invalid`. Not with the parser's message: it quotes the body (customer data).
    log.debug("webhook body is not JSON", { shop: event.shopDomain, topic: event.topic, eventId: event.eventId, parserError: error instanceof Error ? error.name : typeof error });
    throw new PayloadError("body is not valid JSON");
  }
}

/**
 * Processes one event this worker has claimed, alone, in its own transaction(s), and
 * stores the outcome: the per-event path (and the batch path's fallback for an event that
 * failed its batch, or a topic the batch does not take: app/jobs/webhook-batch.server.ts).
 */
export async function runClaimedEvent(db: Db, event: ClaimedEvent, now: Date): Promise<ProcessOutcome> {
  const id = event.id;
  try {
    const handler = HANDLERS[event.topic];
    if (!handler) throw new PayloadError(`no handler for ${event.topic}`);
    const payload = parseEventPayload(event);
    await handler({ db, shopDomain: event.shopDomain, topic: event.topic, payload, now });
    await untilStored(() =>
      db.webhookEvent.updateMany({
        where: { id },
        // The payload holds customer data; once applied, Kanta keeps only the ledger.
        data: { status: "done", processedAt: new Date(), payload: "", lastError: null },
      }),
    );
    metrics().webhooksProcessed.inc({ outcome: "done" });
    return "done";
  } catch (error) {
    return storeFailure(db, event, error, now);
  }
}

/** Records a failed attempt: `invalid` (permanent), else `retrying` with backoff or `dead`. */
export async function storeFailure(db: Db, event: ClaimedEvent, error: unknown, now: Date): Promise<ProcessOutcome> {
  const id = event.id;
  const fields = { shop: event.shopDomain, topic: event.topic, webhookId: event.webhookId, eventId: event.eventId };
  if (isPermanent(error)) {
    const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
    log.warn("webhook invalid", { ...fields, error: message });
    await db.webhookEvent.updateMany({
      where: { id },
      // The payload can never be processed; keep the reason, not the customer data.
      data: { status: "invalid", processedAt: new Date(), payload: "", lastError: message },
    });
    metrics().webhooksProcessed.inc({ outcome: "invalid" });
    return "invalid";
  }
  const verdict = afterFailure({ error, attempts: event.attempts, now, policy: RETRY.webhook });
  const dead = verdict.status === "dead";
  log.error(dead ? "webhook dead" : "webhook failed, will retry", { ...fields, attempt: event.attempts, error: verdict.error });
  // The database may be what failed: the outcome is written once it is back (within
  // STORE_RETRY_MS), so the event is retried after its backoff, not after the lease.
  await untilStored(() =>
    db.webhookEvent.updateMany({
      where: { id, status: "processing", attempts: event.attempts },
      data:
        verdict.status === "dead"
          ? { status: "dead", lastError: verdict.error }
          : { status: "retrying", lastError: verdict.error, nextAttemptAt: verdict.nextAttemptAt },
    }),
  );
  (dead ? metrics().webhooksDead : metrics().webhooksRetried).inc();
  return dead ? "dead" : "retrying";
}

/** How long an attempt's outcome is retried while the database is away; after that the lease brings the event back. */
export const STORE_RETRY_MS = 30_000;

/**
 * Writes an attempt's outcome, again and again while the database is unreachable (a
 * restart, dropped connections): each write is idempotent (updateMany on the row).
 * docs/decisions/0014-faults.md
 */
export async function untilStored<T>(write: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() - started + wait > STORE_RETRY_MS) throw error;
      log.warn("could not store a webhook attempt's outcome; trying again", { error: error instanceof Error ? error.message : String(error), waitMs: wait });
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export function isPermanent(error: unknown): boolean {
  return (
    error instanceof PayloadError ||
    error instanceof UnknownShopError ||
    error instanceof MoneyError ||
    error instanceof IdempotencyConflictError
  );
}

/** Ids of events due for (re)processing: new, retry due, or a lease that expired. */
export async function findDueWebhookEvents(db: Db, now = new Date(), limit = 200): Promise<string[]> {
  const rows = await db.webhookEvent.findMany({
    where: { status: { in: ["pending", "retrying", "processing"] }, nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    select: { id: true },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/** Puts a dead event back in line (from the admin, after fixing the cause). */
export async function retryDeadWebhookEvent(db: Db, id: string): Promise<boolean> {
  const r = await db.webhookEvent.updateMany({
    where: { id, status: "dead" },
    data: { status: "retrying", attempts: 0, nextAttemptAt: new Date() },
  });
  return r.count === 1;
}

/**
 * Inbox rows are kept this long after processing (to recognise late duplicates), then
 * deleted. Dead events too: they show on Home to be retried for this long, then go with
 * the customer data in their payload.
 */
export const INBOX_RETENTION_DAYS = 30;

export async function pruneInbox(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - INBOX_RETENTION_DAYS * 86_400_000);
  const r = await db.webhookEvent.deleteMany({
    where: { status: { in: ["done", "invalid", "ignored", "dead"] }, receivedAt: { lt: before } },
  });
  return r.count;
}
