import type { ActionFunctionArgs } from "@remix-run/node";
import { retryTierDiscounts } from "../loyalty/tiers/admin.server";
import { requireAdmin } from "../shopify/admin.server";

// The Tiers page's "Retry" on a failed free-shipping discount (docs/decisions/0029-checkout-discounts.md).
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireAdmin(request);
  const count = await retryTierDiscounts(shop, undefined, new Date(), actor);
  return count > 0 ? { ok: true as const, message: "The free-shipping discount will be sent to Shopify again" } : { ok: false as const, message: "Nothing to retry" };
};
