import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { RedeemError, redeemReward } from "../loyalty/rewards/redemptions.server";
import { createRewardDiscount, deactivateDiscount } from "../shopify/discounts.server";
import { isOutcomeUnknown } from "../shopify/errors";
import { creditStoreCredit } from "../shopify/store-credit.server";
import { jsonError, jsonHeaders, requireShopperPost } from "../shopify/proxy.server";
import { getEnv } from "../env.server";
import { metrics } from "../metrics.server";

// POST /apps/kanta/redeem on the storefront -> /proxy/redeem here.
// Body: {"rewardId": "...", "requestId": "<client-generated id, reused on retry>",
// "points": <for points_to_money rewards: how many points to spend>}.

const body = z.object({
  rewardId: z.string().min(1).max(100),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "requestId: 8–100 letters, digits, - or _"),
  points: z.number().int("a whole number").positive("more than 0").max(100_000_000).optional(),
});

// Redeem attempts per customer per minute (KANTA_REDEEM_RATE_LIMIT, default 10).
const limiter = new SharedRateLimiter("redeem", () => getEnv().KANTA_REDEEM_RATE_LIMIT, 60_000);

const STATUS: Record<string, number> = {
  not_a_member: 403,
  member_excluded: 403,
  program_inactive: 409,
  reward_unavailable: 404,
  tier_required: 403,
  insufficient_points: 409,
  invalid_points: 422,
  request_conflict: 409,
  credit_in_progress: 409,
  shopify_failed: 502,
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerGid, graphql, body: parsed } = await requireShopperPost(request, {
    schema: body,
    limiter,
    signInMessage: "Sign in to redeem rewards.",
  });
  if (!graphql) return jsonError(503, "shop_not_connected", "The store's rewards are not available right now.");
  try {
    // Routes stay thin: the domain decides, the gateway talks to Shopify.
    const redemption = await redeemReward(
      { shopDomain: shop, customerGid, rewardId: parsed.rewardId, requestId: parsed.requestId, points: parsed.points },
      (spec) => createRewardDiscount(graphql, spec),
      undefined,
      // A timeout leaves the redemption pending (the sweep finishes it); a code made after the
      // sweep gave the points back is deactivated. docs/decisions/0014-faults.md
      // The online store is where store credit is spent: this surface adds it (0028).
      {
        outcomeUnknown: isOutcomeUnknown,
        withdraw: (created) => deactivateDiscount(graphql, created.discountGid),
        issueStoreCredit: (spec) => creditStoreCredit(graphql, spec),
      },
    );
    metrics().redemptions.inc({ outcome: redemption.status });
    if (redemption.status === "pending" && redemption.kind === "store_credit") {
      const message = "Your store credit is on its way: Shopify is taking longer than usual. It will show here within a few minutes; if it cannot be added, your points come back.";
      return new Response(JSON.stringify({ redemption, message }), { status: 202, headers: jsonHeaders });
    }
    if (redemption.status === "pending") {
      const message = "Your code is on its way: Shopify is taking longer than usual. It will appear here within a few minutes; if it cannot be made, your points come back.";
      return new Response(JSON.stringify({ redemption, message }), { status: 202, headers: jsonHeaders });
    }
    return new Response(JSON.stringify({ redemption }), { status: 200, headers: jsonHeaders });
  } catch (error) {
    if (error instanceof RedeemError) metrics().redemptions.inc({ outcome: error.code });
    if (error instanceof RedeemError) return jsonError(STATUS[error.code] ?? 400, error.code, error.message, error.details);
    throw error;
  }
};
