import { isRewardType, parseRewardConfig, type RewardDef } from "./rewards";

// A Reward row as the domain reads it (pure): unknown types and rewards that cannot be
// redeemed as configured are left out (null).

export function toRewardDef(row: {
  id: string;
  type: string;
  name: string;
  pointsCost: number;
  valueMinor: bigint | null;
  percentOff: number | null;
  minOrderMinor: bigint | null;
  expiryDays: number | null;
  minTierRank: number | null;
  maxTierRank?: number | null;
  productVariantGid: string | null;
  enabled: boolean;
  config?: string;
}): RewardDef | null {
  if (!isRewardType(row.type)) return null;
  const config = parseRewardConfig(row.config);
  // A points_to_money reward without a usable rate cannot be redeemed: leave it out.
  if (row.type === "points_to_money" && !config.rate) return null;
  // Nor a free_product reward without its price: its code could not free exactly one unit (0031).
  if (row.type === "free_product" && !config.priceMinor) return null;
  // A store_credit reward without an amount cannot be redeemed either.
  if (row.type === "store_credit" && (row.valueMinor === null || row.valueMinor <= 0n)) return null;
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    pointsCost: row.pointsCost,
    valueMinor: row.valueMinor === null ? null : Number(row.valueMinor),
    percentOff: row.percentOff,
    minOrderMinor: row.minOrderMinor === null ? null : Number(row.minOrderMinor),
    expiryDays: row.expiryDays,
    minTierRank: row.minTierRank,
    maxTierRank: row.maxTierRank ?? null,
    productVariantGid: row.productVariantGid,
    enabled: row.enabled,
    rate: config.rate,
    productTitle: config.productTitle,
    priceMinor: config.priceMinor ?? null,
    imageUrl: config.imageUrl ?? null,
    notify: config.notify,
    tierVariants: config.tierVariants,
  };
}

