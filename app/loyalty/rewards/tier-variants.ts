// Rewards by tier (docs/decisions/0032): one reward whose cost and value differ per tier
// ("200 points = 15 % off for Silver, $20 off for Gold"). Pure.
//
// A variant is stored in Reward.config.tierVariants by tier rank and applies from that tier
// up, until a higher tier's variant: a ladder Bronze < Silver < Gold < Platinum with a Gold
// variant gives Gold and Platinum the Gold terms, Bronze and Silver the reward's own. A
// member without a tier (and a guest) sees the reward's own terms. The server always works
// out the terms from the member's tier as stored; a client never says which variant it wants.
import { z } from "zod";
import type { RewardDef, RewardType } from "./rewards";

/** Types a variant may turn a reward into: the fixed ones of the same kind (a code, or store credit). */
export const VARIANT_CODE_TYPES = ["amount_off", "percent_off", "free_shipping"] as const satisfies readonly RewardType[];

export interface TierVariant {
  rank: number;
  /** The cost in points for this tier; absent = the reward's own. */
  pointsCost?: number;
  /** The reward this tier gets; absent = the reward's own type and value. */
  type?: RewardType;
  valueMinor?: number;
  percentOff?: number;
}

const positiveInt = z.number().int().positive();
export const storedTierVariants = z
  .array(
    z.object({
      rank: z.number().int().min(0),
      pointsCost: positiveInt.optional(),
      type: z.enum(["amount_off", "percent_off", "free_shipping", "store_credit"]).optional(),
      valueMinor: positiveInt.optional(),
      percentOff: z.number().int().min(1).max(100).optional(),
    }),
  )
  .max(50);

/** Whether a reward of this type may have per-tier variants, and which types its variants may take. */
export function variantTypesFor(type: RewardType): readonly RewardType[] {
  if (type === "store_credit") return ["store_credit"];
  if ((VARIANT_CODE_TYPES as readonly RewardType[]).includes(type)) return VARIANT_CODE_TYPES;
  return [];
}

/** The variant that applies to a member of `tierRank`: the highest at or below it. */
export function variantForRank(variants: readonly TierVariant[] | undefined, tierRank: number | null): TierVariant | null {
  if (!variants?.length || tierRank === null) return null;
  let best: TierVariant | null = null;
  for (const v of variants) if (v.rank <= tierRank && (best === null || v.rank > best.rank)) best = v;
  return best;
}

/**
 * The reward as a member of `tierRank` gets it: the applicable variant's cost and value in
 * place of the reward's own. A variant that does not fit the reward's type (stored by hand,
 * or the reward's type changed since) is ignored, never half-applied.
 */
export function rewardForTier<T extends RewardDef>(reward: T, tierRank: number | null): T {
  const variant = variantForRank(reward.tierVariants, tierRank);
  if (!variant) return reward;
  const type = variant.type ?? reward.type;
  if (!variantTypesFor(reward.type).includes(type)) return reward;
  const next: T = { ...reward, pointsCost: variant.pointsCost ?? reward.pointsCost };
  if (variant.type === undefined) {
    // Same type: only the number that type uses may change.
    if (type === "percent_off" && variant.percentOff) next.percentOff = variant.percentOff;
    if ((type === "amount_off" || type === "store_credit") && variant.valueMinor) next.valueMinor = variant.valueMinor;
    return next;
  }
  next.type = type;
  next.valueMinor = type === "amount_off" || type === "store_credit" ? (variant.valueMinor ?? null) : null;
  next.percentOff = type === "percent_off" ? (variant.percentOff ?? null) : null;
  if ((type === "amount_off" || type === "store_credit") && !next.valueMinor) return reward;
  if (type === "percent_off" && !next.percentOff) return reward;
  return next;
}
