import type { ActionFunctionArgs } from "@remix-run/node";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { redeemForShopper, redeemRequestBody } from "../loyalty/storefront/redeem.server";
import { createRewardDiscount, deactivateDiscount } from "../shopify/discounts.server";
import { isOutcomeUnknown } from "../shopify/errors";
import { customerAccountError, customerAccountJsonHeaders, readCustomerAccountJson, requireCustomerAccount } from "../shopify/customer-account.server";
import { getEnv } from "../env.server";
import { metrics } from "../metrics.server";

// POST /api/customer-account/redeem from the customer-account Rewards page
// (extensions/kanta-rewards-page). Body and answers as the widget's /apps/kanta/redeem:
// app/loyalty/storefront/redeem.server.ts (one conditional debit; a retried requestId
// returns the same redemption and debits nothing more). OPTIONS: the CORS preflight.

// Shares the widget's per-customer redeem budget (KANTA_REDEEM_RATE_LIMIT a minute).
const limiter = new SharedRateLimiter("redeem", () => getEnv().KANTA_REDEEM_RATE_LIMIT, 60_000);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerGid, cors, graphql } = await requireCustomerAccount(request);
  if (request.method !== "POST") return customerAccountError(request, 405, "method_not_allowed", "Use POST.");
  const wait = await limiter.hit(`${shop}:${customerGid}`);
  if (wait > 0) return customerAccountError(request, 429, "rate_limited", "Too many attempts. Try again in a minute.", { retryAfterSeconds: Math.ceil(wait / 1000) });
  const parsed = redeemRequestBody.safeParse(await readCustomerAccountJson(request));
  if (!parsed.success) {
    return customerAccountError(request, 400, "bad_request", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  }
  const admin = await graphql();
  const answer = await redeemForShopper(
    { shopDomain: shop, customerGid, ...parsed.data },
    (spec) => createRewardDiscount(admin, spec),
    { outcomeUnknown: isOutcomeUnknown, withdraw: (created) => deactivateDiscount(admin, created.discountGid) },
  );
  metrics().redemptions.inc({ outcome: answer.outcome });
  return cors(new Response(JSON.stringify(answer.body), { status: answer.status, headers: customerAccountJsonHeaders }));
};
