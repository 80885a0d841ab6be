import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { ActionError, claimAction, type ActionErrorCode } from "../loyalty/earn/claim.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { jsonError, jsonHeaders, requireShopperPost } from "../shopify/proxy.server";
import { getEnv } from "../env.server";

// POST /apps/kanta/actions/<type> on the storefront -> /proxy/actions/<type> here: the
// signed-in shopper claims a bonus action ("Ways to earn" in the widget).
// Body: {"ruleId": "..."}. Answers {"awarded": <points>, "points": <balance>}.

const body = z.object({
  ruleId: z.string().min(1).max(100),
});

// Claims per customer per minute (KANTA_ACTION_RATE_LIMIT, default 20).
const limiter = new SharedRateLimiter("actions", () => getEnv().KANTA_ACTION_RATE_LIMIT, 60_000);

const STATUS: Record<ActionErrorCode, number> = {
  program_inactive: 409,
  not_a_member: 403,
  member_excluded: 403,
  rule_unavailable: 404,
  already_claimed: 409,
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, customerGid, body: parsed } = await requireShopperPost(request, { schema: body, limiter, signInMessage: "Sign in to earn points." });
  try {
    const result = await claimAction({
      shopDomain: shop,
      customerGid,
      ruleType: params.action ?? "",
      ruleId: parsed.ruleId,
    });
    return new Response(JSON.stringify({ awarded: result.awarded, points: result.points }), { status: 200, headers: jsonHeaders });
  } catch (error) {
    if (error instanceof ActionError) return jsonError(STATUS[error.code], error.code, error.message);
    throw error;
  }
};
