// Rewards: what points buy, and the Shopify discount each reward becomes. Pure.
import { currencyScale, formatMinorPlain } from "./money";
import { addDays } from "./program";

export const REWARD_TYPES = ["amount_off", "percent_off", "free_shipping", "free_product"] as const;
export type RewardType = (typeof REWARD_TYPES)[number];

export interface RewardDef {
  id: string;
  type: RewardType;
  name: string;
  pointsCost: number;
  valueMinor: number | null; // amount_off
  percentOff: number | null; // percent_off, 1–100
  minOrderMinor: number | null;
  expiryDays: number | null; // code valid this many days; null = no end
  minTierRank: number | null;
  productVariantGid: string | null; // free_product
  enabled: boolean;
}

/** The discount Kanta asks Shopify to create for one redemption. */
export interface DiscountSpec {
  kind: "amount" | "percent" | "free_shipping" | "free_product";
  code: string;
  title: string;
  customerGid: string;
  /** Decimal string in the shop currency, e.g. "5.00". */
  amount: string | null;
  /** 0 < percentage <= 1, as Shopify's `percentage` input. */
  percentage: number | null;
  minimumSubtotal: string | null;
  productVariantGid: string | null;
  startsAt: Date;
  endsAt: Date | null;
}

export class RewardConfigError extends Error {
  override name = "RewardConfigError";
}

export function computeDiscountSpec(
  reward: RewardDef,
  context: { code: string; customerGid: string; currencyCode: string; now: Date },
): DiscountSpec {
  const base = {
    code: context.code,
    title: `Kanta reward: ${reward.name}`,
    customerGid: context.customerGid,
    amount: null,
    percentage: null,
    minimumSubtotal: reward.minOrderMinor ? formatMinorPlain(reward.minOrderMinor, context.currencyCode) : null,
    productVariantGid: null,
    startsAt: context.now,
    endsAt: reward.expiryDays ? addDays(context.now, reward.expiryDays) : null,
  };
  switch (reward.type) {
    case "amount_off":
      if (!reward.valueMinor || reward.valueMinor <= 0) throw new RewardConfigError(`${reward.name}: no amount`);
      return { ...base, kind: "amount", amount: formatMinorPlain(reward.valueMinor, context.currencyCode) };
    case "percent_off":
      if (!reward.percentOff || reward.percentOff <= 0 || reward.percentOff > 100) {
        throw new RewardConfigError(`${reward.name}: percentage must be 1–100`);
      }
      return { ...base, kind: "percent", percentage: reward.percentOff / 100 };
    case "free_shipping":
      return { ...base, kind: "free_shipping" };
    case "free_product":
      if (!reward.productVariantGid) throw new RewardConfigError(`${reward.name}: no product chosen`);
      return { ...base, kind: "free_product", productVariantGid: reward.productVariantGid };
  }
}

// Crockford's base32 without I, L, O, U: readable aloud, no look-alike characters.
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A discount code such as KANTA-7QX4-M2PD: 40 random bits, so codes cannot be guessed
 * (they are also limited to the one customer and one use).
 */
export function generateRewardCode(randomBytes: (n: number) => Uint8Array): string {
  const bytes = randomBytes(8);
  let chars = "";
  for (let i = 0; i < 8; i++) chars += CODE_ALPHABET[bytes[i]! % 32];
  return `KANTA-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export type RedeemRefusal =
  | { code: "reward_unavailable" }
  | { code: "tier_required"; minTierRank: number }
  | { code: "insufficient_points"; needed: number };

/** Why a member cannot redeem a reward now, or null if they can. */
export function checkRedeemable(
  reward: Pick<RewardDef, "enabled" | "pointsCost" | "minTierRank">,
  member: { points: number; tierRank: number | null },
): RedeemRefusal | null {
  if (!reward.enabled) return { code: "reward_unavailable" };
  if (reward.minTierRank !== null && (member.tierRank ?? -1) < reward.minTierRank) {
    return { code: "tier_required", minTierRank: reward.minTierRank };
  }
  if (member.points < reward.pointsCost) return { code: "insufficient_points", needed: reward.pointsCost - member.points };
  return null;
}

/** "5.00 EUR off", "15% off", "Free shipping", "Free product". */
export function describeRewardValue(reward: Pick<RewardDef, "type" | "valueMinor" | "percentOff">, currencyCode: string): string {
  switch (reward.type) {
    case "amount_off":
      return `${formatMinorPlain(reward.valueMinor ?? 0, currencyCode)} ${currencyCode} off`;
    case "percent_off":
      return `${reward.percentOff ?? 0}% off`;
    case "free_shipping":
      return "Free shipping";
    case "free_product":
      return "Free product";
  }
}

export function isRewardType(value: string): value is RewardType {
  return (REWARD_TYPES as readonly string[]).includes(value);
}

/** Minor units for a whole number of currency units (seeds and defaults). */
export function unitsToMinor(units: number, currencyCode: string): number {
  return units * 10 ** currencyScale(currencyCode);
}
