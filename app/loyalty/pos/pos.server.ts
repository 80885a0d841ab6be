import { getDb, type Db } from "../../db.server";
import type { AuditActor } from "../audit/audit";
import { releaseDuePendingPoints } from "../orders/orders.server";
import { checkRedeemable, describeRewardValue, isRewardType } from "../rewards/rewards";
import { rewardForTier } from "../rewards/tier-variants";
import { RedeemError, redeemReward, toRewardDef, type IssueDiscount, type IssueHooks, type RedemptionView } from "../rewards/redemptions.server";
import { redeemableInStore } from "./pos";

// What POS shows a staff member about the customer on the cart, and redeeming a reward for
// them. The POS session token names the shop and the staff member; the customer comes from
// the device, so it counts only as a member of the token's shop (Member is unique per shop
// and customer GID: another shop's customer is simply not found). docs/decisions/0027-pos.md

export class PosShopNotServedError extends Error {
  override name = "PosShopNotServedError";
}

export interface PosReward {
  id: string;
  name: string;
  /** "5.00 EUR off", "15% off", "Free Linen tote". */
  value: string;
  pointsCost: number;
  redeemable: boolean;
  reason: "insufficient_points" | "tier_required" | "reward_unavailable" | "program_inactive" | "member_excluded" | null;
  neededPoints: number;
}

export interface PosMemberView {
  program: { status: string; currencyCode: string; programName: string };
  /** null: the customer is not a member of this shop's program. */
  member: {
    customerGid: string;
    firstName: string | null;
    points: number;
    pendingPoints: number;
    status: string;
    tier: { name: string; rank: number } | null;
    nextTier: { name: string; threshold: number; basis: string } | null;
  } | null;
  /** The enabled rewards a till can hand out, cheapest first, with whether this member can have each now. */
  rewards: PosReward[];
}

async function servedShop(db: Db, shopDomain: string) {
  const shop = await db.shop.findUnique({
    where: { domain: shopDomain },
    include: {
      program: true,
      rewards: { where: { enabled: true }, orderBy: [{ pointsCost: "asc" }, { createdAt: "asc" }] },
      tiers: { orderBy: { rank: "asc" }, select: { name: true, rank: true, thresholdMinor: true } },
    },
  });
  if (!shop || !shop.program || shop.uninstalledAt) throw new PosShopNotServedError(`Kanta does not serve ${shopDomain}`);
  return { ...shop, program: shop.program };
}

export async function getPosMemberView(shopDomain: string, customerGid: string, db: Db = getDb()): Promise<PosMemberView> {
  const shop = await servedShop(db, shopDomain);
  const program = { status: shop.program.status, currencyCode: shop.currencyCode, programName: shop.program.programName };
  const found = await db.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid } },
    select: { id: true, pendingPoints: true },
  });
  if (found && found.pendingPoints !== 0) await releaseDuePendingPoints(db, { memberId: found.id });
  const member = found
    ? await db.member.findUniqueOrThrow({
        where: { id: found.id },
        select: { customerGid: true, firstName: true, points: true, pendingPoints: true, status: true, tier: { select: { name: true, rank: true } } },
      })
    : null;
  const live = shop.program.status === "live";
  const rewards = shop.rewards.flatMap((row): PosReward[] => {
    const stored = toRewardDef(row);
    if (!stored) return [];
    // The terms for the member's tier (0032); a reward their tier is above is not listed.
    const tierRank = member?.tier?.rank ?? null;
    const def = member ? rewardForTier(stored, tierRank) : stored;
    if (!redeemableInStore(def.type)) return [];
    const refusal = member ? checkRedeemable(def, { points: member.points, tierRank }) : null;
    if (refusal?.code === "tier_too_high") return [];
    const reason: PosReward["reason"] = !live ? "program_inactive" : member && member.status !== "active" ? "member_excluded" : (refusal?.code ?? null);
    return [
      {
        id: def.id,
        name: def.name,
        value: describeRewardValue(def, shop.currencyCode),
        pointsCost: def.pointsCost,
        redeemable: member !== null && reason === null,
        reason,
        neededPoints: refusal?.code === "insufficient_points" ? refusal.needed : 0,
      },
    ];
  });
  const next = member ? shop.tiers.find((t) => t.rank > (member.tier?.rank ?? -1)) : undefined;
  return {
    program,
    member: member
      ? {
          customerGid: member.customerGid,
          firstName: member.firstName,
          points: member.points,
          pendingPoints: member.pendingPoints,
          status: member.status,
          tier: member.tier,
          nextTier: next ? { name: next.name, threshold: Number(next.thresholdMinor), basis: shop.program.tierBasis } : null,
        }
      : null,
    rewards,
  };
}

export interface PosRedeemInput {
  shopDomain: string;
  customerGid: string;
  rewardId: string;
  /** The device's idempotency key, reused when it retries. */
  requestId: string;
  staff: AuditActor;
}

/**
 * Redeems a reward for the customer on the POS cart: the widget's path (redeemReward), with
 * channel `pos` and the staff member recorded. A reward a till cannot hand out is refused
 * before anything is debited.
 */
export async function redeemAtPos(input: PosRedeemInput, issue: IssueDiscount, hooks: IssueHooks = {}, db: Db = getDb()): Promise<RedemptionView> {
  const shop = await servedShop(db, input.shopDomain);
  const reward = await db.reward.findFirst({ where: { id: input.rewardId, shopId: shop.id }, select: { type: true } });
  if (reward && isRewardType(reward.type) && !redeemableInStore(reward.type)) {
    throw new RedeemError("reward_unavailable", "This reward can only be redeemed online.");
  }
  return redeemReward(
    { shopDomain: input.shopDomain, customerGid: input.customerGid, rewardId: input.rewardId, requestId: input.requestId, surface: "pos", pos: { staff: input.staff } },
    issue,
    db,
    hooks,
  );
}
