import type { ActionFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { log } from "../../log.server";

// Local mode's stand-in for the storefront's AJAX Cart API, POST /cart/update.js, as far as
// the widget uses it: cart attributes (the referral's kanta_ref). The cart lives in a
// cookie; an order sent with `npm run simulate -- orders/paid --referral <token>` carries
// the same attribute. Not served outside local mode.
// https://shopify.dev/docs/api/ajax/reference/cart#post-locale-cart-update-js

const LOCAL_CART_COOKIE = "kanta_local_cart";

function readCart(request: Request): { attributes: Record<string, string> } {
  const raw = new RegExp(`${LOCAL_CART_COOKIE}=([^;]*)`).exec(request.headers.get("cookie") ?? "")?.[1];
  if (!raw) return { attributes: {} };
  try {
    const parsed = JSON.parse(decodeURIComponent(raw)) as { attributes?: Record<string, string> };
    return { attributes: parsed.attributes ?? {} };
  } catch (error) {
    // A malformed cookie (edited by hand, or from an older build) is an empty cart, as the storefront would start one.
    log.debug("local cart cookie ignored", { error: error instanceof Error ? error.name : typeof error });
    return { attributes: {} };
  }
}

export const action = async ({ request }: ActionFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const cart = readCart(request);
  let body: { attributes?: Record<string, unknown> } = {};
  try {
    body = (await request.json()) as typeof body;
  } catch (error) {
    // The caller's request is malformed: answered 400, as Shopify's Cart API does.
    log.debug("local cart update body is not JSON", { error: error instanceof Error ? error.name : typeof error });
    return new Response(JSON.stringify({ status: 400, message: "Bad request" }), { status: 400, headers: { "Content-Type": "application/json" } });
  }
  for (const [name, value] of Object.entries(body.attributes ?? {})) {
    if (value === null || value === "") delete cart.attributes[name];
    else cart.attributes[name] = String(value).slice(0, 255);
  }
  const json = JSON.stringify({ token: "local-cart", item_count: 0, items: [], attributes: cart.attributes });
  return new Response(json, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Set-Cookie": `${LOCAL_CART_COOKIE}=${encodeURIComponent(JSON.stringify({ attributes: cart.attributes }))}; Path=/; SameSite=Lax; Max-Age=1209600`,
    },
  });
};

export const loader = () => new Response("Not found", { status: 404 });
