import { createHmac, randomUUID } from "node:crypto";

// Session tokens as Shopify signs them for UI extensions (checkout, customer accounts, POS):
// a JWT, HS256 with the app's API secret, `aud` = the app's API key, `dest` = the shop's URL,
// `sub` = the signed-in customer's GID (absent for a guest). Times in seconds.
// https://shopify.dev/docs/api/checkout-ui-extensions/latest/apis/session-token

export const TEST_API_KEY = "kanta-test-key";
export const TEST_API_SECRET = "kanta-test-secret";

export interface TokenClaims {
  shop: string;
  sub?: string | null;
  aud?: string;
  secret?: string;
  /** The `dest` claim as sent; default `https://<shop>`. */
  dest?: string;
  /** Seconds from now until it expires (negative: already expired). Default 60. */
  expiresIn?: number;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

export function signExtensionToken(claims: TokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: `https://${claims.shop}/admin`,
    dest: claims.dest ?? `https://${claims.shop}`,
    aud: claims.aud ?? TEST_API_KEY,
    exp: now + (claims.expiresIn ?? 60),
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    ...(claims.sub ? { sub: claims.sub } : {}),
  };
  const head = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", claims.secret ?? TEST_API_SECRET).update(head).digest("base64url");
  return `${head}.${signature}`;
}

export type Route = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response;

/** Calls a route's loader or action as Remix does; a thrown Response (401, the preflight) is the answer. */
export async function callRoute(route: Route, request: Request): Promise<Response> {
  try {
    return await route({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
