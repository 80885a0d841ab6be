import type { Prisma } from "@prisma/client";
import { getDb, queryPreparedPg, type Db } from "../db.server";
import { isPostgres, rowId, Sql } from "../loyalty/sql.server";
import { enqueueWebhookEvent } from "../jobs/queue.server";
import { log } from "../log.server";
import { metrics } from "../metrics.server";
import { verifyWebhook } from "../shopify/webhooks.server";
import { HANDLED_TOPICS } from "./handlers";
import { isJsonBody } from "./json";
import { BodyTooLargeError, bodyTooLargeResponse, readLimitedBody } from "../http/body-limit.server";
import { BODY_LIMITS } from "../../scripts/body-limits.mjs";

// Webhook intake: verify (the library's rules, webhook-signature.ts), store durably in the inbox keyed
// by (shop, topic, X-Shopify-Event-Id), answer 200, process later from the inbox.
// https://shopify.dev/docs/apps/build/webhooks/best-practices

export async function receiveWebhook(incoming: Request): Promise<Response> {
  // The body is read once, and refused over the limit before it is held (a forged 150 MB
  // POST costs us nothing: it is answered 413 before its HMAC is even checked).
  let rawBody: string;
  try {
    rawBody = await readLimitedBody(incoming, BODY_LIMITS.webhook);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    log.warn("webhook body too large", { limitBytes: error.limit, shop: incoming.headers.get("x-shopify-shop-domain"), topic: incoming.headers.get("x-shopify-topic") });
    return bodyTooLargeResponse(error.limit);
  }
  // The HMAC is verified over the text read above (not authenticate.webhook: it
  // would also load the shop's session and parse the payload, app/shopify/webhooks.server.ts).
  const verified = await verifyWebhook(incoming, rawBody);
  if (!verified.valid) {
    // 401 forged HMAC, 400 no HMAC or missing headers, 405: answered as the library would.
    log.info("webhook rejected", { status: verified.status, shop: incoming.headers.get("x-shopify-shop-domain"), topic: incoming.headers.get("x-shopify-topic"), webhookId: incoming.headers.get("x-shopify-webhook-id") });
    return new Response(undefined, { status: verified.status, statusText: verified.statusText });
  }
  const topic = normaliseTopic(verified.topic);
  const eventId = incoming.headers.get("x-shopify-event-id") || verified.webhookId;
  const known = HANDLED_TOPICS.includes(topic);
  // The HMAC is valid but the body may not be JSON: recorded invalid and answered 200, so
  // Shopify does not retry what can never work.
  const malformed = !isJsonBody(rawBody, known);
  const status = malformed ? "invalid" : known ? "pending" : "ignored";
  const db = getDb();
  const id = await storeEvent(db, {
    shopDomain: verified.shop,
    topic,
    eventId,
    webhookId: verified.webhookId,
    apiVersion: verified.apiVersion,
    triggeredAt: verified.triggeredAt ? new Date(verified.triggeredAt) : null,
    payload: status === "pending" ? rawBody : "",
    status,
    lastError: malformed ? "body is not valid JSON" : known ? null : `topic ${topic} is not handled`,
  });
  if (id === null) {
    log.info("webhook duplicate", { shop: verified.shop, topic, eventId });
  } else if (status === "pending") {
    enqueueWebhookEvent(id);
  } else {
    log.warn("webhook recorded without processing", { shop: verified.shop, topic, eventId, status });
  }
  return new Response(null, { status: 200 });
}

/** Shopify sends topics as ORDERS_PAID in some places and orders/paid in others. */
export function normaliseTopic(topic: string): string {
  return topic.includes("/") ? topic.toLowerCase() : topic.toLowerCase().replace("_", "/");
}

type NewEvent = Omit<Prisma.WebhookEventCreateInput, "id">;

/**
 * Returns the new event's id, or null when this event was already stored (a duplicate). One
 * raw INSERT … ON CONFLICT DO NOTHING: every acknowledgement pays it, and through Prisma's
 * runtime a create cost more than the statement (issue #12).
 */
async function storeEvent(db: Db, event: NewEvent): Promise<string | null> {
  const now = new Date();
  const sql = new Sql(isPostgres(db), true);
  const id = rowId();
  const values = [id, event.shopDomain, event.topic, event.eventId, event.webhookId ?? null, event.apiVersion ?? null, event.triggeredAt ?? null, event.payload, event.status ?? "pending", event.lastError ?? null, now, now];
  const statement = `INSERT INTO "WebhookEvent" ("id", "shopDomain", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload", "status", "lastError", "nextAttemptAt", "receivedAt")
     VALUES (${sql.list(values)})
     ON CONFLICT ("shopDomain", "topic", "eventId") DO NOTHING
     RETURNING "id"`;
  // PostgreSQL: a prepared statement, planned once per connection.
  const rows = (await queryPreparedPg(db, statement, sql.params)) ?? (await db.$queryRawUnsafe<{ id: string }[]>(statement, ...sql.params));
  if (rows.length === 0) return null;
  metrics().webhooksReceived.inc({ topic: event.topic });
  return id;
}
