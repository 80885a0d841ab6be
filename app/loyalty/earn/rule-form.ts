import { z } from "zod";
import { SOCIAL_NETWORKS, isEarningRuleType, type EarningRuleType, type SocialNetwork } from "./actions";
import { currencyScale, formatMinorPlain, readMoneyInput, requireMoneyInput } from "../ledger/money";
import { GIFT_RULE_TYPES, NETWORK_LABELS, RULE_TYPES, readRuleConfig, type RuleConfig, type RuleLimit, MIN_RULE_POINTS, MAX_RULE_POINTS, MAX_RULE_NAME, defaultRuleName } from "./rules";
import { ordinal, ruleIdentity } from "./rules";
import { parsePurchaseTerms, productRuleRows } from "./purchase-form";
import type { PurchaseTerms } from "./product-rules";

// The ways-to-earn editor's form on /app/earn: what each rule type's form accepts (zod),
// its errors, and the values an existing rule fills it with. Pure.

// ---------------------------------------------------------------------------------------
// The rule form

export const RULE_FIELDS = ["type", "name", "points", "spend", "network", "url", "every", "limit", "enabled", "mode", "minSpend", "productRules", "giftRewardId"] as const;
export type RuleFormValues = Partial<Record<(typeof RULE_FIELDS)[number], string>>;
export type RuleErrorField = "type" | "name" | "points" | "spend" | "network" | "url" | "every" | "limit" | "mode" | "minSpend" | "productRules" | "giftRewardId" | "form";
export type RuleErrors = Partial<Record<RuleErrorField, string>>;

export interface RuleDraft {
  type: EarningRuleType;
  name: string;
  points: number;
  /** Purchase rules only: `points` for every `spendMinor` of eligible spend. */
  spendMinor: number | null;
  limit: RuleLimit;
  enabled: boolean;
  config: RuleConfig;
}

const NUMBER_TEXT = /^[-+]?\d+(?:[.,]\d+)?$/;

/** A whole number from form text: 1..max with messages naming `what`. */
function wholeNumber(what: { empty: string; whole: string; min: number; minMessage: string; max: number; maxMessage: string }) {
  return z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      if (text === "" || !NUMBER_TEXT.test(text)) return ctx.addIssue(what.empty);
      const n = Number(text.replace(",", "."));
      if (!Number.isInteger(n)) return ctx.addIssue(what.whole);
      if (n < what.min) return ctx.addIssue(what.minMessage);
      if (n > what.max) return ctx.addIssue(what.maxMessage);
    })
    .transform((text) => Number(text));
}

function pointsSchema(min = MIN_RULE_POINTS) {
  return wholeNumber({
    empty: "Enter a number of points",
    whole: "Points must be a whole number",
    min,
    minMessage: min === 0 ? "Points can't be negative" : "Points must be at least 1",
    max: MAX_RULE_POINTS,
    maxMessage: `At most ${MAX_RULE_POINTS.toLocaleString("en")} points`,
  });
}

/** The purchase rule's "for every … spent": more than 0, in the currency's decimals (ledger/money.ts). */
function spendSchema(currencyCode: string) {
  const scale = currencyScale(currencyCode);
  return z
    .string()
    .superRefine((text, ctx) => {
      const spend = readMoneyInput(text, currencyCode, { sign: "positive" });
      if (spend.ok) return;
      const { code, message } = spend.error;
      if (code === "empty" || code === "not_money") return ctx.addIssue(scale ? `Enter an amount, e.g. ${(1).toFixed(scale)}` : "Enter an amount, e.g. 100");
      ctx.addIssue(code === "negative" ? "Enter an amount greater than 0" : message);
    })
    .transform((text) => requireMoneyInput(text, currencyCode, { sign: "positive" }));
}

function nameSchema(required: string | null) {
  return z
    .string()
    .trim()
    .max(MAX_RULE_NAME, `At most ${MAX_RULE_NAME} characters`)
    .superRefine((text, ctx) => {
      if (required && text === "") ctx.addIssue(required);
    });
}

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.hostname.includes(".");
  } catch {
    // new URL throws on anything that is not an absolute URL: the form says what to enter.
    return false;
  }
}

/** Links a shopper opens from the widget: https only (never javascript:, data: or plain http). */
function urlSchema(required: string | null) {
  return z
    .string()
    .trim()
    .max(500, "At most 500 characters")
    .superRefine((text, ctx) => {
      if (text === "") {
        if (required) ctx.addIssue(required);
        return;
      }
      if (!isHttpsUrl(text)) ctx.addIssue("Enter a full link starting with https://");
    });
}

function limitSchema(type: EarningRuleType) {
  const allowed = RULE_TYPES[type].limits;
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === "" ? allowed[0]! : v))
    .pipe(z.enum(allowed as [RuleLimit, ...RuleLimit[]], { error: "Choose how often this can be earned" }));
}

const enabledSchema = z
  .string()
  .optional()
  .transform((v) => v === undefined || v === "" || v === "on" || v === "true");

/**
 * The form schema for one rule type. Built on call (never at module level), so the
 * currency's decimals and the type's limits are part of it.
 */
export function ruleFormSchema(type: EarningRuleType, currencyCode: string) {
  // Sign-up, milestones and birthdays can give a product gift beside or instead of points (0031).
  const gifts = GIFT_RULE_TYPES.includes(type);
  const base = {
    name: nameSchema(type === "custom" ? "Enter a name for this action" : null),
    points: pointsSchema(gifts ? 0 : MIN_RULE_POINTS),
    limit: limitSchema(type),
    enabled: enabledSchema,
    ...(gifts ? { giftRewardId: z.string().trim().max(64).optional() } : {}),
  };
  switch (type) {
    case "purchase":
      return z.object({ ...base, spend: spendSchema(currencyCode) });
    case "social_follow":
      return z.object({
        ...base,
        network: z.enum(SOCIAL_NETWORKS, { error: "Choose a network" }),
        url: urlSchema("Enter the link to your profile"),
      });
    case "nth_order":
      return z.object({
        ...base,
        every: wholeNumber({
          empty: "Enter a number of orders",
          whole: "Enter a whole number of orders",
          min: 2,
          minMessage: "N must be 2 or more: every order already earns with the purchase rule",
          max: 1000,
          maxMessage: "At most every 1,000th order",
        }),
      });
    case "custom":
      return z.object({ ...base, url: urlSchema(null) });
    default:
      return z.object(base);
  }
}

/** Validates a submitted rule form. Empty fields read as missing. */
export function parseRuleForm(values: RuleFormValues, currencyCode: string): { ok: true; rule: RuleDraft } | { ok: false; errors: RuleErrors } {
  const type = values.type ?? "";
  if (!isEarningRuleType(type)) return { ok: false, errors: { type: "Choose a type of way to earn" } };
  const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  // Fields a schema requires must be present as strings (missing reads as empty).
  for (const field of ["name", "points", "spend", "url", "every"]) input[field] ??= "";
  // Fixed points per order: "For every" is not asked; a rule that never had one keeps 1 unit.
  if (type === "purchase" && input.mode === "fixed" && input.spend === "") input.spend = formatMinorPlain(currencyScale(currencyCode) === 0 ? 1 : 10 ** currencyScale(currencyCode), currencyCode);
  if (input.network === "") delete input.network;
  const parsed = ruleFormSchema(type, currencyCode).safeParse(input);
  if (!parsed.success) {
    const errors: RuleErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form") as RuleErrorField;
      errors[field] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const data = parsed.data as { name: string; points: number; limit: RuleLimit; enabled: boolean; spend?: number; network?: SocialNetwork; url?: string; every?: number; giftRewardId?: string };
  if (data.points === 0 && !data.giftRewardId) return { ok: false, errors: { points: "Give points, a gift or both" } };
  const config: RuleConfig = {};
  if (type === "purchase") {
    // The mode, minimum spend and product rules (./purchase-form.ts, 0033).
    const terms = parsePurchaseTerms({ mode: input.mode, minSpend: input.minSpend, productRules: input.productRules }, currencyCode);
    if (!terms.ok) return { ok: false, errors: { [terms.field]: terms.message } };
    config.mode = terms.terms.mode;
    config.minSpendMinor = terms.terms.minSpendMinor;
    config.productRules = terms.terms.productRules;
  }
  if (data.giftRewardId) config.giftRewardId = data.giftRewardId;
  if (data.network) config.network = data.network;
  if (data.url) config.url = data.url;
  if (data.every) config.every = data.every;
  return {
    ok: true,
    rule: {
      type,
      name: data.name || defaultRuleName(type, config),
      points: data.points,
      spendMinor: type === "purchase" ? data.spend! : null,
      limit: data.limit,
      enabled: data.enabled,
      config,
    },
  };
}

// ---------------------------------------------------------------------------------------
// Form values

/** What a new rule of each type starts with (the purchase rate comes from defaultEarnRate). */
const NEW_RULE_POINTS: Record<EarningRuleType, number> = {
  purchase: 1,
  signup: 100,
  birthday: 100,
  social_follow: 10,
  newsletter: 25,
  review: 10,
  nth_order: 100,
  custom: 10,
};

export interface StoredRuleValues {
  name: string;
  points: number;
  spendMinor: number | null;
  enabled: boolean;
  limit: string;
  config: RuleConfig;
  /** The purchase rule's mode and product rules (0033). */
  purchaseTerms?: PurchaseTerms | null;
}

/** The edit form's values for a stored rule, or a new rule's starting values. */
export function ruleFormValues(rule: StoredRuleValues | null, type: EarningRuleType, currencyCode: string): Required<RuleFormValues> {
  if (!rule) {
    return {
      type,
      name: "",
      points: String(NEW_RULE_POINTS[type]),
      spend: type === "purchase" ? formatMinorPlain(currencyScale(currencyCode) === 0 ? 100 : 10 ** currencyScale(currencyCode), currencyCode) : "",
      network: "",
      url: "",
      every: type === "nth_order" ? "5" : "",
      limit: RULE_TYPES[type].limits[0]!,
      enabled: "true",
      mode: "rate",
      minSpend: "",
      productRules: "[]",
      giftRewardId: "",
    };
  }
  const terms = rule.purchaseTerms;
  return {
    type,
    name: rule.name,
    points: String(rule.points),
    spend: rule.spendMinor ? formatMinorPlain(rule.spendMinor, currencyCode) : "",
    network: rule.config.network ?? "",
    url: rule.config.url ?? "",
    every: rule.config.every ? String(rule.config.every) : "",
    limit: (RULE_TYPES[type].limits as readonly string[]).includes(rule.limit) ? rule.limit : RULE_TYPES[type].limits[0]!,
    enabled: String(rule.enabled),
    mode: terms?.mode ?? "rate",
    minSpend: terms?.minSpendMinor ? formatMinorPlain(terms.minSpendMinor, currencyCode) : "",
    productRules: JSON.stringify(productRuleRows(terms?.productRules ?? [])),
    giftRewardId: rule.config.giftRewardId ?? "",
  };
}

/** The field and message when `draft` would duplicate an existing rule (other than `selfId`). */
export function findDuplicateRule(
  draft: { type: string; config: RuleConfig },
  existing: readonly { id: string; type: string; config: string }[],
  selfId: string | null,
): { field: RuleErrorField; message: string } | null {
  const identity = ruleIdentity(draft);
  if (!identity) return null;
  const clash = existing.find((rule) => rule.id !== selfId && ruleIdentity({ type: rule.type, config: readRuleConfig(rule.config) }) === identity);
  if (!clash) return null;
  if (draft.type === "social_follow") {
    return { field: "network", message: `There is already a follow on ${NETWORK_LABELS[draft.config.network!]}: edit that one instead` };
  }
  if (draft.type === "nth_order") return { field: "every", message: `There is already a bonus on every ${ordinal(draft.config.every!)} order` };
  return { field: "form", message: `There is already a “${RULE_TYPES[draft.type as EarningRuleType].label}” rule: edit that one instead` };
}
