// The reward editor's "Different per tier" table (docs/decisions/0032): one row per tier,
// as text, to and from Reward.config.tierVariants. Pure.
import { formatMinorPlain, readMoneyInput } from "../ledger/money";
import type { RewardType } from "./rewards";
import { variantTypesFor, type TierVariant } from "./tier-variants";

/** One row as the inputs hold it; an empty row means "same as the tier below". */
export interface TierVariantFormRow {
  rank: string;
  pointsCost: string;
  /** "" = the reward's own type. */
  type: string;
  /** amount_off / store_credit: the amount, as typed ("20.00"). */
  value: string;
  percentOff: string;
}

export function tierVariantsToForm(variants: readonly TierVariant[], currencyCode: string): TierVariantFormRow[] {
  return variants.map((v) => ({
    rank: String(v.rank),
    pointsCost: v.pointsCost === undefined ? "" : String(v.pointsCost),
    type: v.type ?? "",
    value: v.valueMinor === undefined ? "" : formatMinorPlain(v.valueMinor, currencyCode),
    percentOff: v.percentOff === undefined ? "" : String(v.percentOff),
  }));
}

const str = (v: unknown) => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "");

/**
 * Reads the table: the raw value is the rows (an array, or its JSON as a form posts it).
 * Each problem names its tier; rows left empty are dropped.
 */
export function parseTierVariantsForm(
  raw: unknown,
  ctx: { type: RewardType; currencyCode: string; tierRanks: readonly number[]; maxAmountMinor: number; maxPoints: number; tierName?: (rank: number) => string },
): { ok: true; variants: TierVariant[] } | { ok: false; error: string } {
  let rows: unknown = raw;
  if (rows === undefined || rows === null || rows === "") return { ok: true, variants: [] };
  if (typeof rows === "string") {
    try {
      rows = JSON.parse(rows);
    } catch {
      return { ok: false, error: "The tier table could not be read: reload the page" };
    }
  }
  if (!Array.isArray(rows) || rows.length > 50) return { ok: false, error: "The tier table could not be read: reload the page" };
  const allowed = variantTypesFor(ctx.type);
  const variants: TierVariant[] = [];
  const seen = new Set<number>();
  for (const item of rows as unknown[]) {
    const row = (item && typeof item === "object" ? item : {}) as Record<string, unknown>;
    const rankText = str(row.rank);
    const rank = Number(rankText);
    if (!/^\d+$/.test(rankText) || !ctx.tierRanks.includes(rank)) return { ok: false, error: "Choose one of your tiers in the tier table" };
    const tier = ctx.tierName?.(rank) ?? `Tier ${rank}`;
    const pointsCost = str(row.pointsCost);
    const type = str(row.type);
    const value = str(row.value);
    const percentOff = str(row.percentOff);
    if (pointsCost === "" && type === "" && value === "" && percentOff === "") continue;
    if (allowed.length === 0) return { ok: false, error: "This type of reward can't differ per tier" };
    if (seen.has(rank)) return { ok: false, error: `${tier} is in the table twice` };
    seen.add(rank);
    const variant: TierVariant = { rank };
    if (pointsCost !== "") {
      const n = Number(pointsCost);
      if (!/^\d+$/.test(pointsCost) || n < 1 || n > ctx.maxPoints) return { ok: false, error: `${tier}: the cost must be a whole number of points from 1 to ${ctx.maxPoints.toLocaleString("en")}` };
      variant.pointsCost = n;
    }
    const effectiveType = (type || ctx.type) as RewardType;
    if (type !== "") {
      if (!allowed.includes(type as RewardType)) return { ok: false, error: `${tier}: choose a reward this one can become` };
      if (type !== ctx.type) variant.type = type as RewardType;
    }
    if (effectiveType === "amount_off" || effectiveType === "store_credit") {
      if (value !== "") {
        const read = readMoneyInput(value, ctx.currencyCode, { sign: "positive", maxMinor: ctx.maxAmountMinor });
        if (!read.ok) return { ok: false, error: `${tier}: enter an amount more than 0, like ${formatMinorPlain(2000, ctx.currencyCode)}` };
        variant.valueMinor = read.minor;
      } else if (variant.type) return { ok: false, error: `${tier}: enter the amount` };
    }
    if (effectiveType === "percent_off") {
      if (percentOff !== "") {
        const n = Number(percentOff);
        if (!/^\d+$/.test(percentOff) || n < 1 || n > 100) return { ok: false, error: `${tier}: the percentage must be from 1 to 100` };
        variant.percentOff = n;
      } else if (variant.type) return { ok: false, error: `${tier}: enter the percentage` };
    }
    if (Object.keys(variant).length > 1) variants.push(variant);
  }
  return { ok: true, variants: variants.sort((a, b) => a.rank - b.rank) };
}
