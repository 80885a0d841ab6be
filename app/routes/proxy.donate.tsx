import type { ActionFunctionArgs } from "@remix-run/node";
import { donateRequestBody } from "../loyalty/charity/charity";
import { donateForShopper } from "../loyalty/charity/donations.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { jsonHeaders, requireShopperPost } from "../shopify/proxy.server";
import { getEnv } from "../env.server";

// POST /apps/kanta/donate on the storefront -> /proxy/donate here: the signed-in member
// gives points to a cause. Body: {"causeId", "units": whole currency units, "requestId":
// client-generated, reused on retry}. Answers {"donation": {…}} or {"error", "message"}.
// The domain (app/loyalty/charity/donations.server.ts) debits once per request id.

// Per customer per minute, in its own bucket (KANTA_ACTION_RATE_LIMIT, default 20).
const limiter = new SharedRateLimiter("donate", () => getEnv().KANTA_ACTION_RATE_LIMIT, 60_000);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerGid, body } = await requireShopperPost(request, { schema: donateRequestBody, limiter, signInMessage: "Sign in to donate points." });
  const answer = await donateForShopper({ shopDomain: shop, customerGid, ...body });
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: jsonHeaders });
};
