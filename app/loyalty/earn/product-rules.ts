import { z } from "zod";
import { readJsonColumn, type JsonReport } from "../json-column";
import { MULTIPLIER_ONE } from "./points";

// Earning by what is bought (docs/decisions/0033-earning-by-what-is-bought.md): the purchase
// rule's mode (points per amount spent, or fixed points per order above a minimum spend) and
// its product and collection rules (a multiplier, extra points per unit, or earns nothing).
// Stored in the purchase rule's config JSON. Pure.

export const PURCHASE_MODES = ["rate", "fixed"] as const;
export type PurchaseMode = (typeof PURCHASE_MODES)[number];

export const PRODUCT_RULE_EFFECTS = ["multiplier", "extra", "exclude"] as const;
export type ProductRuleEffect = (typeof PRODUCT_RULE_EFFECTS)[number];

export const MAX_PRODUCT_RULES = 50;
export const MAX_EXTRA_POINTS = 100_000;

export interface ProductRule {
  targetType: "product" | "collection";
  targetGid: string;
  /** The product's or collection's title when the rule was saved (the list shows it). */
  title: string;
  effect: ProductRuleEffect;
  /** multiplier: permille (2000 = 2x); extra: points per unit bought; exclude: 0. */
  value: number;
}

export interface PurchaseTerms {
  mode: PurchaseMode;
  /** Fixed mode: the order's eligible spend must reach this (shop money, minor units); 0 = any paid order. */
  minSpendMinor: number;
  productRules: ProductRule[];
}

const productRule = z.object({
  targetType: z.enum(["product", "collection"]),
  targetGid: z.string().regex(/^gid:\/\/shopify\/(Product|Collection)\/\d+$/),
  title: z.string().max(255).default(""),
  effect: z.enum(PRODUCT_RULE_EFFECTS),
  value: z.number().int().min(0).max(MAX_EXTRA_POINTS),
});

const storedTerms = z.object({
  mode: z.enum(PURCHASE_MODES).catch("rate").default("rate"),
  minSpendMinor: z.union([z.number(), z.string()]).transform((v) => Number(v)).pipe(z.number().int().min(0)).catch(0).default(0),
  productRules: z.array(z.unknown()).catch([]).default([]),
});

/** The purchase rule's terms from its config JSON; malformed parts read as the plain rate (and are reported). */
export function readPurchaseTerms(json: string, report?: JsonReport): PurchaseTerms {
  const stored = readJsonColumn(json, storedTerms, { mode: "rate", minSpendMinor: 0, productRules: [] }, { what: "EarningRule.config", salvage: true, ...report });
  const productRules = stored.productRules.flatMap((r) => {
    const parsed = productRule.safeParse(r);
    return parsed.success && validEffectValue(parsed.data) ? [parsed.data] : [];
  });
  return { mode: stored.mode, minSpendMinor: stored.minSpendMinor, productRules };
}

export function validEffectValue(rule: Pick<ProductRule, "effect" | "value">): boolean {
  if (rule.effect === "multiplier") return rule.value > MULTIPLIER_ONE && rule.value <= 10_000;
  if (rule.effect === "extra") return rule.value >= 1 && rule.value <= MAX_EXTRA_POINTS;
  return rule.value === 0;
}

/** Whether orders earn by line (OrderLine terms) rather than by the plain rate on the whole order. */
export function earnsByLine(terms: PurchaseTerms, hasCollectionCampaigns: boolean): boolean {
  return terms.mode === "fixed" || terms.productRules.length > 0 || hasCollectionCampaigns;
}

/**
 * What a line earns by the product rules: its share of the rate (permille; 0 = earns
 * nothing) and extra points per unit. An exclusion wins over everything; otherwise rules on
 * the product come before rules on its collections, and of those the highest multiplier and
 * the highest extra apply (rules do not stack).
 */
export function productLineTerms(rules: readonly ProductRule[], productGid: string | null, collectionGids: readonly string[]): { permille: number; extraPoints: number } {
  const matching = rules.filter((r) => (r.targetType === "product" ? r.targetGid === productGid : collectionGids.includes(r.targetGid)));
  if (matching.some((r) => r.effect === "exclude")) return { permille: 0, extraPoints: 0 };
  const onProduct = matching.filter((r) => r.targetType === "product");
  const best = (effect: ProductRuleEffect, fallback: number) => {
    for (const level of [onProduct, matching]) {
      const values = level.filter((r) => r.effect === effect).map((r) => r.value);
      if (values.length) return Math.max(...values);
    }
    return fallback;
  };
  return { permille: best("multiplier", MULTIPLIER_ONE), extraPoints: best("extra", 0) };
}

/** "2x", "+50 points each", "earns nothing": the rule as the editor lists it. */
export function describeProductRule(rule: Pick<ProductRule, "effect" | "value">, pointsName = "points"): string {
  if (rule.effect === "exclude") return "Earns nothing";
  if (rule.effect === "extra") return `+${rule.value.toLocaleString("en")} ${pointsName} per item`;
  const x = rule.value / MULTIPLIER_ONE;
  return `${Number.isInteger(x) ? x : x.toFixed(3).replace(/0+$/, "")}x ${pointsName}`;
}
