// Ways to earn as the merchant edits them on /app/earn: the rule types, what each form
// accepts, how a rule reads in one line, the purchase preview and the every-Nth-order
// bonus. Pure; persistence is in earn-rules-admin.server.ts.
//
// The rows written here are the ones the rest of Kanta already reads: the purchase rule's
// `points` per `spendMinor` (shop-config.server.ts, orders.server.ts), the sign-up bonus,
// and the claimable actions' `limit` and `config` {"network","url"} (actions.ts).

import { z } from "zod";
import { SOCIAL_NETWORKS, claimPeriod, isClaimableActionType, isEarningRuleType, type EarningRuleType, type SocialNetwork } from "./actions";
import { MULTIPLIER_ONE, combineMultipliers, computePurchasePoints } from "../orders/order-points";
import { MoneyError, currencyScale, formatMinorPlain, formatMoney, parseMoneyToMinor } from "../ledger/money";

export const RULE_LIMITS = ["unlimited", "once", "once_per_year"] as const;
export type RuleLimit = (typeof RULE_LIMITS)[number];

export const MIN_RULE_POINTS = 1;
export const MAX_RULE_POINTS = 100_000;
export const MAX_RULE_NAME = 100;

export const NETWORK_LABELS: Record<SocialNetwork, string> = {
  instagram: "Instagram",
  tiktok: "TikTok",
  facebook: "Facebook",
  x: "X",
};

export interface RuleTypeInfo {
  label: string;
  /** One line for the "Add a way to earn" choice. */
  summary: string;
  /** How often it can pay, first = default. One entry: fixed, not asked. */
  limits: readonly RuleLimit[];
  /** At most one rule of this type (social follows: one per network). */
  singleton: boolean;
}

export const RULE_TYPES: Record<EarningRuleType, RuleTypeInfo> = {
  purchase: {
    label: "Place an order",
    summary: "Points for every amount spent, paid automatically when an order is paid.",
    limits: ["unlimited"],
    singleton: true,
  },
  signup: {
    label: "Join the program",
    summary: "A welcome bonus when a customer creates an account or places a first order.",
    limits: ["once"],
    singleton: true,
  },
  birthday: {
    label: "Birthday",
    summary: "A yearly gift; members claim it in the widget by entering their birthday.",
    limits: ["once_per_year", "once"],
    singleton: true,
  },
  social_follow: {
    label: "Follow on social media",
    summary: "Points for following you on Instagram, TikTok, Facebook or X.",
    limits: ["once", "once_per_year"],
    singleton: false,
  },
  newsletter: {
    label: "Newsletter sign-up",
    summary: "Points for signing up to your newsletter.",
    limits: ["once"],
    singleton: true,
  },
  review: {
    label: "Product review",
    summary: "Points for reviewing a product (needs a review app integration).",
    limits: ["unlimited", "once"],
    singleton: true,
  },
  nth_order: {
    label: "Order milestone",
    summary: "A bonus on every Nth order, e.g. every 5th order.",
    limits: ["unlimited", "once"],
    singleton: false,
  },
  custom: {
    label: "Custom action",
    summary: "Anything else you ask of customers, with an optional link.",
    limits: ["once", "once_per_year"],
    singleton: false,
  },
};

/** The order the admin lists types and rules in. */
export const RULE_TYPE_ORDER: readonly EarningRuleType[] = ["purchase", "signup", "birthday", "social_follow", "newsletter", "review", "nth_order", "custom"];

export function ruleTypeRank(type: string): number {
  const index = (RULE_TYPE_ORDER as readonly string[]).indexOf(type);
  return index === -1 ? RULE_TYPE_ORDER.length : index;
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  const suffix = ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

export function limitLabel(type: string, limit: string, every?: number): string {
  if (type === "nth_order") {
    if (every) return limit === "once" ? `Only the ${ordinal(every)} order` : `${ordinal(every)}, ${ordinal(every * 2)}, ${ordinal(every * 3)} … order`;
    return limit === "once" ? "Only the Nth order" : "Every Nth order";
  }
  if (type === "review") return limit === "once" ? "First review only" : "Every review";
  if (type === "purchase") return "Every order";
  if (type === "signup") return "Once per customer";
  // Claimed actions pay by claimPeriod (actions.ts): never without limit.
  if (isClaimableActionType(type)) return claimPeriod({ type, limit }) === "once_per_year" ? "Once a year per customer" : "Once per customer";
  if (limit === "once_per_year") return "Once a year per customer";
  if (limit === "unlimited") return "Every time";
  return "Once per customer";
}

export interface RuleConfig {
  network?: SocialNetwork;
  url?: string;
  /** nth_order: the bonus pays on every `every`-th order. */
  every?: number;
}

function readJsonObject(json: string): Record<string, unknown> {
  try {
    const raw: unknown = JSON.parse(json);
    return raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A stored rule's config as the admin edits it; malformed parts read as missing. */
export function readRuleConfig(json: string): RuleConfig {
  const raw = readJsonObject(json);
  const config: RuleConfig = {};
  if (typeof raw.network === "string" && (SOCIAL_NETWORKS as readonly string[]).includes(raw.network)) config.network = raw.network as SocialNetwork;
  if (typeof raw.url === "string" && raw.url) config.url = raw.url;
  if (typeof raw.every === "number" && Number.isSafeInteger(raw.every) && raw.every >= 2) config.every = raw.every;
  return config;
}

/**
 * The config JSON to store: the edited fields over what was stored (fields other code
 * may have added survive an edit), with fields this type no longer has removed.
 */
export function mergeRuleConfig(storedJson: string, config: RuleConfig): string {
  const merged: Record<string, unknown> = { ...readJsonObject(storedJson) };
  for (const key of ["network", "url", "every"] as const) {
    if (config[key] === undefined) delete merged[key];
    else merged[key] = config[key];
  }
  return JSON.stringify(merged);
}

export function defaultRuleName(type: EarningRuleType, config: RuleConfig): string {
  switch (type) {
    case "purchase":
      return "Place an order";
    case "signup":
      return "Join the program";
    case "birthday":
      return "Birthday bonus";
    case "social_follow":
      return `Follow us on ${config.network ? NETWORK_LABELS[config.network] : "social media"}`;
    case "newsletter":
      return "Sign up for our newsletter";
    case "review":
      return "Write a review";
    case "nth_order":
      return config.every ? `Every ${ordinal(config.every)} order` : "Order milestone";
    case "custom":
      return "Custom action";
  }
}

/** When a rule pays, honestly: what Kanta does today, not what it might do. */
export function awardedWhen(type: string, config: RuleConfig = {}): string {
  switch (type) {
    case "purchase":
      return "Awarded automatically when an order is paid, on its eligible amount, rounded down.";
    case "signup":
      return "Awarded automatically once, when a customer joins: by creating an account or with their first order.";
    case "birthday":
      return "Awarded when a member claims it in the widget by entering their birthday (once per calendar year in your shop's time zone).";
    case "social_follow":
      return "Awarded when a member opens your profile from the widget. Kanta cannot check the follow; each member can claim it only once per period.";
    case "newsletter":
      return "Awarded when a member claims it in the widget. Kanta does not check the sign-up; each member can claim it once.";
    case "review":
      return "Not awarded automatically yet: this needs a review app integration, which Kanta does not have. Members see it in the widget; give the points with “Adjust points” on the member's page.";
    case "nth_order": {
      const n = config.every ? ordinal(config.every) : "Nth";
      return `Awarded automatically with a member's ${n} order that earns points (orders/paid, once per order).`;
    }
    case "custom":
      return config.url
        ? "Awarded when a member opens the link from the widget and claims it. Kanta cannot check the action itself."
        : "Awarded when a member claims it in the widget. Kanta cannot check the action itself.";
    default:
      return "";
  }
}

/** What the purchase rule never counts (app/loyalty/earning.ts, decision 0003). */
export const PURCHASE_EXCLUSIONS =
  "Counted on the products' price after discounts, in your shop currency. Shipping, taxes, tips, duties and gift cards earn nothing; refunds and cancellations take the points back.";

// ---------------------------------------------------------------------------------------
// The rule form

export const RULE_FIELDS = ["type", "name", "points", "spend", "network", "url", "every", "limit", "enabled"] as const;
export type RuleFormValues = Partial<Record<(typeof RULE_FIELDS)[number], string>>;
export type RuleErrorField = "type" | "name" | "points" | "spend" | "network" | "url" | "every" | "limit" | "form";
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

function pointsSchema() {
  return wholeNumber({
    empty: "Enter a number of points",
    whole: "Points must be a whole number",
    min: MIN_RULE_POINTS,
    minMessage: "Points must be at least 1",
    max: MAX_RULE_POINTS,
    maxMessage: `At most ${MAX_RULE_POINTS.toLocaleString("en")} points`,
  });
}

/** Money typed by a merchant: "1", "1.50" or "1,50" (a decimal comma, as in fi/sv/da). */
export function parseMoneyInput(text: string, currencyCode: string): number | null {
  const trimmed = text.trim().replace(/\s/g, "");
  const normalised = /^\d+,\d+$/.test(trimmed) ? trimmed.replace(",", ".") : trimmed;
  try {
    return parseMoneyToMinor(normalised, currencyCode);
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

function spendSchema(currencyCode: string) {
  const scale = currencyScale(currencyCode);
  return z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      const normalised = text.replace(",", ".");
      if (text === "" || !/^[-+]?\d+(?:\.\d+)?$/.test(normalised)) {
        return ctx.addIssue(scale ? `Enter an amount, e.g. ${(1).toFixed(scale)}` : "Enter an amount, e.g. 100");
      }
      const minor = parseMoneyInput(text, currencyCode);
      if (minor === null) {
        return ctx.addIssue(scale ? `${currencyCode} amounts have at most ${scale} decimals` : `${currencyCode} amounts have no decimals`);
      }
      if (minor <= 0) return ctx.addIssue("Enter an amount greater than 0");
    })
    .transform((text) => parseMoneyInput(text, currencyCode)!);
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
  const base = { name: nameSchema(type === "custom" ? "Enter a name for this action" : null), points: pointsSchema(), limit: limitSchema(type), enabled: enabledSchema };
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
  const data = parsed.data as { name: string; points: number; limit: RuleLimit; enabled: boolean; spend?: number; network?: SocialNetwork; url?: string; every?: number };
  const config: RuleConfig = {};
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

/**
 * What makes two rules the same offer: one purchase, sign-up, birthday, newsletter and
 * review rule; one follow per network; one milestone per N. Custom actions can repeat.
 */
export function ruleIdentity(rule: { type: string; config: RuleConfig }): string | null {
  if (rule.type === "social_follow") return rule.config.network ? `social_follow:${rule.config.network}` : null;
  if (rule.type === "nth_order") return rule.config.every ? `nth_order:${rule.config.every}` : null;
  if (isEarningRuleType(rule.type) && RULE_TYPES[rule.type].singleton) return rule.type;
  return null;
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

/** Which types can still be added, given the shop's rules (for the "Add" choice). */
export function addableRuleTypes(existing: readonly { type: string; config: string }[]): Record<EarningRuleType, boolean> {
  const identities = new Set(existing.map((r) => ruleIdentity({ type: r.type, config: readRuleConfig(r.config) })));
  const followsLeft = SOCIAL_NETWORKS.some((network) => !identities.has(`social_follow:${network}`));
  return Object.fromEntries(
    RULE_TYPE_ORDER.map((type) => [type, type === "social_follow" ? followsLeft : !RULE_TYPES[type].singleton || !identities.has(type)]),
  ) as Record<EarningRuleType, boolean>;
}

/** "1 point per 1,00 €", "100 points on every 5th order", "25 points". */
export function describeEarning(
  rule: { type: string; points: number; spendMinor: number | null; config: RuleConfig },
  currencyCode: string,
  locale = "en",
): string {
  const points = `${new Intl.NumberFormat(locale).format(rule.points)} ${rule.points === 1 ? "point" : "points"}`;
  if (rule.type === "purchase" && rule.spendMinor) return `${points} per ${formatMoney(rule.spendMinor, currencyCode, locale)} spent`;
  if (rule.type === "nth_order" && rule.config.every) return `${points} on every ${ordinal(rule.config.every)} order`;
  return points;
}

/** The example order amount the purchase preview starts with: 120 units (12 000 in zero-decimal currencies). */
export function defaultExampleMinor(currencyCode: string): number {
  const scale = currencyScale(currencyCode);
  return scale === 0 ? 12_000 : 120 * 10 ** scale;
}

export interface PreviewCampaign {
  name: string;
  multiplierPermille: number;
  /** "active" or "scheduled"; ended and switched-off campaigns are not previewed. */
  status: string;
  /** The tier ranks it is for; empty = every member. */
  tierRanks: readonly number[];
  /** e.g. "from Dec 5, 2026" for scheduled ones. */
  when: string;
}

export interface PreviewTier {
  rank: number;
  name: string;
  multiplierPermille: number;
}

/**
 * The purchase rule's live preview: "An order of 120,00 € earns 120 points", computed with
 * computePurchasePoints (the function order webhooks use) and the multipliers orders get
 * (./campaigns.ts): the member's tier times the highest campaign running. The sentence is
 * for the entry tier; a line names what higher tiers earn, and one line per campaign.
 * Null sentence while the typed values are not valid.
 */
export function purchasePreview(input: {
  exampleText: string;
  pointsText: string;
  spendText: string;
  currencyCode: string;
  locale?: string;
  tiers?: readonly PreviewTier[];
  campaigns?: readonly PreviewCampaign[];
}): { sentence: string | null; tiers: string | null; campaigns: string[] } {
  const locale = input.locale ?? "en";
  const points = Number(input.pointsText.trim());
  const spendMinor = parseMoneyInput(input.spendText, input.currencyCode);
  const exampleMinor = parseMoneyInput(input.exampleText, input.currencyCode);
  if (!Number.isInteger(points) || points < MIN_RULE_POINTS || points > MAX_RULE_POINTS || !spendMinor || spendMinor <= 0 || exampleMinor === null || exampleMinor < 0) {
    return { sentence: null, tiers: null, campaigns: [] };
  }
  const rate = { points, spendMinor };
  const format = new Intl.NumberFormat(locale);
  const pts = (n: number) => `${format.format(n)} ${n === 1 ? "point" : "points"}`;
  const ladder = [...(input.tiers ?? [])].sort((a, b) => a.rank - b.rank);
  const entry = ladder[0];
  const earn = (tier: PreviewTier | undefined, campaignPermille = MULTIPLIER_ONE) =>
    computePurchasePoints(exampleMinor, rate, combineMultipliers([tier?.multiplierPermille ?? MULTIPLIER_ONE, campaignPermille]));
  const sentence = `An order of ${formatMoney(exampleMinor, input.currencyCode, locale)} earns ${pts(earn(entry))}.`;
  const higher = ladder.slice(1).filter((t) => t.multiplierPermille !== (entry?.multiplierPermille ?? MULTIPLIER_ONE));
  const tiers = higher.length
    ? `With their tier's multiplier: ${higher.map((t) => `${t.name} ${format.format(earn(t))}`).join(", ")} points.`
    : null;
  const campaigns = (input.campaigns ?? [])
    .filter((c) => c.status === "active" || c.status === "scheduled")
    .map((c) => {
      const audience = c.tierRanks.length ? ladder.filter((t) => c.tierRanks.includes(t.rank)) : ladder;
      const first = audience[0];
      const state = c.status === "active" ? "active now" : c.when;
      const who = c.tierRanks.length && first ? `${first.name} members: ` : "";
      const more = audience.slice(1).some((t) => t.multiplierPermille !== first?.multiplierPermille) ? ", more in higher tiers" : "";
      return `${who}${pts(earn(c.tierRanks.length ? first : entry, c.multiplierPermille))} during ${c.name} (${formatMultiplier(c.multiplierPermille)}, ${state}${more}).`;
    });
  return { sentence, tiers, campaigns };
}

/** 2000 -> "2×", 1500 -> "1.5×", 1250 -> "1.25×". */
export function formatMultiplier(permille: number): string {
  const text = (permille / 1000).toFixed(3).replace(/\.?0+$/, "");
  return `${text}×`;
}

// ---------------------------------------------------------------------------------------
// Every Nth order

export interface NthOrderRule {
  id: string;
  type: string;
  name: string;
  points: number;
  enabled: boolean;
  limit: string;
  config: string;
}

export interface NthOrderAward {
  ruleId: string;
  points: number;
  /** The member's order number this bonus is for (the 5th, 10th …). */
  orderNumber: number;
  /** Unique per rule, member and order number: a replay or a concurrent event writes once. */
  idempotencyKey: string;
  note: string;
}

/**
 * The milestone bonuses a member's `orderNumber`-th earning order pays: every enabled
 * nth_order rule with N dividing it (limit "unlimited": the Nth, 2Nth, 3Nth … order) or
 * equal to it (limit "once": only the Nth). `orderNumber` counts the member's orders that
 * have earned points, this one included; call it once per order, when its earning terms
 * are fixed, so an order is counted once whatever events follow.
 */
export function nthOrderBonus(rules: readonly NthOrderRule[], orderNumber: number, memberId: string): NthOrderAward[] {
  if (!Number.isSafeInteger(orderNumber) || orderNumber < 1) return [];
  const awards: NthOrderAward[] = [];
  for (const rule of rules) {
    if (rule.type !== "nth_order" || !rule.enabled || !Number.isSafeInteger(rule.points) || rule.points <= 0) continue;
    const every = readRuleConfig(rule.config).every;
    if (!every) continue;
    const due = rule.limit === "once" ? orderNumber === every : orderNumber % every === 0;
    if (!due) continue;
    awards.push({
      ruleId: rule.id,
      points: rule.points,
      orderNumber,
      idempotencyKey: `nth:${rule.id}:${memberId}:${orderNumber}`,
      note: `${rule.name} (${ordinal(orderNumber)} order)`,
    });
  }
  return awards;
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
    };
  }
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
  };
}
