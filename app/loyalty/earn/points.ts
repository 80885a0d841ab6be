// The points arithmetic every way of earning shares: a rate of points per amount spent,
// and multipliers (tiers, campaigns) in permille, exact in BigInt. Pure.
// docs/decisions/0008-multipliers-and-tier-review.md

export interface EarnRate {
  /** `points` for every `spendMinor` of eligible spend. */
  points: number;
  spendMinor: number;
}

export const MULTIPLIER_ONE = 1000;

/**
 * floor(eligibleMinor × rate.points / rate.spendMinor × multiplierPermille / 1000),
 * computed exactly in BigInt (the product overflows 2^53 for large orders).
 */
export function computePurchasePoints(
  eligibleMinor: number,
  rate: EarnRate,
  multiplierPermille: number = MULTIPLIER_ONE,
): number {
  if (eligibleMinor <= 0 || rate.points <= 0) return 0;
  if (rate.spendMinor <= 0) throw new RangeError("spendMinor must be positive");
  const numerator = BigInt(eligibleMinor) * BigInt(rate.points) * BigInt(multiplierPermille);
  const denominator = BigInt(rate.spendMinor) * BigInt(MULTIPLIER_ONE);
  return Number(numerator / denominator);
}

/**
 * Multipliers combine by multiplying (a 1.5× tier during a 2× campaign earns 3×), the rule
 * the tier and campaign issues build on. Result in permille, rounded down.
 */
export function combineMultipliers(permilles: readonly number[]): number {
  return permilles.reduce((acc, m) => Math.floor((acc * m) / MULTIPLIER_ONE), MULTIPLIER_ONE);
}
