// Rewards: what points buy, and the Shopify discount each reward becomes. Pure.
import { z } from "zod";
import { currencyScale, formatMinorPlain } from "../ledger/money";
import { readJsonColumn, type JsonReport } from "../json-column";
import { addDays } from "../program/defaults";
import { storedTierVariants, type TierVariant } from "./tier-variants";

export const REWARD_TYPES = ["amount_off", "percent_off", "free_shipping", "free_product", "points_to_money", "store_credit"] as const;
export type RewardType = (typeof REWARD_TYPES)[number];

/**
 * Where a shopper meets Kanta. Shopify's store credit can be spent only at the online
 * store's checkout by a customer signed in with new customer accounts, never in POS, so a
 * store_credit reward is offered only where it can be spent (docs/decisions/0028-store-credit.md).
 */
export type RewardSurface = "online_store" | "customer_account" | "pos";

export function rewardOfferedOn(type: RewardType, surface: RewardSurface): boolean {
  return type !== "store_credit" || surface !== "pos";
}

/**
 * points_to_money: `pointsPerUnit` points buy `unitMinor` off (100 points = 1,00 €); the
 * shopper chooses how many whole units to take, up to `maxMinor` per code when set.
 * Stored in Reward.config as {"pointsPerUnit", "unitMinor", "maxMinor"}.
 */
export interface PointsRate {
  pointsPerUnit: number;
  unitMinor: number;
  maxMinor: number | null;
}

export interface RewardDef {
  id: string;
  type: RewardType;
  name: string;
  pointsCost: number;
  valueMinor: number | null; // amount_off, store_credit
  percentOff: number | null; // percent_off, 1–100
  minOrderMinor: number | null;
  expiryDays: number | null; // code (store_credit: the credit) valid this many days; null = no end
  minTierRank: number | null;
  /** The highest tier rank that may redeem it; null = no upper limit (0032). */
  maxTierRank?: number | null;
  productVariantGid: string | null; // free_product
  enabled: boolean;
  /** Per-tier overrides of cost and value, by tier rank (from Reward.config; ./tier-variants.ts). */
  tierVariants?: TierVariant[];
  /** points_to_money only (from Reward.config). */
  rate?: PointsRate | null;
  /** free_product: the product's title as the merchant picked it (from Reward.config). */
  productTitle?: string | null;
  /**
   * free_product: the variant's price when the merchant picked it, in minor units (from
   * Reward.config): the code takes this much off one unit, so exactly one is free (0031).
   */
  priceMinor?: number | null;
  /** free_product: the product's image URL as picked (the widget shows gifts without asking Shopify). */
  imageUrl?: string | null;
  /** store_credit: whether Shopify emails the customer about the credit (from Reward.config). */
  notify?: boolean;
}

/** The store credit Kanta asks Shopify to add for one redemption (storeCreditAccountCredit). */
export interface StoreCreditSpec {
  customerGid: string;
  amountMinor: number;
  /** Decimal string in the shop currency, e.g. "5.00". */
  amount: string;
  currencyCode: string;
  expiresAt: Date | null;
  notify: boolean;
}

/** A store_credit reward's credit for one redemption: its fixed amount, in the shop currency. */
export function computeStoreCreditSpec(reward: RewardDef, context: { customerGid: string; currencyCode: string; now: Date }): StoreCreditSpec {
  if (reward.type !== "store_credit") throw new RewardConfigError(`${reward.name}: not a store credit reward`);
  if (!reward.valueMinor || reward.valueMinor <= 0) throw new RewardConfigError(`${reward.name}: no amount`);
  return {
    customerGid: context.customerGid,
    amountMinor: reward.valueMinor,
    amount: formatMinorPlain(reward.valueMinor, context.currencyCode),
    currencyCode: context.currencyCode,
    expiresAt: reward.expiryDays ? addDays(context.now, reward.expiryDays) : null,
    notify: reward.notify ?? false,
  };
}

/** The discount Kanta asks Shopify to create for one redemption. */
export interface DiscountSpec {
  kind: "amount" | "percent" | "free_shipping" | "free_product";
  code: string;
  title: string;
  customerGid: string;
  /** Decimal string in the shop currency, e.g. "5.00" (free_product: one unit's price). */
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
  /** `points`: what the shopper chose to spend on a points_to_money reward. */
  context: { code: string; customerGid: string; currencyCode: string; now: Date; points?: number },
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
      // One unit free, not every unit: a fixed amount (the unit price) spread over the
      // variant's units in the cart (docs/decisions/0031-gifts.md).
      if (!reward.priceMinor || reward.priceMinor <= 0) throw new RewardConfigError(`${reward.name}: choose the product again (no price)`);
      return { ...base, kind: "free_product", productVariantGid: reward.productVariantGid, amount: formatMinorPlain(reward.priceMinor, context.currencyCode) };
    case "store_credit":
      throw new RewardConfigError(`${reward.name}: store credit is not a discount code`);
    case "points_to_money": {
      if (!reward.rate) throw new RewardConfigError(`${reward.name}: no points rate`);
      const choice = computePointsToMoney(reward.rate, context.points ?? Number.NaN);
      if (!choice.ok) throw new RewardConfigError(`${reward.name}: ${context.points} points is not a valid amount`);
      return { ...base, kind: "amount", amount: formatMinorPlain(choice.amountMinor, context.currencyCode) };
    }
  }
}

export type PointsChoice =
  | { ok: true; points: number; amountMinor: number }
  | { ok: false; minPoints: number; stepPoints: number; maxPoints: number | null };

/**
 * A points_to_money choice: a whole number of units (a multiple of pointsPerUnit), at
 * least one, and within maxMinor. Whole units keep the discount an exact amount.
 */
export function computePointsToMoney(rate: PointsRate, points: number): PointsChoice {
  const step = rate.pointsPerUnit;
  const maxPoints = rate.maxMinor === null ? null : Math.floor(rate.maxMinor / rate.unitMinor) * step;
  if (!Number.isSafeInteger(points) || points < step || points % step !== 0 || (maxPoints !== null && points > maxPoints)) {
    return { ok: false, minPoints: step, stepPoints: step, maxPoints };
  }
  return { ok: true, points, amountMinor: (points / step) * rate.unitMinor };
}

const positiveInt = z.number().int().positive();
/** Reward.config: points_to_money's rate, free_product's title; "{}" for the other types. */
const storedRewardConfig = z.object({
  pointsPerUnit: positiveInt.optional(),
  unitMinor: positiveInt.optional(),
  maxMinor: positiveInt.nullable().optional(),
  productTitle: z.string().nullable().optional(),
  priceMinor: positiveInt.nullable().optional(),
  // Shopify's CDN (https), or a path on the shop's own storefront (local mode's demo images).
  imageUrl: z.string().max(2000).regex(/^(https:\/\/[^\s"'<>]+|\/(?!\/)[^\s"'<>]*)$/).nullable().optional(),
  notify: z.boolean().optional(),
  tierVariants: storedTierVariants.optional(),
});

export interface RewardConfig {
  rate: PointsRate | null;
  productTitle: string | null;
  notify: boolean;
  priceMinor?: number | null;
  imageUrl?: string | null;
  tierVariants?: TierVariant[];
}

/** Reward.config as stored: unknown keys are ignored, malformed values dropped (and reported), never trusted. */
export function parseRewardConfig(json: string | null | undefined, report?: JsonReport): RewardConfig {
  const o = readJsonColumn(json, storedRewardConfig, {}, { what: "Reward.config", salvage: true, ...report });
  const title = o.productTitle?.trim();
  const config: RewardConfig = {
    rate: o.pointsPerUnit && o.unitMinor ? { pointsPerUnit: o.pointsPerUnit, unitMinor: o.unitMinor, maxMinor: o.maxMinor ?? null } : null,
    productTitle: title ? title.slice(0, 255) : null,
    notify: o.notify ?? false,
    // Only when set: a reward without tier variants reads as it always did.
    ...(o.tierVariants?.length ? { tierVariants: o.tierVariants } : {}),
  };
  // Only free_product rewards store these; absent keys stay absent (older rows, other types).
  if (o.priceMinor) config.priceMinor = o.priceMinor;
  if (o.imageUrl) config.imageUrl = o.imageUrl;
  return config;
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
  | { code: "tier_too_high"; maxTierRank: number }
  | { code: "insufficient_points"; needed: number };

/**
 * Why a member cannot redeem a reward now, or null if they can. Pass the reward as it is for
 * the member's tier (./tier-variants.ts rewardForTier): its cost may differ per tier.
 */
export function checkRedeemable(
  reward: Pick<RewardDef, "enabled" | "pointsCost" | "minTierRank" | "maxTierRank">,
  member: { points: number; tierRank: number | null },
): RedeemRefusal | null {
  if (!reward.enabled) return { code: "reward_unavailable" };
  if (reward.minTierRank !== null && (member.tierRank ?? -1) < reward.minTierRank) {
    return { code: "tier_required", minTierRank: reward.minTierRank };
  }
  // A member without a tier is below every tier: a maximum never shuts them out.
  const max = reward.maxTierRank ?? null;
  if (max !== null && member.tierRank !== null && member.tierRank > max) return { code: "tier_too_high", maxTierRank: max };
  if (member.points < reward.pointsCost) return { code: "insufficient_points", needed: reward.pointsCost - member.points };
  return null;
}

/** "5.00 EUR off", "15% off", "Free shipping", "Free Linen tote", "100 points = 1.00 EUR", "5.00 EUR store credit". */
export function describeRewardValue(
  reward: Pick<RewardDef, "type" | "valueMinor" | "percentOff" | "rate" | "productTitle">,
  currencyCode: string,
): string {
  switch (reward.type) {
    case "amount_off":
      return `${formatMinorPlain(reward.valueMinor ?? 0, currencyCode)} ${currencyCode} off`;
    case "percent_off":
      return `${reward.percentOff ?? 0}% off`;
    case "free_shipping":
      return "Free shipping";
    case "free_product":
      return reward.productTitle ? `Free ${reward.productTitle}` : "Free product";
    case "store_credit":
      return `${formatMinorPlain(reward.valueMinor ?? 0, currencyCode)} ${currencyCode} store credit`;
    case "points_to_money": {
      if (!reward.rate) return "Points to money";
      const { pointsPerUnit, unitMinor, maxMinor } = reward.rate;
      const rate = `${pointsPerUnit.toLocaleString("en")} points = ${formatMinorPlain(unitMinor, currencyCode)} ${currencyCode}`;
      return maxMinor ? `${rate}, up to ${formatMinorPlain(maxMinor, currencyCode)} ${currencyCode}` : rate;
    }
  }
}

/** The admin's names for each type, with a one-line explanation (the "Add reward" choice). */
export const REWARD_TYPE_INFO: Record<RewardType, { label: string; help: string }> = {
  amount_off: { label: "Amount off", help: "A fixed amount off the order, such as €5 off for 500 points." },
  percent_off: { label: "Percentage off", help: "A percentage off the order, such as 15% off for 200 points." },
  free_shipping: { label: "Free shipping", help: "Free shipping on the next order." },
  free_product: { label: "Free product", help: "A product you choose, free with the next order." },
  points_to_money: { label: "Points for money", help: "Members choose how many points to turn into money off, such as 100 points = €1." },
  store_credit: { label: "Store credit", help: "Points become Shopify store credit on the member's account, such as 500 points = €5. Spent at online checkout, not in POS." },
};

export function isRewardType(value: string): value is RewardType {
  return (REWARD_TYPES as readonly string[]).includes(value);
}

/** Minor units for a whole number of currency units (seeds and defaults). */
export function unitsToMinor(units: number, currencyCode: string): number {
  return units * 10 ** currencyScale(currencyCode);
}
