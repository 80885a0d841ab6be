import { getEnv } from "../env.server";
import { getShopify } from "../shopify.server";

// Requests from Kanta's POS extension (extensions/kanta-pos) carry the session token POS
// signs for the app: HS256 with the app's API secret, `aud` = the API key, `dest` = the
// shop's URL, `sub` = the Shopify user signed in to POS (the staff member, never the
// customer). @shopify/shopify-app-remix's authenticate.public.pos verifies the signature and
// times and answers the CORS preflight; it does not check the audience of extension tokens,
// so it is checked here. Every refusal is a 401 with CORS headers, so the extension can
// read it. docs/decisions/0027-pos.md

export interface PosSession {
  /** The shop's myshopify domain (the token's `dest`). */
  shopDomain: string;
  /** The staff member: the token's `sub` (Shopify's user id). */
  staffId: string;
  cors: (response: Response) => Response;
}

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" };

function withCors(response: Response): Response {
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  return response;
}

/** A JSON error an extension can read: {error, message, ...details}, with CORS headers. */
export function posError(status: number, error: string, message: string, details: Record<string, unknown> = {}): Response {
  return withCors(new Response(JSON.stringify({ ...details, error, message }), { status, headers: JSON_HEADERS }));
}

export function posJson(session: Pick<PosSession, "cors">, body: unknown, status = 200): Response {
  return session.cors(new Response(JSON.stringify(body), { status, headers: JSON_HEADERS }));
}

const unauthorized = () => posError(401, "unauthorized", "Kanta could not confirm this POS session. Sign in to POS again.");

/** Verifies a POS request's session token; throws a Response (204 preflight, 401 refusal). */
export async function requirePosSession(request: Request): Promise<PosSession> {
  let result: Awaited<ReturnType<ReturnType<typeof getShopify>["authenticate"]["public"]["pos"]>>;
  try {
    result = await getShopify().authenticate.public.pos(request);
  } catch (thrown) {
    if (thrown instanceof Response) {
      if (request.method === "OPTIONS" || thrown.status < 400) throw withCors(thrown);
      throw unauthorized();
    }
    throw thrown;
  }
  const { sessionToken, cors } = result;
  if (sessionToken.aud !== getEnv().SHOPIFY_API_KEY) throw unauthorized();
  let shopDomain: string;
  try {
    shopDomain = new URL(String(sessionToken.dest)).hostname;
  } catch {
    throw unauthorized();
  }
  if (!SHOP_HOST.test(shopDomain)) throw unauthorized();
  const sub = typeof sessionToken.sub === "string" ? sessionToken.sub.slice(0, 100) : "";
  if (!sub) throw unauthorized();
  return { shopDomain, staffId: sub, cors: (response) => cors(response) };
}
