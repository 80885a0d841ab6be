import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getEnv } from "../env.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { LeaderboardError, getShopperLeaderboard, setShopperLeaderboard } from "../loyalty/challenges/leaderboard.server";
import { requestLocale, shopTexts } from "../loyalty/i18n/texts.server";
import { jsonError, jsonHeaders, requireProxyReader, requireShopperPost } from "../shopify/proxy.server";

// /apps/kanta/leaderboard on the storefront -> /proxy/leaderboard here (0035).
// GET: the month's top 10 (first name and last initial of members who opted in) and, for a
// signed-in member, whether they are in and their rank. POST {"join": true|false}: the
// signed-in member joins or leaves (leaving hides them at once). Unsigned calls: 401.
// GET ?texts=1&locale=fi (the theme block, which has no panel data): also `language` and the
// widget's `texts` in the shopper's language with the merchant's overrides (0036).

const readLimiter = new SharedRateLimiter("leaderboard", () => getEnv().KANTA_CUSTOMER_RATE_LIMIT, 60_000);
const guestLimiter = new SharedRateLimiter("leaderboard-guest", () => 100 * getEnv().KANTA_CUSTOMER_RATE_LIMIT, 60_000);
const writeLimiter = new SharedRateLimiter("leaderboard-join", () => getEnv().KANTA_ACTION_RATE_LIMIT, 60_000);

const STATUS = { program_not_found: 404, not_a_member: 403, member_excluded: 403 } as const;

function answer(error: unknown): Response {
  if (error instanceof LeaderboardError) return jsonError(STATUS[error.code], error.code, error.message);
  throw error;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerGid } = await requireProxyReader(request);
  const wait = customerGid ? await readLimiter.hit(`${shop}:${customerGid}`) : await guestLimiter.hit(shop);
  if (wait > 0) return jsonError(429, "rate_limited", "Too many requests. Try again in a minute.", { retryAfterSeconds: Math.ceil(wait / 1000) });
  try {
    const board = await getShopperLeaderboard(shop, customerGid);
    const texts = new URL(request.url).searchParams.get("texts") === "1" ? await shopTexts(shop, requestLocale(request)) : null;
    return new Response(JSON.stringify(texts ? { ...board, ...texts } : board), { headers: jsonHeaders });
  } catch (error) {
    return answer(error);
  }
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerGid, body } = await requireShopperPost(request, { schema: z.object({ join: z.boolean() }), limiter: writeLimiter, signInMessage: "Sign in to join the leaderboard." });
  try {
    return new Response(JSON.stringify(await setShopperLeaderboard(shop, customerGid, body.join)), { headers: jsonHeaders });
  } catch (error) {
    return answer(error);
  }
};
