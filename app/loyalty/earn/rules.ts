import { z } from "zod";
import { readJsonColumn, type JsonReport } from "../json-column";
import type { ProductRule, PurchaseMode } from "./product-rules";
import { SOCIAL_NETWORKS, claimPeriod, isClaimableActionType, isEarningRuleType, readStoredRuleConfig, type EarningRuleType, type SocialNetwork } from "./actions";

// Ways to earn: the rule types, their limits and labels, a rule's stored config, how a
// rule reads in one line, and which rules would duplicate each other. Pure; persistence is
// in rules-admin.server.ts, the editor's form in rule-form.ts.
//
// The rows written here are the ones the rest of Kanta already reads: the purchase rule's
// `points` per `spendMinor` (program/shop-config.server.ts, orders/orders.server.ts), the
// sign-up bonus, and the claimable actions' `limit` and `config` {"network","url"}
// (actions.ts).

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
    summary: "A yearly gift on the member's birthday; members give their birthday in the widget.",
    limits: ["once_per_year"],
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
  if (type === "birthday") return "Once a year, on the birthday";
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
  /** purchase: how orders earn and the product and collection rules (./product-rules.ts, 0033). */
  mode?: PurchaseMode;
  minSpendMinor?: number;
  productRules?: ProductRule[];
  /** signup, nth_order, birthday: a free_product reward given as a gift (0031). */
  giftRewardId?: string;
}

/** Rule types that can give a product gift with (or instead of) their points (0031). */
export const GIFT_RULE_TYPES: readonly string[] = ["signup", "nth_order", "birthday"];

/** A stored rule's config as the admin edits it; malformed parts read as missing. */
export function readRuleConfig(json: string, report?: JsonReport): RuleConfig {
  const { network, url, every, giftRewardId } = readStoredRuleConfig(json, report);
  const config: RuleConfig = {};
  if (network) config.network = network;
  if (url) config.url = url;
  if (every) config.every = every;
  if (giftRewardId) config.giftRewardId = giftRewardId;
  return config;
}

/** Any JSON object: what mergeRuleConfig keeps of a stored config it does not know. */
const anyObject = z.record(z.string(), z.unknown());

/**
 * The config JSON to store: the edited fields over what was stored (fields other code
 * may have added survive an edit), with fields this type no longer has removed.
 */
export function mergeRuleConfig(storedJson: string, config: RuleConfig, report?: JsonReport): string {
  const merged: Record<string, unknown> = { ...readJsonColumn(storedJson, anyObject, {}, { what: "EarningRule.config", ...report }) };
  for (const key of ["network", "url", "every", "mode", "minSpendMinor", "productRules", "giftRewardId"] as const) {
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
      return "Awarded automatically on the member's birthday, in your shop's time zone, once a year, to members who gave their birthday in the widget (a leap-day birthday on 28 February in other years). A tier's birthday points replace these for its members.";
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

/** What the purchase rule never counts (../orders/order-points.ts, decision 0003). */
export const PURCHASE_EXCLUSIONS =
  "Counted on the products' price after discounts, in your shop currency. Shipping, taxes, tips, duties and gift cards earn nothing; refunds and cancellations take the points back.";

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

/** Which types can still be added, given the shop's rules (for the "Add" choice). */
export function addableRuleTypes(existing: readonly { type: string; config: string }[]): Record<EarningRuleType, boolean> {
  const identities = new Set(existing.map((r) => ruleIdentity({ type: r.type, config: readRuleConfig(r.config) })));
  const followsLeft = SOCIAL_NETWORKS.some((network) => !identities.has(`social_follow:${network}`));
  return Object.fromEntries(
    RULE_TYPE_ORDER.map((type) => [type, type === "social_follow" ? followsLeft : !RULE_TYPES[type].singleton || !identities.has(type)]),
  ) as Record<EarningRuleType, boolean>;
}
