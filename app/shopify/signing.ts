import { createHmac, timingSafeEqual } from "node:crypto";

// How Shopify signs what it sends: for local mode (simulated webhooks, the storefront
// preview's proxy calls) and tests, and the pieces the checks share (webhook-signature.ts,
// proxy-signature.ts and flow-action.server.ts, each held to Shopify's rules).
// Webhooks: https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
// App proxy: https://shopify.dev/docs/apps/build/online-store/display-dynamic-data#calculate-a-digital-signature

/** The base64 HMAC-SHA256 of a raw body: webhooks' and Flow actions' signature. */
export function signWebhookBody(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

/** A signature as sent against the one computed, in constant time (false for another length). */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WebhookHeadersInput {
  topic: string;
  shop: string;
  body: string;
  secret: string;
  eventId: string;
  webhookId?: string;
  apiVersion?: string;
  triggeredAt?: string;
}

export function webhookHeaders(input: WebhookHeadersInput): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": input.topic,
    "X-Shopify-Shop-Domain": input.shop,
    "X-Shopify-Hmac-Sha256": signWebhookBody(input.body, input.secret),
    "X-Shopify-Webhook-Id": input.webhookId ?? `wh-${input.eventId}`,
    "X-Shopify-Event-Id": input.eventId,
    "X-Shopify-API-Version": input.apiVersion ?? "2026-07",
    "X-Shopify-Triggered-At": input.triggeredAt ?? new Date().toISOString(),
  };
}

/** Adds timestamp and signature to app proxy query parameters, as Shopify does. */
export function signProxyQuery(params: Record<string, string>, secret: string, now = new Date()): URLSearchParams {
  const withTimestamp: Record<string, string> = { ...params, timestamp: String(Math.floor(now.getTime() / 1000)) };
  const message = Object.keys(withTimestamp)
    .sort()
    .map((key) => `${key}=${withTimestamp[key]}`)
    .join("");
  const signature = createHmac("sha256", secret).update(message, "utf8").digest("hex");
  return new URLSearchParams({ ...withTimestamp, signature });
}
