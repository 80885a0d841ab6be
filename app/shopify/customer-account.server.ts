import { getEnv } from "../env.server";
import { log } from "../log.server";
import { getShopify } from "../shopify.server";
import { findShopByDomain } from "../loyalty/program/shops.server";
import { getDb } from "../db.server";
import { getAdminGraphqlForShop } from "./admin.server";
import { BodyTooLargeError, bodyTooLargeResponse, readLimitedBody } from "../http/body-limit.server";
import { BODY_LIMITS } from "../../scripts/body-limits.mjs";
import type { AdminGraphql } from "./graphql";

// Requests from Kanta's customer-account UI extensions (extensions/kanta-rewards-page,
// kanta-profile-block): `Authorization: Bearer <session token>` from shopify.sessionToken.get().
// The token is a JWT signed HS256 with the app's API secret; `dest` is the shop, `sub` the
// signed-in customer's GID (only with Level 1 protected customer data access), `aud` the API
// key. The library checks the signature and the times; it does NOT check the audience for
// extension tokens (checkAudience: false), so it is checked here. The shopper is only ever
// the token's `sub`. docs/decisions/0025-customer-account-extensions.md
// https://shopify.dev/docs/api/customer-account-ui-extensions/latest/target-apis/platform-apis/session-token-api

export interface CustomerAccountContext {
  shop: string;
  customerGid: string;
  /** Adds the CORS headers the extension's sandbox (another origin) needs. */
  cors: (response: Response) => Response;
  /** The shop's Admin API (its offline session); asked only by routes that call Shopify. */
  graphql: () => Promise<AdminGraphql>;
}

export const customerAccountJsonHeaders = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" };

/** CORS for answers built before the library's helper exists (401s): the same headers it sets. */
function withCors(request: Request, response: Response): Response {
  if (request.headers.get("Origin")) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  }
  return response;
}

export function customerAccountError(request: Request, status: number, error: string, message: string, extra: Record<string, unknown> = {}): Response {
  return withCors(request, new Response(JSON.stringify({ error, message, ...extra }), { status, headers: customerAccountJsonHeaders }));
}

const unauthorized = (request: Request, message = "The session token is missing or not valid.") => customerAccountError(request, 401, "unauthorized", message);

/** `dest` is the shop's domain (Shopify sends it with or without https://). */
export function shopFromDest(dest: unknown): string | null {
  if (typeof dest !== "string" || !dest) return null;
  try {
    const host = new URL(dest.includes("://") ? dest : `https://${dest}`).hostname.toLowerCase();
    return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host) ? host : null;
  } catch {
    return null;
  }
}

/**
 * Authenticates a customer-account extension request. Throws a Response: 204 for the CORS
 * preflight (OPTIONS), 401 for no token, a bad signature, an expired token, another app's
 * audience, a shop Kanta is not installed on, or no signed-in customer (`sub`).
 */
export async function requireCustomerAccount(request: Request): Promise<CustomerAccountContext> {
  let sessionToken: { aud?: unknown; dest?: unknown; sub?: unknown };
  let cors: (response: Response) => Response;
  try {
    ({ sessionToken, cors } = await getShopify().authenticate.public.customerAccount(request));
  } catch (error) {
    if (error instanceof Response && error.status === 401) throw unauthorized(request);
    throw error; // the OPTIONS preflight's 204 (with CORS headers), or a real failure
  }
  if (sessionToken.aud !== getEnv().SHOPIFY_API_KEY) {
    log.warn("customer-account token for another app", { aud: String(sessionToken.aud) });
    throw unauthorized(request);
  }
  const shop = shopFromDest(sessionToken.dest);
  if (!shop) throw unauthorized(request);
  const row = await findShopByDomain(getDb(), shop);
  if (!row || !row.program || row.uninstalledAt) throw unauthorized(request, "Kanta is not installed on this shop.");
  const sub = typeof sessionToken.sub === "string" ? sessionToken.sub : "";
  if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(sub)) throw customerAccountError(request, 401, "not_signed_in", "Sign in to see your rewards.");
  return { shop, customerGid: sub, cors, graphql: () => getAdminGraphqlForShop(shop) };
}

/** The JSON body of an extension's POST, at most BODY_LIMITS.proxy bytes (same limit as the widget's). */
export async function readCustomerAccountJson(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = await readLimitedBody(request, BODY_LIMITS.proxy);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw withCors(request, bodyTooLargeResponse(error.limit));
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw customerAccountError(request, 400, "bad_request", "Body must be JSON.");
  }
}
