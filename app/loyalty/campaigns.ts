// Points campaigns (a 2× weekend) and how they combine with tier multipliers. Pure.
// docs/decisions/0008-multipliers-and-tier-review.md
import { MULTIPLIER_ONE, combineMultipliers } from "./earning";

export interface CampaignRule {
  multiplierPermille: number;
  startsAt: Date;
  /** Exclusive: a campaign ending at midnight does not cover an order placed at midnight. */
  endsAt: Date;
  /** Tier ranks the campaign is for: "1,2" or [1, 2]; "" / null / [] = every member. */
  tierRanks: string | readonly number[] | null;
  enabled?: boolean;
}

/** "1, 2" -> [1, 2]; "" -> null (every member). Entries that are not whole numbers are ignored. */
export function parseTierRanks(value: string | readonly number[] | null): number[] | null {
  if (value === null) return null;
  const ranks =
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter((s) => /^\d+$/.test(s))
          .map(Number)
      : value.filter((n) => Number.isSafeInteger(n) && n >= 0);
  return ranks.length ? ranks : null;
}

/** Is the campaign running at `at` for a member of `tierRank` (null: a member without a tier)? */
export function campaignApplies(campaign: CampaignRule, at: Date, tierRank: number | null): boolean {
  if (campaign.enabled === false || !(campaign.multiplierPermille > 0)) return false;
  if (at.getTime() < campaign.startsAt.getTime() || at.getTime() >= campaign.endsAt.getTime()) return false;
  const ranks = parseTierRanks(campaign.tierRanks);
  return ranks === null || (tierRank !== null && ranks.includes(tierRank));
}

/**
 * The campaign multiplier for an order placed at `at` by a member of `tierRank`: the single
 * best (highest) campaign running then, or 1× when none is. Campaigns never stack with
 * each other: two overlapping 2× campaigns give 2×, not 4×.
 */
export function campaignMultiplierPermille(campaigns: readonly CampaignRule[], at: Date, tierRank: number | null): number {
  let best: number | null = null;
  for (const campaign of campaigns) {
    if (campaignApplies(campaign, at, tierRank) && (best === null || campaign.multiplierPermille > best)) {
      best = campaign.multiplierPermille;
    }
  }
  return best ?? MULTIPLIER_ONE;
}

/**
 * The one rule: order points are multiplied by the member's tier multiplier, then by the
 * best campaign, each step rounded down to a whole permille (1.25× tier during a 1.5×
 * campaign = 1.875×). Fixed when the order first earns, so refunds reverse at that rate.
 */
export function computeEarnMultiplierPermille(
  tierMultiplierPermille: number,
  campaigns: readonly CampaignRule[],
  at: Date,
  tierRank: number | null,
): number {
  const tier = tierMultiplierPermille > 0 ? tierMultiplierPermille : MULTIPLIER_ONE;
  return combineMultipliers([tier, campaignMultiplierPermille(campaigns, at, tierRank)]);
}
