import type { LoaderFunctionArgs } from "@remix-run/node";
import { ProgramNotFoundError, getCustomerView } from "../loyalty/storefront/customer-view.server";
import { markWidgetSeen } from "../loyalty/program/overview.server";
import { jsonError, jsonHeaders, requireProxyReader } from "../shopify/proxy.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { getEnv } from "../env.server";
import { requestLocale } from "../loyalty/i18n/texts.server";

// GET /apps/kanta/customer on the storefront -> /proxy/customer here.

// Reads per signed-in customer (or per shop's guests) per minute (KANTA_CUSTOMER_RATE_LIMIT,
// default 60): each read is several queries, so a script cannot make it a load test.
const limiter = new SharedRateLimiter("customer", () => getEnv().KANTA_CUSTOMER_RATE_LIMIT, 60_000);
const GUEST_LIMIT_FACTOR = 100;
const guestLimiter = new SharedRateLimiter("customer-guest", () => GUEST_LIMIT_FACTOR * getEnv().KANTA_CUSTOMER_RATE_LIMIT, 60_000);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerGid } = await requireProxyReader(request);
  const wait = customerGid ? await limiter.hit(`${shop}:${customerGid}`) : await guestLimiter.hit(shop);
  if (wait > 0) return jsonError(429, "rate_limited", "Too many requests. Try again in a minute.", { retryAfterSeconds: Math.ceil(wait / 1000) });
  // The widget is on in the theme: the Home setup guide's step is done (written once).
  await markWidgetSeen(shop);
  try {
    // The widget sends the storefront's locale (request.locale.iso_code): the panel's texts and
    // the names come in its language (0036); without it, the shopper's browser language. It
    // sends the version of the texts it holds (`texts`): they are left out when current (0043).
    const textsHeld = new URL(request.url).searchParams.get("texts");
    const view = await getCustomerView(shop, customerGid, undefined, { locale: requestLocale(request), texts: true, textsHeld });
    return new Response(JSON.stringify(view), {
      headers: { ...jsonHeaders, "Cache-Control": "private, no-store" },
    });
  } catch (error) {
    if (error instanceof ProgramNotFoundError) {
      return new Response(JSON.stringify({ error: "program_not_found" }), { status: 404, headers: jsonHeaders });
    }
    throw error;
  }
};
