import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { BirthdayError, setBirthday, type BirthdayErrorCode } from "../loyalty/dates/birthday.server";
import { SharedRateLimiter } from "../http/rate-limit.server";
import { jsonError, jsonHeaders, requireShopperPost } from "../shopify/proxy.server";
import { getEnv } from "../env.server";

// POST /apps/kanta/birthday on the storefront -> /proxy/birthday here: the signed-in member
// gives (or, once a year, changes) their birthday. Body: {"month": 3, "day": 14, "year"?: 1990}.
// Answers {"birthday": {"month", "day", "year", "changeableFrom"}}. The points come on the day
// (app/loyalty/dates/sweeps.server.ts), never from this request.

const body = z.object({
  // The date itself is checked by the domain, which answers bad_birthday.
  month: z.number(),
  day: z.number(),
  year: z.number().nullable().optional(),
});

// Per customer per minute, in its own bucket (KANTA_ACTION_RATE_LIMIT, default 20).
const limiter = new SharedRateLimiter("birthday", () => getEnv().KANTA_ACTION_RATE_LIMIT, 60_000);

const STATUS: Record<BirthdayErrorCode, number> = {
  program_inactive: 409,
  not_a_member: 403,
  member_excluded: 403,
  bad_birthday: 400,
  birthday_locked: 409,
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerGid, body: parsed } = await requireShopperPost(request, { schema: body, limiter, signInMessage: "Sign in to add your birthday." });
  try {
    const birthday = await setBirthday({ shopDomain: shop, customerGid, month: parsed.month, day: parsed.day, year: parsed.year ?? null });
    return new Response(JSON.stringify({ birthday }), { status: 200, headers: jsonHeaders });
  } catch (error) {
    if (error instanceof BirthdayError) {
      return jsonError(STATUS[error.code], error.code, error.message, error.changeableFrom ? { changeableFrom: error.changeableFrom.toISOString() } : undefined);
    }
    throw error;
  }
};
