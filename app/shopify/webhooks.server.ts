import { WebhookValidationErrorReason } from "@shopify/shopify-api";
import { getShopifyApi } from "../shopify.server";

// Verifying a webhook delivery for intake, with the library's own check
// (`webhooks.validate`: the HMAC over the raw body, then the required headers) and nothing
// else. `authenticate.webhook` does the same check, then loads the shop's offline session
// (a database read, a token refresh when it is about to expire), builds an Admin client and
// parses the whole payload: intake uses none of them, and under load they were most of an
// acknowledgement's cost (issue #12). The statuses are authenticate.webhook's.
// https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify

export interface VerifiedWebhook {
  valid: true;
  shop: string;
  /** As the library stores it: orders/paid, ORDERS_PAID, … */
  topic: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt?: string;
}

export interface RejectedWebhook {
  valid: false;
  /** 405 not a POST, 401 HMAC does not match, 400 no body, no HMAC or a required header missing. */
  status: 400 | 401 | 405;
  statusText: string;
  reason: string;
}

/** Checks a delivery whose body was already read (`rawBody`, the exact text the HMAC signs). */
export async function verifyWebhook(request: Request, rawBody: string): Promise<VerifiedWebhook | RejectedWebhook> {
  if (request.method !== "POST") return { valid: false, status: 405, statusText: "Method not allowed", reason: "method" };
  // The library reads only the request's method, URL and headers here; the body is `rawBody`.
  // It gets Shopify's headers only (X-Shopify-*, and Shopify-* of event deliveries): it looks
  // each header up by canonicalising the name of every header it has, once per lookup (14 %
  // of an acknowledgement's CPU with all of them).
  const check = await getShopifyApi().webhooks.validate({ rawBody, rawRequest: withShopifyHeadersOnly(request) });
  if (!check.valid) {
    if (check.reason === WebhookValidationErrorReason.InvalidHmac) return { valid: false, status: 401, statusText: "Unauthorized", reason: check.reason };
    return { valid: false, status: 400, statusText: "Bad Request", reason: check.reason };
  }
  return {
    valid: true,
    shop: check.domain,
    topic: check.topic,
    webhookId: check.webhookId,
    apiVersion: check.apiVersion,
    ...(check.triggeredAt ? { triggeredAt: check.triggeredAt } : {}),
  };
}

/** The request's method and URL with Shopify's headers only (what webhooks.validate reads). */
function withShopifyHeadersOnly(request: Request): Request {
  const headers = new Headers();
  for (const [name, value] of request.headers) if (name.startsWith("x-shopify-") || name.startsWith("shopify-")) headers.append(name, value);
  return new Request(request.url, { method: request.method, headers });
}
