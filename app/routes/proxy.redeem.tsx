import type { ActionFunctionArgs } from "@remix-run/node";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { redeemForShopper, redeemRequestBody } from "../loyalty/storefront/redeem.server";
import { createRewardDiscount, deactivateDiscount } from "../shopify/discounts.server";
import { isOutcomeUnknown } from "../shopify/errors";
import { jsonError, jsonHeaders, requireShopperPost } from "../shopify/proxy.server";
import { getEnv } from "../env.server";
import { metrics } from "../metrics.server";

// POST /apps/kanta/redeem on the storefront -> /proxy/redeem here.
// Body and answers: app/loyalty/storefront/redeem.server.ts (shared with the customer-account
// Rewards page's /api/customer-account/redeem).

// Redeem attempts per customer per minute (KANTA_REDEEM_RATE_LIMIT, default 10).
const limiter = new SharedRateLimiter("redeem", () => getEnv().KANTA_REDEEM_RATE_LIMIT, 60_000);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerGid, graphql, body } = await requireShopperPost(request, {
    schema: redeemRequestBody,
    limiter,
    signInMessage: "Sign in to redeem rewards.",
  });
  if (!graphql) return jsonError(503, "shop_not_connected", "The store's rewards are not available right now.");
  // Routes stay thin: the domain decides, the gateway talks to Shopify.
  const answer = await redeemForShopper(
    { shopDomain: shop, customerGid, ...body },
    (spec) => createRewardDiscount(graphql, spec),
    { outcomeUnknown: isOutcomeUnknown, withdraw: (created) => deactivateDiscount(graphql, created.discountGid) },
  );
  metrics().redemptions.inc({ outcome: answer.outcome });
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: jsonHeaders });
};
