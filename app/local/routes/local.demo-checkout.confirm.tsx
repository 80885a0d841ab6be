import type { ActionFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { confirmDemoOrder } from "../order-points-preview.server";

// POST /local/demo-checkout/confirm (local mode only): the demo checkout's order reaches
// Kanta as orders/paid would bring it (the order path's applyOrderSnapshot), then back to
// the thank-you preview, whose block now shows what the order really earned (0026).
export const action = async ({ request }: ActionFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const form = await request.formData();
  const order = String(form.get("order") ?? "");
  const customer = String(form.get("customer") ?? "");
  if (!/^\d{1,20}$/.test(order) || !/^\d{1,20}$/.test(customer)) return new Response("order and customer must be numbers", { status: 400 });
  await confirmDemoOrder(LOCAL_SHOP, order, customer);
  const back = new URLSearchParams({ target: "purchase.thank-you.block.render", customer, order, locale: String(form.get("locale") ?? "en") });
  return new Response(null, { status: 303, headers: { Location: `/local/extensions/kanta-order-points?${back.toString()}` } });
};
