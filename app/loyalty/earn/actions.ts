// Bonus actions a shopper claims from the storefront widget ("Ways to earn"), and how each
// earning rule looks to a shopper. Pure; persistence is in ./claim.server.ts.
//
// A claim is the shopper's word: Kanta cannot see an Instagram follow or a newsletter
// sign-up. What it guarantees is that a claim pays at most once per period. The period is
// part of the ledger row's idempotency key (unique per shop), so a replayed or concurrent
// claim can never write a second row, and no table of claims is needed.

import { z } from "zod";
import { readJsonColumn, type JsonReport, type OnInvalidJson } from "../json-column";
import { localDate } from "../program/zoned-time";
import { ledgerKeys } from "../ledger/entries";

/** Rule types a shopper claims from the widget. */
export const CLAIMABLE_ACTION_TYPES = ["social_follow", "newsletter", "custom"] as const;
export type ClaimableActionType = (typeof CLAIMABLE_ACTION_TYPES)[number];

/**
 * Rule types the widget shows for information only: orders, enrolment and reviews earn
 * elsewhere, and birthday points come on the day to members who gave their birthday
 * (app/loyalty/dates, 0023; the "claim it any day" of earlier versions is gone, and its
 * ledger rows, `action:<rule>:<customer>:<year>`, stay as they are).
 */
export const INFO_ACTION_TYPES = ["purchase", "signup", "birthday", "review", "nth_order"] as const;

export const EARNING_RULE_TYPES = [...CLAIMABLE_ACTION_TYPES, ...INFO_ACTION_TYPES] as const;
export type EarningRuleType = (typeof EARNING_RULE_TYPES)[number];

export const SOCIAL_NETWORKS = ["instagram", "tiktok", "facebook", "x"] as const;
export type SocialNetwork = (typeof SOCIAL_NETWORKS)[number];

export function isEarningRuleType(type: string): type is EarningRuleType {
  return (EARNING_RULE_TYPES as readonly string[]).includes(type);
}

export function isClaimableActionType(type: string): type is ClaimableActionType {
  return (CLAIMABLE_ACTION_TYPES as readonly string[]).includes(type);
}

/** What the widget needs from a rule's config: which network, and the link to open. */
export interface ActionConfig {
  network?: SocialNetwork;
  url?: string;
}

/**
 * EarningRule.config as stored ({"network":"tiktok","url":"https://…"}, {"every":5}).
 * Other keys other code may add are kept by mergeRuleConfig (rules.ts), ignored here.
 */
const storedRuleConfig = z.object({
  network: z.enum(SOCIAL_NETWORKS).optional(),
  url: z.string().optional(),
  /** nth_order: the bonus pays on every `every`-th order. */
  every: z.number().int().min(2).optional(),
  /** signup, nth_order, birthday: a free_product reward given as a gift with (or instead of) the points (0031). */
  giftRewardId: z.string().min(1).max(64).optional(),
});
export type StoredRuleConfig = z.output<typeof storedRuleConfig>;

/** A rule's config JSON: unknown keys ignored, malformed values dropped (and reported). */
export function readStoredRuleConfig(json: string, report?: JsonReport): StoredRuleConfig {
  return readJsonColumn(json, storedRuleConfig, {}, { what: "EarningRule.config", salvage: true, ...report });
}

/**
 * A rule's config as the widget gets it: the network for follows, the link for follows
 * and custom actions. The URL is handed to the widget as a link, so only http(s) URLs pass
 * (never `javascript:` or `data:`); a malformed config reads as empty rather than breaking
 * the widget for every shopper.
 */
export function parseActionConfig(type: string, json: string, report?: JsonReport): ActionConfig {
  const { network, url } = readStoredRuleConfig(json, report);
  const config: ActionConfig = {};
  if (type === "social_follow" && network) config.network = network;
  if ((type === "social_follow" || type === "custom") && url !== undefined && isWebUrl(url)) config.url = url;
  return config;
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    // new URL throws on anything that is not an absolute URL: then it is not a link to open.
    return false;
  }
}

export type ClaimPeriod = "once" | "once_per_year";

/**
 * How often a claimable action pays. `once_per_year` is a calendar year in the shop's time
 * zone. Actions never pay without limit, whatever the rule says: an "unlimited" follow or
 * newsletter claim would let a script mint points, so it pays once.
 */
export function claimPeriod(rule: { type: ClaimableActionType; limit: string }): ClaimPeriod {
  return rule.limit === "once_per_year" ? "once_per_year" : "once";
}


/**
 * The calendar year at `at` in `timeZone` (an IANA name such as the shop's
 * `ianaTimezone`). An unknown zone reads as UTC rather than failing the shopper's claim.
 */
export function yearInTimeZone(at: Date, timeZone: string): number {
  return localDate(at, timeZone).year;
}

/**
 * The ledger idempotency key of a claim: one per rule and customer, plus the year for
 * yearly rules. Keyed by rule id, so a merchant who deletes a rule and creates a new one
 * starts a new offer.
 */
export function computeClaimKey(
  rule: { id: string; type: ClaimableActionType; limit: string },
  customerGid: string,
  year: number,
): string {
  const base = `action:${rule.id}:${customerGid}`;
  return claimPeriod(rule) === "once_per_year" ? `${base}:${year}` : base;
}

/** A rule a shopper can claim: a claimable type that moves a positive whole number of points. */
export function isClaimableRule(rule: { type: string; points: number; enabled: boolean }): rule is typeof rule & { type: ClaimableActionType } {
  return rule.enabled && isClaimableActionType(rule.type) && Number.isSafeInteger(rule.points) && rule.points > 0;
}

export type WayState = "done" | "claim" | "go" | "info";

export interface WayRule {
  id: string;
  type: string;
  name: string;
  points: number;
  enabled: boolean;
  limit: string;
  config: string;
  /** Purchase rules: `points` for every `spendMinor` of eligible spend. */
  spendMinor: bigint | number | null;
  createdAt: Date;
}

export interface WayView {
  id: string;
  type: EarningRuleType;
  name: string;
  points: number;
  state: WayState;
  config: ActionConfig;
  /** Purchase rules: "Earn 1 point per 1 €" is `points` per `spendMinor` of the shop currency. */
  earn?: { points: number; spendMinor: number };
}

/** Who is looking at the ways to earn. */
export interface WayViewer {
  customerGid: string;
  /** An active member of a live program; otherwise nothing can be claimed now. */
  canClaim: boolean;
  /** Ledger keys of this member that exist (see computeWayKeys). */
  existingKeys: ReadonlySet<string>;
  /** The current year in the shop's time zone. */
  year: number;
}

/** The ledger keys that decide whether each rule is done for this customer now. */
export function computeWayKeys(rules: readonly WayRule[], customerGid: string, year: number): string[] {
  const keys = new Set<string>();
  for (const rule of rules) {
    if (rule.type === "signup") keys.add(ledgerKeys.signup(customerGid));
    else if (isClaimableRule(rule)) keys.add(computeClaimKey(rule, customerGid, year));
  }
  return [...keys];
}

function typeOrder(type: string): number {
  if (type === "purchase") return 0;
  if (type === "signup") return 1;
  return 2;
}

/**
 * The enabled rules as the widget shows them: purchase first, then sign-up, then the rest
 * by points (most first). Unknown types and rules worth nothing are left out.
 * - guest (viewer null): everything is "info" (the widget invites them to join);
 * - sign-up: "done" once its bonus is in the ledger, else "info" (it is not claimable);
 * - claimable actions: "done" when this period's claim exists; else "go" when there is a
 *   link to open first (then claim), "claim" otherwise; "info" when the viewer cannot
 *   claim (excluded member, program not live);
 * - purchase, review, nth_order: "info" (purchase carries its earn rate).
 */
export function computeWays(rules: readonly WayRule[], viewer: WayViewer | null, onInvalid?: OnInvalidJson): WayView[] {
  const shown = rules.filter((r) => r.enabled && isEarningRuleType(r.type) && Number.isSafeInteger(r.points) && r.points > 0);
  const sorted = [...shown].sort(
    (a, b) =>
      typeOrder(a.type) - typeOrder(b.type) ||
      b.points - a.points ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return sorted.map((rule) => {
    const config = parseActionConfig(rule.type, rule.config, { id: rule.id, onInvalid });
    const view: WayView = {
      id: rule.id,
      type: rule.type as EarningRuleType,
      name: rule.name,
      points: rule.points,
      state: computeWayState(rule, config, viewer),
      config,
    };
    if (rule.type === "purchase" && rule.spendMinor !== null && Number(rule.spendMinor) > 0) {
      view.earn = { points: rule.points, spendMinor: Number(rule.spendMinor) };
    }
    return view;
  });
}

function computeWayState(rule: WayRule, config: ActionConfig, viewer: WayViewer | null): WayState {
  if (!viewer) return "info";
  if (rule.type === "signup") return viewer.existingKeys.has(ledgerKeys.signup(viewer.customerGid)) ? "done" : "info";
  if (!isClaimableRule(rule)) return "info";
  if (viewer.existingKeys.has(computeClaimKey(rule, viewer.customerGid, viewer.year))) return "done";
  if (!viewer.canClaim) return "info";
  return config.url ? "go" : "claim";
}
