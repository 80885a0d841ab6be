import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ProgramNotFoundError, getCustomerView } from "../loyalty/storefront/customer-view.server";
import { requireCustomerAccount } from "../shopify/customer-account.server";
import { EXTENSION_JSON_HEADERS, extensionError } from "../shopify/extension-session.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { getEnv } from "../env.server";
import { requestLocale } from "../loyalty/i18n/texts.server";

// GET /api/customer-account/member: the signed-in customer's view for Kanta's customer-account
// extensions (Rewards page, profile block): the SAME view the theme widget reads through the
// app proxy (app/loyalty/storefront/customer-view.server.ts). Authenticated by the extension's
// session token (app/shopify/customer-account.server.ts). OPTIONS: the CORS preflight.
// `?locale=` (the extension's shopify.localization.language): `language` and every panel
// text in it come with the view, so the extensions bundle English only (0036).

// Shares the widget's per-customer read budget (KANTA_CUSTOMER_RATE_LIMIT a minute).
const limiter = new SharedRateLimiter("customer", () => getEnv().KANTA_CUSTOMER_RATE_LIMIT, 60_000);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerGid, cors } = await requireCustomerAccount(request);
  const wait = await limiter.hit(`${shop}:${customerGid}`);
  if (wait > 0) return extensionError(429, "rate_limited", "Too many requests. Try again in a minute.", { retryAfterSeconds: Math.ceil(wait / 1000) });
  try {
    return cors(new Response(JSON.stringify(await getCustomerView(shop, customerGid, undefined, { surface: "customer_account", locale: requestLocale(request), texts: true })), { headers: EXTENSION_JSON_HEADERS }));
  } catch (error) {
    if (error instanceof ProgramNotFoundError) return extensionError(404, "program_not_found", "This shop has no rewards program.");
    throw error;
  }
};

// Remix sends OPTIONS (and any other method) to the action: the preflight is answered inside requireCustomerAccount.
export const action = async ({ request }: ActionFunctionArgs) => {
  await requireCustomerAccount(request);
  return extensionError(405, "method_not_allowed", "Use GET.");
};
