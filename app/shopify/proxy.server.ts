import { z } from "zod";
import { isLocalMode } from "../env.server";
import { log } from "../log.server";
import { getShopify, getShopifyApi } from "../shopify.server";
import { localAdminGraphql } from "./admin.server";
import { BodyTooLargeError, bodyTooLargeResponse, readLimitedBody } from "../http/body-limit.server";
import { BODY_LIMITS } from "../../scripts/body-limits.mjs";
import type { AdminGraphql } from "./graphql";
import { proxySignatureValid } from "./proxy-signature";

// App proxy requests: Shopify signs the query string (including logged_in_customer_id)
// with the app secret. The library checks the signature; the customer id is read only
// from that signed query, never from anything else the browser sends.
// https://shopify.dev/docs/apps/build/online-store/display-dynamic-data#calculate-a-digital-signature

export interface ProxyContext {
  shop: string;
  customerGid: string | null;
  /** Admin API for the shop (its offline session), or null if the shop has none. */
  graphql: AdminGraphql | null;
}

export const jsonHeaders = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" };

export function jsonError(status: number, error: string, message: string, extra: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ error, message, ...extra }), { status, headers: jsonHeaders });
}

export async function requireProxyContext(request: Request): Promise<ProxyContext> {
  let admin: { graphql: unknown } | undefined;
  try {
    ({ admin } = await getShopify().authenticate.public.appProxy(request));
  } catch (error) {
    // The library answers an unsigned or forged request with an empty 400; to the widget it
    // is an authentication failure, with nothing disclosed.
    if (error instanceof Response && error.status === 400) {
      throw unsigned();
    }
    throw error;
  }
  return proxyContext(request, admin ? (admin.graphql as AdminGraphql) : null, true);
}

/**
 * The signed shop and customer of a storefront read that never calls Shopify (the widget's
 * GET /customer on every signed-in page view): the library's signature check
 * (`utils.validateHmac`, as authenticate.public.appProxy makes it: the signature over the
 * query, its timestamp within 90 s) done by `proxySignatureValid` with the same rules and
 * node:crypto's HMAC (0044), without the offline session's database read and the Admin and
 * Storefront clients that appProxy builds for every request. `graphql` is null.
 */
export async function requireProxyReader(request: Request): Promise<ProxyContext> {
  const params = new URL(request.url).searchParams;
  // As the library: an empty `index` is not part of what Shopify signs.
  if (!params.get("index")) params.delete("index");
  if (!proxySignatureValid(params, getShopifyApi().config.apiSecretKey)) throw unsigned();
  return proxyContext(request, null, false);
}

function unsigned(): Response {
  return jsonError(401, "unauthorized", "This request is not signed by Shopify.");
}

/** `withAdmin`: in local mode, the emulator stands in for the shop's Admin API. */
async function proxyContext(request: Request, admin: AdminGraphql | null, withAdmin: boolean): Promise<ProxyContext> {
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  if (!shop) throw jsonError(400, "missing_shop", "The request names no shop.");
  const customerId = url.searchParams.get("logged_in_customer_id") ?? "";
  if (customerId !== "" && !/^\d+$/.test(customerId)) throw jsonError(400, "bad_customer", "Malformed customer id.");
  let graphql = admin;
  if (withAdmin && isLocalMode()) graphql = await localAdminGraphql(shop);
  return { shop, customerGid: customerId ? `gid://shopify/Customer/${customerId}` : null, graphql };
}

/**
 * A storefront POST's JSON body, at most BODY_LIMITS.proxy bytes (413 beyond, before it is
 * held); a body that is not JSON is answered 400.
 */
export async function readProxyJson(request: Request, where: { shop: string; customerGid: string | null }): Promise<unknown> {
  let text: string;
  try {
    text = await readLimitedBody(request, BODY_LIMITS.proxy);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw bodyTooLargeResponse(error.limit);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The widget's request is malformed: answered 400; nothing on our side to act on.
    log.debug("proxy body is not JSON", { ...where, error: error instanceof Error ? error.name : typeof error });
    throw jsonError(400, "bad_request", "Body must be JSON.");
  }
}

/**
 * A signed-in shopper's POST through the app proxy: signature checked, a customer required,
 * rate-limited per customer, JSON body validated. Anything else is thrown as a JSON error.
 */
export async function requireShopperPost<T extends z.ZodType>(
  request: Request,
  options: { schema: T; limiter: { hit(key: string): Promise<number> | number }; signInMessage: string },
): Promise<ProxyContext & { customerGid: string; body: z.infer<T> }> {
  if (request.method !== "POST") throw jsonError(405, "method_not_allowed", "Use POST.");
  const context = await requireProxyContext(request);
  const { shop, customerGid } = context;
  if (!customerGid) throw jsonError(401, "not_signed_in", options.signInMessage);
  const wait = await options.limiter.hit(`${shop}:${customerGid}`);
  if (wait > 0) {
    throw jsonError(429, "rate_limited", "Too many attempts. Try again in a minute.", { retryAfterSeconds: Math.ceil(wait / 1000) });
  }
  const json = await readProxyJson(request, { shop, customerGid });
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    throw jsonError(400, "bad_request", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  }
  return { ...context, customerGid, body: parsed.data };
}
