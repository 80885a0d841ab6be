import { z } from "zod";
import { getDb, type Db } from "../../db.server";
import type { RewardSurface } from "../rewards/rewards";
import { RedeemError, redeemReward, type IssueDiscount, type IssueHooks, type RedemptionView } from "../rewards/redemptions.server";

// One redemption, as every shopper-facing surface asks for it: the theme widget through the
// app proxy (app/routes/proxy.redeem.tsx) and the customer-account Rewards page
// (app/routes/api.customer-account.redeem.tsx). The body, the refusals' HTTP statuses and the
// answer are the same on both; the domain (rewards/redemptions.server.ts) does the
// conditional debit and the requestId idempotency. Routes only authenticate and pass the
// Shopify gateway's discount functions in.

/** Body: {"rewardId", "requestId": client-generated, reused on retry, "points": for points_to_money}. */
export const redeemRequestBody = z.object({
  rewardId: z.string().min(1).max(100),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "requestId: 8–100 letters, digits, - or _"),
  points: z.number().int("a whole number").positive("more than 0").max(100_000_000).optional(),
});
export type RedeemRequestBody = z.infer<typeof redeemRequestBody>;

export const REDEEM_ERROR_STATUS: Record<string, number> = {
  not_a_member: 403,
  member_excluded: 403,
  program_inactive: 409,
  reward_unavailable: 404,
  tier_required: 403,
  tier_too_high: 403,
  insufficient_points: 409,
  invalid_points: 422,
  request_conflict: 409,
  credit_in_progress: 409,
  shopify_failed: 502,
};

export const PENDING_CODE_MESSAGE =
  "Your code is on its way: Shopify is taking longer than usual. It will appear here within a few minutes; if it cannot be made, your points come back.";

export const PENDING_CREDIT_MESSAGE =
  "Your store credit is on its way: Shopify is taking longer than usual. It will show here within a few minutes; if it cannot be added, your points come back.";

export interface ShopperRedeemAnswer {
  /** 200 issued, 202 pending (the sweep finishes it), else the refusal's status. */
  status: number;
  body: { redemption: RedemptionView; message?: string } | { error: string; message: string; [key: string]: unknown };
  /** For the redemptions metric: issued, pending or the refusal's code. */
  outcome: string;
}

export async function redeemForShopper(
  input: { shopDomain: string; customerGid: string; surface?: RewardSurface } & RedeemRequestBody,
  issue: IssueDiscount,
  hooks: IssueHooks,
  db: Db = getDb(),
): Promise<ShopperRedeemAnswer> {
  try {
    const redemption = await redeemReward(
      { shopDomain: input.shopDomain, customerGid: input.customerGid, rewardId: input.rewardId, requestId: input.requestId, points: input.points, surface: input.surface },
      issue,
      db,
      // A timeout leaves the redemption pending (the sweep finishes it); a code made after the
      // sweep gave the points back is deactivated. docs/decisions/0014-faults.md
      hooks,
    );
    if (redemption.status === "pending") {
      const message = redemption.kind === "store_credit" ? PENDING_CREDIT_MESSAGE : PENDING_CODE_MESSAGE;
      return { status: 202, body: { redemption, message }, outcome: "pending" };
    }
    return { status: 200, body: { redemption }, outcome: redemption.status };
  } catch (error) {
    if (error instanceof RedeemError) {
      return { status: REDEEM_ERROR_STATUS[error.code] ?? 400, body: { error: error.code, message: error.message, ...error.details }, outcome: error.code };
    }
    throw error;
  }
}
