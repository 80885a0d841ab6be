import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEnv, isLocalMode } from "../env.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { computeVisitorKey, recordReferralVisit } from "../loyalty/referrals/visits.server";
import { requireProxyContext } from "../shopify/proxy.server";

// GET /apps/kanta/r/<code> on the storefront -> /proxy/r/<code> here: a member's referral
// link. Records the visit and sends the friend to the store's home page with the visitor
// token in the address (?kanta_ref=…). The widget keeps it in a first-party cookie and in
// the cart's attributes: Shopify's app proxy drops Set-Cookie, so the server cannot.
// Unknown codes, or referrals turned off, go home with nothing recorded.
// docs/decisions/0009-referrals.md

// Visits per link per minute (KANTA_REFERRAL_VISIT_RATE_LIMIT, default 300): beyond that the
// visitor still goes home, without a recorded visit (a script cannot fill the table).
const limiter = new SharedRateLimiter("visit", () => getEnv().KANTA_REFERRAL_VISIT_RATE_LIMIT, 60_000);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, customerGid } = await requireProxyContext(request);
  const home = isLocalMode() ? "/local/storefront" : "/";
  const code = (params.code ?? "").slice(0, 32);
  const limited = (await limiter.hit(`${shop}:${code.toUpperCase()}`)) > 0;
  const userAgent = request.headers.get("user-agent");
  // One visit per visitor, link and day (docs/decisions/0013-abuse-limits.md): the visitor's
  // address as Shopify's app proxy forwards it. Without one, every visit is recorded.
  const ip = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  const visitorKey = ip ? computeVisitorKey({ secret: getEnv().SHOPIFY_API_SECRET, ip, userAgent, code: code.toUpperCase(), at: new Date() }) : null;
  const visit = limited
    ? null
    : await recordReferralVisit({ shopDomain: shop, code, visitorCustomerGid: customerGid, userAgent, visitorKey });
  const location = visit?.token ? `${home}?kanta_ref=${encodeURIComponent(visit.token)}` : home;
  return new Response(null, {
    status: 302,
    headers: { Location: location, "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" },
  });
};
