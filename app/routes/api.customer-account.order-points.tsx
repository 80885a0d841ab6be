import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { parseOrderGid } from "../loyalty/orders/checkout-order";
import { OrderNotYoursError, ShopNotServedError, orderStatusPoints } from "../loyalty/orders/points-on-order.server";
import { extensionError, extensionJson, requireExtensionSession } from "../shopify/extension-session.server";

// GET /api/customer-account/order-points?order=gid://shopify/Order/…: the order status
// page's block in customer accounts (extensions/kanta-order-points). Session token from
// customer accounts (401 otherwise; a token without a signed-in customer is refused too); a
// customer only ever sees their own order's points (another's: 404).
// docs/decisions/0026-points-on-the-order.md

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireExtensionSession(request, "customerAccount");
  if (!session.customerGid) return extensionError(401, "unauthorized", "Sign in to see your points.");
  const orderGid = parseOrderGid(new URL(request.url).searchParams.get("order"));
  if (!orderGid) return extensionError(400, "bad_request", "order must be an order GID (gid://shopify/Order/<number>).");
  try {
    return extensionJson(session, await orderStatusPoints(session.shopDomain, session.customerGid, orderGid));
  } catch (error) {
    if (error instanceof ShopNotServedError) return extensionError(401, "unauthorized", "Kanta does not serve this shop.");
    if (error instanceof OrderNotYoursError) return extensionError(404, "order_not_found", "No such order.");
    throw error;
  }
}

/** The CORS preflight (OPTIONS) arrives here; anything else is not allowed. */
export async function action({ request }: ActionFunctionArgs) {
  await requireExtensionSession(request, "customerAccount");
  return extensionError(405, "method_not_allowed", "GET the order's points.");
}
