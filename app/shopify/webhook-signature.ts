import { sameSignature, signWebhookBody } from "./signing";

// A webhook delivery checked exactly as @shopify/shopify-api's `webhooks.validate` checks it,
// with node:crypto's HMAC in the request's own turn instead of WebCrypto's (an async job, its
// algorithm normalised and its key imported on every call) and header look-ups without the
// library's canonicalising of every header name per look-up: together ~30 % of an
// acknowledgement's CPU (0044). The rules, from the library (lib/webhooks/validate,
// lib/utils/hmac-validator): an event delivery (a `Shopify-Hmac-Sha256` header) reads the
// `Shopify-*` headers, any other the `X-Shopify-*` ones; an empty body is `missing_body`; no
// HMAC header `missing_hmac`; the base64 HMAC-SHA256 of the raw body not equal to it
// `invalid_hmac`; then topic, shop domain, API version and webhook id are required
// (`missing_headers`, naming them). The answer is the library's object, field for field;
// tests/unit/webhook-signature.test.ts holds it to the library's answer on generated deliveries.
// https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify

const HEADERS = {
  webhooks: {
    hmac: "X-Shopify-Hmac-Sha256",
    topic: "X-Shopify-Topic",
    domain: "X-Shopify-Shop-Domain",
    apiVersion: "X-Shopify-API-Version",
    webhookId: "X-Shopify-Webhook-Id",
    optional: { name: "X-Shopify-Name", triggeredAt: "X-Shopify-Triggered-At", eventId: "X-Shopify-Event-Id" },
  },
  events: {
    hmac: "shopify-hmac-sha256",
    topic: "shopify-topic",
    domain: "shopify-shop-domain",
    apiVersion: "shopify-api-version",
    webhookId: "shopify-webhook-id",
    optional: { handle: "shopify-handle", action: "shopify-action", triggeredAt: "shopify-triggered-at" },
  },
} as const;

export type WebhookCheck =
  | { valid: false; reason: "missing_body" | "missing_hmac" | "invalid_hmac" }
  | { valid: false; reason: "missing_headers"; missingHeaders: string[] }
  | ({
      valid: true;
      webhookType: "webhooks" | "events";
      hmac: string;
      /** As the library stores it: ORDERS_PAID. */
      topic: string;
      domain: string;
      apiVersion: string;
      webhookId: string;
    } & Partial<Record<"name" | "triggeredAt" | "eventId" | "handle" | "action", string>>);

export function checkWebhookDelivery(headers: Headers, rawBody: string, secret: string): WebhookCheck {
  const webhookType = headers.get(HEADERS.events.hmac) ? "events" : "webhooks";
  const names = HEADERS[webhookType];
  if (!rawBody.length) return { valid: false, reason: "missing_body" };
  const hmac = headers.get(names.hmac);
  if (!hmac) return { valid: false, reason: "missing_hmac" };
  if (!sameSignature(hmac, signWebhookBody(rawBody, secret))) return { valid: false, reason: "invalid_hmac" };
  const missingHeaders: string[] = [];
  const required = (name: string) => {
    const value = headers.get(name);
    if (!value) missingHeaders.push(name);
    return value ?? "";
  };
  const topic = required(names.topic);
  const domain = required(names.domain);
  const apiVersion = required(names.apiVersion);
  const webhookId = required(names.webhookId);
  if (missingHeaders.length) return { valid: false, reason: "missing_headers", missingHeaders };
  const check: WebhookCheck = { valid: true, webhookType, hmac, topic: topic.toUpperCase().replace(/\/|\./g, "_"), domain, apiVersion, webhookId };
  for (const [field, name] of Object.entries(names.optional)) {
    const value = headers.get(name);
    if (value) check[field as keyof typeof names.optional] = value;
  }
  return check;
}
