import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { ReferralError, type ReferralErrorCode } from "../loyalty/referrals/settings.server";
import { claimFriendOffer } from "../loyalty/referrals/visits.server";
import { jsonError, jsonHeaders, readProxyJson, requireProxyContext } from "../shopify/proxy.server";
import { referralGateway } from "../shopify/referral-contacts.server";
import { getEnv } from "../env.server";

// POST /apps/kanta/referral/claim on the storefront -> /proxy/referral/claim here: a referred
// friend (usually a guest) gives an email and gets the welcome discount code.
// Body: {"token": "<visitor token>", "email": "..."}. Answers {"code", "offer", "currencyCode"};
// a repeated claim answers the same code.

const body = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{32}$/, "token: a visitor token"),
  email: z.string().min(3).max(254),
});

// Claims per visitor token, and per shop, per minute (KANTA_REFERRAL_CLAIM_RATE_LIMIT,
// default 10; the shop-wide limit is 30 times that).
const perVisitor = new SharedRateLimiter("claim-visitor", () => getEnv().KANTA_REFERRAL_CLAIM_RATE_LIMIT, 60_000);
const perShop = new SharedRateLimiter("claim-shop", () => 30 * getEnv().KANTA_REFERRAL_CLAIM_RATE_LIMIT, 60_000);

const STATUS: Record<ReferralErrorCode, number> = {
  not_found: 404,
  program_inactive: 409,
  invalid_email: 400,
  own_link: 409,
  already_claimed: 409,
  existing_customer: 409,
  closed: 409,
  // The shop-wide daily cap on welcome codes (docs/decisions/0013-abuse-limits.md).
  daily_cap: 429,
  shopify_failed: 502,
};

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST.");
  const { shop, customerGid, graphql } = await requireProxyContext(request);
  const json = await readProxyJson(request, { shop, customerGid });
  const parsed = body.safeParse(json);
  if (!parsed.success) return jsonError(400, "bad_request", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  const wait = Math.max(await perVisitor.hit(`${shop}:${parsed.data.token}`), await perShop.hit(shop));
  if (wait > 0) return jsonError(429, "rate_limited", "Too many attempts. Try again in a minute.", { retryAfterSeconds: Math.ceil(wait / 1000) });
  if (!graphql) return jsonError(503, "shop_not_connected", "The store's rewards are not available right now.");
  try {
    const result = await claimFriendOffer({ shopDomain: shop, token: parsed.data.token, email: parsed.data.email, viewerCustomerGid: customerGid }, referralGateway(graphql));
    return new Response(JSON.stringify(result), { status: 200, headers: jsonHeaders });
  } catch (error) {
    if (error instanceof ReferralError) return jsonError(STATUS[error.code], error.code, error.message);
    throw error;
  }
};
