import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { parsePosCustomer, POS_REQUEST_ID } from "../loyalty/pos/pos";
import { PosShopNotServedError, redeemAtPos } from "../loyalty/pos/pos.server";
import { RedeemError } from "../loyalty/rewards/redemptions.server";
import { REDEEM_ERROR_STATUS } from "../loyalty/storefront/redeem.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import type { AdminGraphql } from "../shopify/graphql";
import { createRewardDiscount, deactivateDiscount } from "../shopify/discounts.server";
import { isOutcomeUnknown } from "../shopify/errors";
import { extensionError, extensionJson, readExtensionJson } from "../shopify/extension-session.server";
import { requirePosSession } from "../shopify/pos-session.server";
import { metrics } from "../metrics.server";

// POST /api/pos/redeem from the POS extension (extensions/kanta-pos): a staff member redeems
// a reward for the customer on the cart. Body: {"customer": <POS customer id or GID>,
// "rewardId": "...", "requestId": "<made on the device, reused on every retry>"}.
// The widget's path (redeemReward): the conditional debit, the request id as the
// idempotency key (a retry returns the same redemption and debits nothing more), Shopify's
// code made for that customer; the device then adds the code to the cart.
// docs/decisions/0027-pos.md

const body = z.object({
  customer: z.union([z.string().max(60), z.number()]),
  rewardId: z.string().min(1).max(100),
  requestId: z.string().regex(POS_REQUEST_ID, "requestId: 8–100 letters, digits, - or _"),
});

// The widget's statuses, but a customer who is not a member is "not found" to a till.
const STATUS: Record<string, number> = { ...REDEEM_ERROR_STATUS, not_a_member: 404 };

export const loader = () => extensionError(405, "method_not_allowed", "POST the redemption.");

export async function action({ request }: ActionFunctionArgs) {
  const session = await requirePosSession(request);
  if (request.method !== "POST") return extensionError(405, "method_not_allowed", "POST the redemption.");
  const parsed = body.safeParse(await readExtensionJson(request));
  if (!parsed.success) return extensionError(400, "bad_request", parsed.error.issues.map((i) => i.message).join("; "));
  const customerGid = parsePosCustomer(parsed.data.customer);
  if (!customerGid) return extensionError(400, "bad_request", "customer: a Shopify customer id or GID.");
  let graphql: AdminGraphql;
  try {
    graphql = await getAdminGraphqlForShop(session.shopDomain);
  } catch {
    return extensionError(503, "shop_not_connected", "Kanta cannot reach this shop's Shopify right now.");
  }
  try {
    const redemption = await redeemAtPos(
      { shopDomain: session.shopDomain, customerGid, rewardId: parsed.data.rewardId, requestId: parsed.data.requestId, staff: { id: session.staffId, name: null } },
      (spec) => createRewardDiscount(graphql, spec),
      { outcomeUnknown: isOutcomeUnknown, withdraw: (created) => deactivateDiscount(graphql, created.discountGid) },
    );
    metrics().redemptions.inc({ outcome: redemption.status });
    return extensionJson(session, { redemption }, redemption.status === "pending" ? 202 : 200);
  } catch (error) {
    if (error instanceof PosShopNotServedError) return extensionError(401, "unauthorized", "Kanta is not installed on this shop.");
    if (error instanceof RedeemError) {
      metrics().redemptions.inc({ outcome: error.code });
      return extensionError(STATUS[error.code] ?? 400, error.code, error.message, error.details);
    }
    throw error;
  }
}
