// The reward editor's form: its fields as text, and reading them for one shop (its
// currency's decimals, its tiers) into what is written to the Reward row. Pure; saved by
// ./admin.server.ts.
import { z } from "zod";
import { currencyScale, formatMinorPlain, formatMoney, readMoneyInput } from "../ledger/money";
import { REWARD_TYPES, type RewardType } from "./rewards";
import { parseTierVariantsForm, type TierVariantFormRow } from "./tier-variants-form";

export const MAX_REWARD_POINTS = 1_000_000;
/** The largest money amount a form accepts, in whole currency units. */
const MAX_AMOUNT_UNITS = 1_000_000;
/** The edit form's fields, as text (what the inputs hold). */
export interface RewardFormValues {
  type: RewardType;
  name: string;
  pointsCost: string;
  value: string;
  percentOff: string;
  minOrder: string;
  expiryDays: string;
  minTierRank: string;
  /** The highest tier that may redeem it; "" = no upper limit (0032). */
  maxTierRank: string;
  /** "Different per tier": one row per tier with its own cost and value (./tier-variants.ts). */
  tierVariants: TierVariantFormRow[];
  enabled: boolean;
  productVariantGid: string;
  productTitle: string;
  /** free_product: the variant's price as the picker gave it ("24.50"): one unit off (0031). */
  productPrice: string;
  /** free_product: the product's image as the picker gave it (the widget shows gifts with it). */
  productImageUrl: string;
  pointsPerUnit: string;
  unitAmount: string;
  maxAmount: string;
  /** store_credit: Shopify emails the customer when the credit is added. */
  notify: boolean;
}

export const REWARD_FORM_FIELDS = [
  "type",
  "name",
  "pointsCost",
  "value",
  "percentOff",
  "minOrder",
  "expiryDays",
  "minTierRank",
  "maxTierRank",
  "tierVariants",
  "enabled",
  "productVariantGid",
  "productTitle",
  "productPrice",
  "productImageUrl",
  "pointsPerUnit",
  "unitAmount",
  "maxAmount",
  "notify",
] as const;
export type RewardFormField = (typeof REWARD_FORM_FIELDS)[number];

export function emptyRewardForm(type: RewardType = "amount_off"): RewardFormValues {
  return {
    type,
    name: "",
    pointsCost: "",
    value: "",
    percentOff: "",
    minOrder: "",
    expiryDays: "",
    minTierRank: "",
    maxTierRank: "",
    tierVariants: [],
    enabled: true,
    productVariantGid: "",
    productTitle: "",
    productPrice: "",
    productImageUrl: "",
    pointsPerUnit: type === "points_to_money" ? "100" : "",
    unitAmount: "",
    maxAmount: "",
    notify: true,
  };
}

/** What is written to the Reward row. */
export interface RewardData {
  type: RewardType;
  name: string;
  pointsCost: number;
  valueMinor: number | null;
  percentOff: number | null;
  minOrderMinor: number | null;
  expiryDays: number | null;
  minTierRank: number | null;
  maxTierRank: number | null;
  productVariantGid: string | null;
  enabled: boolean;
  config: string;
}

export type RewardFormErrors = Partial<Record<RewardFormField | "form", string>>;

const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d{1,20}$/;

/**
 * Validates the edit form for one shop (its currency's decimals, its tiers). The zod schema
 * is built per call because it depends on the shop. Every problem is reported on its field.
 */
export function parseRewardForm(
  raw: Partial<Record<string, unknown>>,
  shop: { currencyCode: string; tierRanks: readonly number[]; tiers?: readonly { name: string; rank: number }[] },
): { ok: true; data: RewardData } | { ok: false; errors: RewardFormErrors } {
  // Every field is plain text here and checked in the transform, so that one mistake does
  // not hide the others: each problem is reported on its own field at once.
  const text = z.preprocess((v) => (typeof v === "string" ? v.trim() : ""), z.string());
  const schema = z
    .object({
      type: z.enum(REWARD_TYPES, { error: "Choose a reward type" }),
      name: text,
      pointsCost: text,
      value: text,
      percentOff: text,
      minOrder: text,
      expiryDays: text,
      minTierRank: text,
      maxTierRank: text,
      tierVariants: z.unknown().optional(),
      enabled: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
      productVariantGid: text,
      productTitle: text,
      productPrice: text,
      productImageUrl: text,
      pointsPerUnit: text,
      unitAmount: text,
      maxAmount: text,
      notify: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
    })
    .transform((f, ctx): RewardData => {
      const maxAmountMinor = MAX_AMOUNT_UNITS * 10 ** currencyScale(shop.currencyCode);
      const fail = (path: RewardFormField, message: string) => {
        ctx.addIssue({ code: "custom", path: [path], message });
        return null;
      };
      const int = (path: RewardFormField, value: string, o: { empty: string; notInt: string; min: number; tooSmall: string; max: number; tooLarge: string }) => {
        if (value === "") return fail(path, o.empty);
        if (!/^[+-]?\d+$/.test(value)) return fail(path, o.notInt);
        const n = Number(value);
        if (n < o.min) return fail(path, o.tooSmall);
        if (n > o.max) return fail(path, o.tooLarge);
        return n;
      };
      const money = (path: RewardFormField, value: string, o: { empty?: string; positive: boolean; tooSmall: string }) => {
        if (value === "") return o.empty ? fail(path, o.empty) : null;
        const read = readMoneyInput(value, shop.currencyCode, { sign: o.positive ? "positive" : "non_negative", maxMinor: maxAmountMinor });
        if (read.ok) return read.minor;
        const { code, message } = read.error;
        if (code === "not_money") return fail(path, `Enter an amount like ${formatMinorPlain(5 * 10 ** currencyScale(shop.currencyCode), shop.currencyCode)}`);
        if (code === "negative" || code === "zero") return fail(path, o.tooSmall);
        if (code === "too_large") return fail(path, "The amount is too large");
        return fail(path, message);
      };
      const pointsRule = {
        notInt: "Points must be a whole number",
        min: 1,
        max: MAX_REWARD_POINTS,
        tooLarge: `At most ${MAX_REWARD_POINTS.toLocaleString("en")} points`,
      };

      if (f.name === "") fail("name", "Enter a name");
      else if (f.name.length > 80) fail("name", "The name can be at most 80 characters");
      const data: RewardData = {
        type: f.type,
        name: f.name,
        pointsCost: 0,
        valueMinor: null,
        percentOff: null,
        minOrderMinor:
          f.type === "store_credit"
            ? f.minOrder === ""
              ? null
              : fail("minOrder", "Store credit has no minimum order: leave it empty")
            : money("minOrder", f.minOrder, { positive: false, tooSmall: "The minimum order can't be negative" }),
        expiryDays:
          f.expiryDays === ""
            ? null
            : int("expiryDays", f.expiryDays, {
                empty: "",
                notInt: "Enter a whole number of days",
                min: 1,
                tooSmall: `${f.type === "store_credit" ? "Store credit" : "Codes"} can be valid for 1 to 365 days`,
                max: 365,
                tooLarge: `${f.type === "store_credit" ? "Store credit" : "Codes"} can be valid for 1 to 365 days`,
              }),
        minTierRank: null,
        maxTierRank: null,
        productVariantGid: null,
        enabled: f.enabled,
        config: "{}",
      };
      if (f.minTierRank !== "") {
        const rank = Number(f.minTierRank);
        if (!/^\d+$/.test(f.minTierRank) || !shop.tierRanks.includes(rank)) fail("minTierRank", "Choose one of your tiers");
        else data.minTierRank = rank;
      }
      if (f.maxTierRank !== "") {
        const rank = Number(f.maxTierRank);
        if (!/^\d+$/.test(f.maxTierRank) || !shop.tierRanks.includes(rank)) fail("maxTierRank", "Choose one of your tiers");
        else if (data.minTierRank !== null && rank < data.minTierRank) fail("maxTierRank", "The highest tier can't be below the lowest");
        else data.maxTierRank = rank;
      }

      if (f.type === "points_to_money") {
        const pointsPerUnit = int("pointsPerUnit", f.pointsPerUnit, { ...pointsRule, empty: "Enter a number of points", tooSmall: "At least 1 point" });
        const unitMinor = money("unitAmount", f.unitAmount, { empty: "Enter what the points are worth", positive: true, tooSmall: "The value must be more than 0" });
        const maxMinor = money("maxAmount", f.maxAmount, { positive: true, tooSmall: "The maximum must be more than 0" });
        if (unitMinor !== null && maxMinor !== null && maxMinor < unitMinor) {
          fail("maxAmount", `The maximum must be at least ${formatMoney(unitMinor, shop.currencyCode, "en")}, the value of ${f.pointsPerUnit} points`);
        }
        // The smallest redemption is one step; the list and the widget show it as the cost.
        data.pointsCost = pointsPerUnit ?? 0;
        data.config = JSON.stringify({ pointsPerUnit, unitMinor, maxMinor });
      } else {
        data.pointsCost = int("pointsCost", f.pointsCost, { ...pointsRule, empty: "Enter a cost in points", tooSmall: "The cost must be at least 1 point" }) ?? 0;
      }
      if (f.type === "amount_off") {
        data.valueMinor = money("value", f.value, { empty: "Enter an amount", positive: true, tooSmall: "The amount must be more than 0" });
      }
      if (f.type === "store_credit") {
        // One fixed credit per redemption ("500 points = €5 store credit"); whether Shopify
        // emails the customer is the merchant's choice. docs/decisions/0028-store-credit.md
        data.valueMinor = money("value", f.value, { empty: "Enter the store credit amount", positive: true, tooSmall: "The store credit must be more than 0" });
        data.config = JSON.stringify({ notify: f.notify });
      }
      if (f.type === "percent_off") {
        data.percentOff = int("percentOff", f.percentOff, {
          empty: "Enter a percentage",
          notInt: "Enter a whole number from 1 to 100",
          min: 1,
          tooSmall: "The percentage must be at least 1",
          max: 100,
          tooLarge: "The percentage can be at most 100",
        });
      }
      if (f.type === "free_product") {
        if (f.productVariantGid === "") fail("productVariantGid", "Choose a product");
        else if (!VARIANT_GID.test(f.productVariantGid)) fail("productVariantGid", "Choose the product again");
        else {
          data.productVariantGid = f.productVariantGid;
          // The price makes the code take exactly one unit off (0031); the picker gives it.
          const priceMinor = money("productPrice", f.productPrice, { empty: "Choose the product again", positive: true, tooSmall: "Choose the product again" });
          const imageUrl = /^(https:\/\/[^\s"'<>]{1,1990}|\/(?!\/)[^\s"'<>]{1,1990})$/.test(f.productImageUrl) ? f.productImageUrl : null;
          data.config = JSON.stringify({ productTitle: f.productTitle.slice(0, 255) || null, ...(priceMinor ? { priceMinor } : {}), ...(imageUrl ? { imageUrl } : {}) });
        }
      }
      const variants = parseTierVariantsForm(f.tierVariants, { type: f.type, currencyCode: shop.currencyCode, tierRanks: shop.tierRanks, maxAmountMinor, maxPoints: MAX_REWARD_POINTS, tierName: (rank) => shop.tiers?.find((t) => t.rank === rank)?.name ?? `Tier ${rank}` });
      if (!variants.ok) fail("tierVariants", variants.error);
      else if (variants.variants.length) data.config = JSON.stringify({ ...(JSON.parse(data.config) as object), tierVariants: variants.variants });
      return data;
    });
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: RewardFormErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    const field = typeof key === "string" && (REWARD_FORM_FIELDS as readonly string[]).includes(key) ? (key as RewardFormField) : "form";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

