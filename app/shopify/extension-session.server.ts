import { BODY_LIMITS } from "../../scripts/body-limits.mjs";
import { getEnv } from "../env.server";
import { BodyTooLargeError, readLimitedBody } from "../http/body-limit.server";
import { log } from "../log.server";
import { getShopify } from "../shopify.server";

// The one check of requests from Kanta's UI extensions: thank-you page (checkout), customer
// accounts and POS. Each carries a session token Shopify signs for the app: HS256 with the
// app's API secret, `aud` = the API key, `dest` = the shop (a URL or a bare domain), `sub` =
// the signed-in customer's GID (customer accounts, checkout; absent for a guest) or the
// Shopify user signed in to POS (the staff member). @shopify/shopify-app-remix's
// authenticate.public.checkout / customerAccount / pos verify the signature and its times
// and answer the CORS preflight; they do not check the audience of extension tokens
// (checkAudience: false), so it is checked here. Every refusal is JSON with CORS headers,
// so the extension can read it. docs/decisions/0025, 0026, 0027.

export type ExtensionSurface = "checkout" | "customerAccount" | "pos";

export interface ExtensionSession {
  /** The shop's myshopify domain (the token's `dest`). */
  shopDomain: string;
  /** The token's `sub` as sent ("" when absent): a customer GID, or POS's staff member. */
  sub: string;
  /** `sub` when it is a customer (gid://shopify/Customer/…), else null (a guest, or POS). */
  customerGid: string | null;
  /** Adds the CORS headers the extension's origin needs. */
  cors: (response: Response) => Response;
}

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/\d{1,20}$/;

export const EXTENSION_JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" };

function withCors(response: Response): Response {
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  return response;
}

/** A JSON error an extension can read: {error, message, ...details}, with CORS headers. */
export function extensionError(status: number, error: string, message: string, details: Record<string, unknown> = {}): Response {
  return withCors(new Response(JSON.stringify({ ...details, error, message }), { status, headers: EXTENSION_JSON_HEADERS }));
}

/** A JSON answer with the request's CORS headers. */
export function extensionJson(session: Pick<ExtensionSession, "cors">, body: unknown, status = 200): Response {
  return session.cors(new Response(JSON.stringify(body), { status, headers: EXTENSION_JSON_HEADERS }));
}

/** The token's `dest`: the shop's URL, or its bare domain (Shopify has sent both). */
export function shopFromDest(dest: unknown): string | null {
  if (typeof dest !== "string" || dest === "") return null;
  try {
    const host = new URL(dest.includes("://") ? dest : `https://${dest}`).hostname.toLowerCase();
    return SHOP_HOST.test(host) ? host : null;
  } catch {
    return null;
  }
}

const REFUSAL: Record<ExtensionSurface, string> = {
  checkout: "The session token is missing, invalid or not for this app.",
  customerAccount: "The session token is missing or not valid.",
  pos: "Kanta could not confirm this POS session. Sign in to POS again.",
};

/**
 * Verifies an extension request's session token. Throws a Response: 204 for the CORS
 * preflight (OPTIONS), 401 for no token, a bad signature, an expired or not-yet-valid token,
 * another app's audience or a token without a shop; the library's other answers (410 to a
 * bot's user agent) pass through with CORS headers.
 */
export async function requireExtensionSession(request: Request, surface: ExtensionSurface): Promise<ExtensionSession> {
  const authenticate = getShopify().authenticate.public;
  const unauthorized = () => extensionError(401, "unauthorized", REFUSAL[surface]);
  let result: Awaited<ReturnType<typeof authenticate.checkout>>;
  try {
    result = surface === "checkout" ? await authenticate.checkout(request) : surface === "pos" ? await authenticate.pos(request) : await authenticate.customerAccount(request);
  } catch (thrown) {
    if (thrown instanceof Response) {
      if (thrown.status === 401) throw unauthorized();
      throw withCors(thrown);
    }
    throw thrown;
  }
  const { sessionToken, cors } = result;
  if (sessionToken.aud !== getEnv().SHOPIFY_API_KEY) {
    log.warn("extension token for another app", { surface, aud: String(sessionToken.aud) });
    throw unauthorized();
  }
  const shopDomain = shopFromDest(sessionToken.dest);
  if (!shopDomain) throw unauthorized();
  const sub = typeof sessionToken.sub === "string" ? sessionToken.sub.slice(0, 200) : "";
  return { shopDomain, sub, customerGid: CUSTOMER_GID.test(sub) ? sub : null, cors: (response) => cors(response) };
}

/** An extension POST's JSON body, at most BODY_LIMITS.proxy bytes (the widget's limit); throws a 413 / 400 Response. */
export async function readExtensionJson(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = await readLimitedBody(request, BODY_LIMITS.proxy);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw extensionError(413, "body_too_large", `The body is larger than ${error.limit} bytes.`);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw extensionError(400, "bad_request", "The body must be JSON.");
  }
}
