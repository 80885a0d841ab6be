import type { LoaderFunctionArgs } from "@remix-run/node";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { resolveReferralVisit } from "../loyalty/referrals/visits.server";
import { requestLocale, shopTexts } from "../loyalty/i18n/texts.server";
import { jsonError, jsonHeaders, requireProxyReader } from "../shopify/proxy.server";
import { getEnv } from "../env.server";

// GET /apps/kanta/referral?token=<visitor token>&previous=<older token> on the storefront ->
// /proxy/referral here: the widget greets a referred visitor ("Aino gave you 10% off").
// Answers {"referral": {token, active, referrer: {firstName}, offer, currencyCode, code, self}};
// never the referrer's email or last name. 404 when the token is unknown or referrals are off.

// Look-ups per visitor token per minute (KANTA_REFERRAL_RATE_LIMIT, default 30).
const limiter = new SharedRateLimiter("referral", () => getEnv().KANTA_REFERRAL_RATE_LIMIT, 60_000);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerGid } = await requireProxyReader(request);
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? "";
  const wait = await limiter.hit(`${shop}:${token}`);
  if (wait > 0) return jsonError(429, "rate_limited", "Too many attempts. Try again in a minute.", { retryAfterSeconds: Math.ceil(wait / 1000) });
  const referral = await resolveReferralVisit({ shopDomain: shop, token, previous: url.searchParams.get("previous"), viewerCustomerGid: customerGid });
  if (!referral) return jsonError(404, "not_found", "This referral link is not valid.");
  // The greeting's words come with it, in the storefront's language (0036): nothing inlined in the page.
  const { language, texts } = await shopTexts(shop, requestLocale(request));
  return new Response(JSON.stringify({ referral, language, texts }), { status: 200, headers: jsonHeaders });
};
