import { getShopifyApi } from "../shopify.server";
import { checkWebhookDelivery } from "./webhook-signature";

// Verifying a webhook delivery for intake: the library's own check (`webhooks.validate`: the
// HMAC over the raw body, then the required headers), done by `checkWebhookDelivery` with the
// same rules and answers and node:crypto's HMAC (0044), and nothing else. `authenticate.webhook`
// does the same check, then loads the shop's offline session (a database read, a token refresh
// when it is about to expire), builds an Admin client and parses the whole payload: intake uses
// none of them, and under load they were most of an acknowledgement's cost (issue #12). The
// statuses are authenticate.webhook's.
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
  const check = checkWebhookDelivery(request.headers, rawBody, getShopifyApi().config.apiSecretKey);
  if (!check.valid) {
    if (check.reason === "invalid_hmac") return { valid: false, status: 401, statusText: "Unauthorized", reason: check.reason };
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
