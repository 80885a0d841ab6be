import { z } from "zod";
import { parseMultiplier } from "./campaigns";
import { readMoneyInput } from "../ledger/money";
import { MAX_EXTRA_POINTS, MAX_PRODUCT_RULES, PRODUCT_RULE_EFFECTS, type ProductRule, type PurchaseMode, type PurchaseTerms } from "./product-rules";

// The "Place an order" editor's purchase terms (docs/decisions/0033-earning-by-what-is-bought.md):
// the mode, the minimum spend for fixed points, and the "Products and collections" rows,
// which the page submits as JSON (`productRules`). Pure.

/** A row as the editor holds it: the multiplier as typed ("2", "1.5x"), extra points as text. */
export interface ProductRuleRow {
  targetType: "product" | "collection";
  targetGid: string;
  title: string;
  effect: ProductRule["effect"];
  value: string;
}

const row = z.object({
  targetType: z.enum(["product", "collection"]),
  targetGid: z.string().regex(/^gid:\/\/shopify\/(Product|Collection)\/\d+$/),
  title: z.string().trim().max(255),
  effect: z.enum(PRODUCT_RULE_EFFECTS),
  value: z.string().trim().max(20).default(""),
});

export type PurchaseTermsResult = { ok: true; terms: PurchaseTerms } | { ok: false; field: "mode" | "minSpend" | "productRules"; message: string };

/** Validates the purchase terms the editor submitted. */
export function parsePurchaseTerms(input: { mode?: string; minSpend?: string; productRules?: string }, currencyCode: string): PurchaseTermsResult {
  const mode: PurchaseMode | null = !input.mode || input.mode === "rate" ? "rate" : input.mode === "fixed" ? "fixed" : null;
  if (!mode) return { ok: false, field: "mode", message: "Choose how orders earn" };
  let minSpendMinor = 0;
  if (mode === "fixed" && input.minSpend && input.minSpend.trim() !== "") {
    const money = readMoneyInput(input.minSpend, currencyCode, { sign: "positive" });
    if (!money.ok) return { ok: false, field: "minSpend", message: money.error.code === "negative" ? "Enter an amount greater than 0, or leave it empty" : "Enter an amount, or leave it empty for any order" };
    minSpendMinor = money.minor;
  }
  let rows: unknown;
  try {
    rows = input.productRules ? JSON.parse(input.productRules) : [];
  } catch {
    return { ok: false, field: "productRules", message: "The products and collections could not be read: reload the page" };
  }
  const parsed = z.array(row).safeParse(rows);
  if (!parsed.success) return { ok: false, field: "productRules", message: "The products and collections could not be read: reload the page" };
  if (parsed.data.length > MAX_PRODUCT_RULES) return { ok: false, field: "productRules", message: `At most ${MAX_PRODUCT_RULES} products and collections` };
  const seen = new Set<string>();
  const productRules: ProductRule[] = [];
  for (const r of parsed.data) {
    const name = r.title || "A product";
    if (seen.has(`${r.targetGid} ${r.effect}`)) return { ok: false, field: "productRules", message: `${name} is listed twice with the same effect` };
    seen.add(`${r.targetGid} ${r.effect}`);
    let value = 0;
    if (r.effect === "multiplier") {
      const permille = parseMultiplier(r.value);
      if (permille === null || permille <= 1000 || permille > 10_000) return { ok: false, field: "productRules", message: `${name}: enter a multiplier above 1 and at most 10, e.g. 2` };
      value = permille;
    } else if (r.effect === "extra") {
      const n = Number(r.value);
      if (!/^\d+$/.test(r.value) || n < 1 || n > MAX_EXTRA_POINTS) return { ok: false, field: "productRules", message: `${name}: enter whole extra points, 1 to ${MAX_EXTRA_POINTS.toLocaleString("en")}` };
      value = n;
    }
    productRules.push({ targetType: r.targetType, targetGid: r.targetGid, title: r.title, effect: r.effect, value });
  }
  return { ok: true, terms: { mode, minSpendMinor, productRules } };
}

/** The editor's rows for stored rules (the multiplier back as "2" or "1.5"). */
export function productRuleRows(rules: readonly ProductRule[]): ProductRuleRow[] {
  return rules.map((r) => ({
    targetType: r.targetType,
    targetGid: r.targetGid,
    title: r.title,
    effect: r.effect,
    value: r.effect === "multiplier" ? String(r.value / 1000) : r.effect === "extra" ? String(r.value) : "",
  }));
}
