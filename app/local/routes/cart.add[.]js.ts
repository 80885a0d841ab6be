import type { ActionFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { cartJson, demoVariant, localCartCookie, readLocalCart } from "../local-cart.server";

// Local mode's POST /cart/add.js, as the widget's gifts use it (docs/decisions/0031-gifts.md):
// `{ items: [{ id, quantity }] }` with demo variants' numeric ids; an unknown variant is
// refused 404 as Shopify's Cart API refuses it. Not served outside local mode.
// https://shopify.dev/docs/api/ajax/reference/cart#post-locale-cart-add-js

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });

export const action = async ({ request }: ActionFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  let items: { id?: unknown; quantity?: unknown }[] = [];
  try {
    const body = (await request.json()) as { items?: unknown; id?: unknown; quantity?: unknown };
    items = Array.isArray(body.items) ? (body.items as typeof items) : [{ id: body.id, quantity: body.quantity }];
  } catch {
    return json({ status: 400, message: "Bad request", description: "Body is not JSON" }, 400);
  }
  const cart = readLocalCart(request);
  for (const item of items) {
    const id = String(item.id ?? "");
    const quantity = Number(item.quantity ?? 1);
    if (!/^\d{1,20}$/.test(id) || !demoVariant(id)) return json({ status: 404, message: "Cart Error", description: "Cannot find variant" }, 404);
    if (!Number.isInteger(quantity) || quantity < 1) return json({ status: 422, message: "Cart Error", description: "Quantity must be at least 1" }, 422);
    const line = cart.items.find((i) => i.id === id);
    if (line) line.quantity += quantity;
    else cart.items.push({ id, quantity });
  }
  return json(cartJson(cart), 200, { "Set-Cookie": localCartCookie(cart) });
};

export const loader = () => new Response("Not found", { status: 404 });
