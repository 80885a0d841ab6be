import type { Prisma } from "@prisma/client";
import { getDb, prismaErrorCode, type Db } from "../db.server";
import { enqueueWebhookEvent } from "../jobs/queue.server";
import { log } from "../log.server";
import { metrics } from "../metrics.server";
import { getShopify } from "../shopify.server";
import { HANDLED_TOPICS } from "./handlers";

// Webhook intake: verify (the library checks the HMAC), store durably in the inbox keyed
// by (shop, topic, X-Shopify-Event-Id), answer 200, process later from the inbox.
// https://shopify.dev/docs/apps/build/webhooks/best-practices

export async function receiveWebhook(request: Request): Promise<Response> {
  const copy = request.clone();
  let verified: { shop: string; topic: string; webhookId: string; apiVersion: string; triggeredAt?: string };
  let malformed = false;
  try {
    const context = await getShopify().authenticate.webhook(request);
    verified = context;
  } catch (error) {
    if (error instanceof Response) {
      // 401 forged/missing HMAC, 400 missing headers, 405: answered as the library says.
      log.info("webhook rejected", { status: error.status, shop: copy.headers.get("x-shopify-shop-domain"), topic: copy.headers.get("x-shopify-topic"), webhookId: copy.headers.get("x-shopify-webhook-id") });
      return error;
    }
    if (!(error instanceof SyntaxError)) throw error;
    // The HMAC was valid (the library checks it before parsing) but the body is not JSON:
    // record it as invalid, answer 200 so Shopify does not retry what can never work.
    malformed = true;
    verified = {
      shop: copy.headers.get("x-shopify-shop-domain") ?? "",
      topic: copy.headers.get("x-shopify-topic") ?? "",
      webhookId: copy.headers.get("x-shopify-webhook-id") ?? "",
      apiVersion: copy.headers.get("x-shopify-api-version") ?? "",
    };
  }
  const rawBody = await copy.text();
  const topic = normaliseTopic(verified.topic);
  const eventId = copy.headers.get("x-shopify-event-id") || verified.webhookId;
  const known = HANDLED_TOPICS.includes(topic);
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

/** Returns the new event's id, or null when this event was already stored (a duplicate). */
async function storeEvent(db: Db, event: NewEvent): Promise<string | null> {
  try {
    const row = await db.webhookEvent.create({ data: event, select: { id: true } });
    metrics().webhooksReceived.inc({ topic: event.topic });
    return row.id;
  } catch (error) {
    if (prismaErrorCode(error) === "P2002") return null;
    throw error;
  }
}
