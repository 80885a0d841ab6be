import type { ActionFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { log } from "../../log.server";
import { cartJson, localCartCookie, readLocalCart } from "../local-cart.server";

// Local mode's stand-in for the storefront's AJAX Cart API, POST /cart/update.js, as far as
// the widget uses it: cart attributes (the referral's kanta_ref). The cart lives in a
// cookie (../local-cart.server.ts); an order sent with `npm run simulate -- orders/paid --referral <token>` carries
// the same attribute. Not served outside local mode.
// https://shopify.dev/docs/api/ajax/reference/cart#post-locale-cart-update-js

export const action = async ({ request }: ActionFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const cart = readLocalCart(request);
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
  return new Response(cartJson(cart), { headers: { "Content-Type": "application/json; charset=utf-8", "Set-Cookie": localCartCookie(cart) } });
};

export const loader = () => new Response("Not found", { status: 404 });
