import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { parsePosCustomer } from "../loyalty/pos/pos";
import { getPosMemberView, PosShopNotServedError } from "../loyalty/pos/pos.server";
import { extensionError, extensionJson } from "../shopify/extension-session.server";
import { requirePosSession } from "../shopify/pos-session.server";

// GET /api/pos/customer?customer=<POS customer id or GID>: what the POS extension
// (extensions/kanta-pos) shows of the customer on the cart or on their details: points,
// tier, the rewards a till can hand out. The session token names the shop and the staff
// member; the customer counts only as a member of that shop. docs/decisions/0027-pos.md

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requirePosSession(request);
  const customerGid = parsePosCustomer(new URL(request.url).searchParams.get("customer"));
  if (!customerGid) return extensionError(400, "bad_request", "customer: a Shopify customer id or GID.");
  try {
    return extensionJson(session, await getPosMemberView(session.shopDomain, customerGid));
  } catch (error) {
    if (error instanceof PosShopNotServedError) return extensionError(401, "unauthorized", "Kanta is not installed on this shop.");
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  await requirePosSession(request);
  return extensionError(405, "method_not_allowed", "GET the customer.");
}
