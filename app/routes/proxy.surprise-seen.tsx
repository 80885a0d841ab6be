import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { markSurpriseSeen } from "../loyalty/surprise/notices.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { jsonHeaders, requireShopperPost } from "../shopify/proxy.server";
import { getEnv } from "../env.server";

// POST /apps/kanta/surprise-seen on the storefront -> /proxy/surprise-seen here: the widget
// showed a surprise's announcement (customer.surprises[].id) and it is not shown again (0037).

const body = z.object({ id: z.string().min(1).max(100) });

const limiter = new SharedRateLimiter("surprise-seen", () => getEnv().KANTA_ACTION_RATE_LIMIT, 60_000);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerGid, body: parsed } = await requireShopperPost(request, { schema: body, limiter, signInMessage: "Sign in first." });
  const seen = await markSurpriseSeen({ shopDomain: shop, customerGid, noticeId: parsed.id });
  return new Response(JSON.stringify({ seen }), { status: 200, headers: jsonHeaders });
};
