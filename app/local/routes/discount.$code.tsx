import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { localCartCookie, readLocalCart } from "../local-cart.server";

// Local mode's GET /discount/<code>?redirect=<path>: the storefront's shareable discount
// link, which puts the code on the cart and goes on to `redirect` (a path on this store only).
// https://help.shopify.com/manual/discounts/discount-methods/discount-links

export const loader = ({ request, params }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const code = (params.code ?? "").trim().toUpperCase().slice(0, 64);
  const wanted = new URL(request.url).searchParams.get("redirect") ?? "/";
  const redirect = /^\/(?!\/)[^\s\\]*$/.test(wanted) ? wanted : "/";
  const cart = readLocalCart(request);
  cart.discountCode = code || null;
  return new Response(null, { status: 302, headers: { Location: redirect, "Set-Cookie": localCartCookie(cart) } });
};
