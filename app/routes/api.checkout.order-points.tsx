import type { ActionFunctionArgs } from "@remix-run/node";
import { parseCheckoutOrder } from "../loyalty/orders/checkout-order";
import { ShopNotServedError, thankYouPoints } from "../loyalty/orders/points-on-order.server";
import { extensionError, extensionJson, readExtensionJson, requireExtensionSession } from "../shopify/extension-session.server";

// POST /api/checkout/order-points: the thank-you page's block (extensions/kanta-order-points)
// asks what the order earns. Session token from the checkout (401 otherwise); the body is the
// order id and the checkout's figures (app/loyalty/orders/checkout-order.ts). A guest gets the
// invitation, a customer the estimate or, once Kanta has their order, the real figure.
// docs/decisions/0026-points-on-the-order.md

export const loader = () => extensionError(405, "method_not_allowed", "POST the order.");

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireExtensionSession(request, "checkout");
  if (request.method !== "POST") return extensionError(405, "method_not_allowed", "POST the order.");
  const parsed = parseCheckoutOrder(await readExtensionJson(request));
  if (!parsed.ok) return extensionError(400, "bad_request", parsed.message);
  try {
    return extensionJson(session, await thankYouPoints(session.shopDomain, session.customerGid, parsed.order));
  } catch (error) {
    if (error instanceof ShopNotServedError) return extensionError(401, "unauthorized", "Kanta does not serve this shop.");
    throw error;
  }
}
