import { getEnv } from "../env.server";
import { getShopify } from "../shopify.server";

// Requests from Kanta's UI extensions (thank-you page, customer accounts) carry a session
// token Shopify signs for the app: HS256 with the app's API secret, `aud` = the API key,
// `dest` = the shop's URL, `sub` = the signed-in customer's GID (absent for a guest).
// @shopify/shopify-app-remix's authenticate.public.checkout / customerAccount verify the
// signature and its times, and answer OPTIONS (CORS preflight); they do not check the
// audience for extension tokens, so it is checked here: a token another app's secret could
// not make, but one signed for another API key is still not ours. Every refusal is a 401
// with CORS headers, so the extension can read it.
// docs/decisions/0026-points-on-the-order.md

export type ExtensionSurface = "checkout" | "customerAccount";

export interface ExtensionSession {
  /** The shop's myshopify domain (the token's `dest`). */
  shopDomain: string;
  /** The signed-in customer (gid://shopify/Customer/…), null for a guest. */
  customerGid: string | null;
  /** Adds the CORS headers the extension's origin needs. */
  cors: (response: Response) => Response;
}

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/\d{1,20}$/;

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" };

function withCors(response: Response): Response {
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  return response;
}

/** A JSON error answer an extension can read (CORS headers included). */
export function extensionError(status: number, error: string, message: string): Response {
  return withCors(new Response(JSON.stringify({ error, message }), { status, headers: JSON_HEADERS }));
}

/** A JSON answer with the request's CORS headers. */
export function extensionJson(session: Pick<ExtensionSession, "cors">, body: unknown, status = 200): Response {
  return session.cors(new Response(JSON.stringify(body), { status, headers: JSON_HEADERS }));
}

/** The token's `dest`: the shop's URL, or its bare domain (Shopify has sent both). */
function shopFromDest(dest: unknown): string | null {
  if (typeof dest !== "string" || dest === "") return null;
  try {
    const host = new URL(dest.includes("://") ? dest : `https://${dest}`).hostname.toLowerCase();
    return SHOP_HOST.test(host) ? host : null;
  } catch {
    return null;
  }
}

const unauthorized = () => extensionError(401, "unauthorized", "The session token is missing, invalid or not for this app.");

/**
 * Verifies an extension request's session token. Throws a Response: 204 for a CORS
 * preflight, 410 for a bot's user agent (the library's rule), 401 for no token, a bad signature, an expired token, another app's audience or
 * a token without a shop.
 */
export async function requireExtensionSession(request: Request, surface: ExtensionSurface): Promise<ExtensionSession> {
  const authenticate = getShopify().authenticate.public;
  let result: Awaited<ReturnType<typeof authenticate.checkout>>;
  try {
    result = surface === "checkout" ? await authenticate.checkout(request) : await authenticate.customerAccount(request);
  } catch (thrown) {
    if (thrown instanceof Response) {
      // 401: no token, or one that fails verification. Anything else (the preflight's 204,
      // the library's 410 for a bot's user agent) goes back as it is, readable cross-origin.
      if (thrown.status === 401) throw unauthorized();
      throw withCors(thrown);
    }
    throw thrown;
  }
  const { sessionToken, cors } = result;
  if (sessionToken.aud !== getEnv().SHOPIFY_API_KEY) throw unauthorized();
  const shopDomain = shopFromDest(sessionToken.dest);
  if (!shopDomain) throw unauthorized();
  const sub = typeof sessionToken.sub === "string" ? sessionToken.sub : "";
  return { shopDomain, customerGid: CUSTOMER_GID.test(sub) ? sub : null, cors: (response) => cors(response) };
}
