import type { ActionFunctionArgs } from "@remix-run/node";
import { requestTierPass } from "../jobs/tier-review.server";
import { TierMembershipError, parseTierMembershipForm, saveTierMembership } from "../loyalty/tiers/paid-admin.server";
import { requireAdmin } from "../shopify/admin.server";

// A paid tier (docs/decisions/0032): the membership products that buy one tier and the
// period one purchase buys. Posted from the VIP tiers page; errors come back on their field.

export type TierMembershipActionResult = { ok: true; message: string } | { ok: false; errors: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs): Promise<TierMembershipActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  try {
    const membership = parseTierMembershipForm({ paid: form.get("paid"), products: form.getAll("products").map(String).join(","), months: form.get("months"), paidOnly: form.get("paidOnly") });
    const name = await saveTierMembership(shop, String(form.get("tierId") ?? ""), membership, undefined, actor);
    // Members whose tier a paid-only change affects are placed by the tier pass, in the background.
    requestTierPass(shop);
    return { ok: true, message: membership ? `${name} is a paid tier` : `${name} is no longer a paid tier` };
  } catch (error) {
    if (error instanceof TierMembershipError) return { ok: false, errors: { [error.field]: error.message } };
    throw error;
  }
};
