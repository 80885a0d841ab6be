// VIP tier rules. Pure: the callers read members' numbers and the ladder from the database.
//
// A member qualifies for the highest tier whose threshold their number for the current
// window reaches. The number is per Program.tierBasis: net eligible spend (minor units of
// shop money), points earned, or paid orders; the window is per Program.tierPeriod: the
// shop-local calendar year, the trailing 12 months, or the member's whole history.
// Upgrades happen as soon as a member qualifies; downgrades only at a review (the end of
// a calendar year, each day for a rolling window), and Program.tierKeepNextPeriod keeps a
// tier earned in one period through the next period's review.
// docs/decisions/0007-tier-qualification.md, docs/decisions/0008-multipliers-and-tier-review.md

import { z } from "zod";
import { isPaidOnly, storedMembership, type TierMembershipConfig } from "./paid";
import { readJsonColumn, type JsonReport } from "../json-column";
import { localDate, zonedToUtc } from "../program/zoned-time";

export const TIER_BASES = ["spend", "points", "orders"] as const;
export type TierBasis = (typeof TIER_BASES)[number];
export const TIER_PERIODS = ["calendar_year", "rolling_12_months", "lifetime"] as const;
export type TierPeriod = (typeof TIER_PERIODS)[number];

export function isTierBasis(value: string): value is TierBasis {
  return (TIER_BASES as readonly string[]).includes(value);
}

export function isTierPeriod(value: string): value is TierPeriod {
  return (TIER_PERIODS as readonly string[]).includes(value);
}

/** Unknown stored values read as the defaults (spend per calendar year). */
export function toTierBasis(value: string): TierBasis {
  return isTierBasis(value) ? value : "spend";
}

export function toTierPeriod(value: string): TierPeriod {
  return isTierPeriod(value) ? value : "calendar_year";
}

export interface TierRung {
  name: string;
  rank: number;
  /**
   * What qualifies for the tier per period, in the basis' unit: minor units of the shop
   * currency (spend), points, or orders. (The column predates the other bases.)
   */
  thresholdMinor: number;
  /** A paid-only tier (./paid.ts) is never reached by the number. */
  perks?: { membership?: TierMembershipConfig | null };
}

export interface TierProgress {
  /** The next tier up and what is still missing; null at the top tier. */
  next: { name: string; rank: number; thresholdMinor: number; remainingMinor: number } | null;
  periodEnd: Date | null;
}

// ---- time: periods in the shop's time zone ----

/**
 * The shop-local calendar year containing `now`, as UTC instants: [start, end). An unknown
 * zone reads as UTC, as yearInTimeZone in ./actions does.
 */
export function calendarYearBounds(now: Date, ianaTimeZone: string): { start: Date; end: Date } {
  const { year } = localDate(now, ianaTimeZone);
  return { start: zonedToUtc(ianaTimeZone, year, 0, 1), end: zonedToUtc(ianaTimeZone, year + 1, 0, 1) };
}

/** The shop-local year number of an instant ("2026"). */
export function localYear(now: Date, ianaTimeZone: string): number {
  return localDate(now, ianaTimeZone).year;
}

/** Shop-local midnight at the start of the day containing `now`. */
export function startOfLocalDay(now: Date, ianaTimeZone: string): Date {
  const { year, monthIndex, day } = localDate(now, ianaTimeZone);
  return zonedToUtc(ianaTimeZone, year, monthIndex, day);
}

/** The same instant twelve calendar months earlier (29 February becomes 28 February). */
export function twelveMonthsBefore(at: Date): Date {
  const year = at.getUTCFullYear() - 1;
  const month = at.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(at.getUTCDate(), lastDay), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()),
  );
}

/** A qualification window [start, end); null means unbounded on that side. */
export interface TierWindow {
  start: Date | null;
  end: Date | null;
}

/**
 * The window whose number decides the tier now: this shop-local calendar year; the 12
 * months up to `now` (an order exactly 12 months old still counts, one a millisecond
 * older does not); or everything.
 */
export function currentTierWindow(period: TierPeriod, now: Date, ianaTimeZone: string): TierWindow {
  switch (period) {
    case "calendar_year":
      return calendarYearBounds(now, ianaTimeZone);
    case "rolling_12_months":
      return { start: twelveMonthsBefore(now), end: null };
    case "lifetime":
      return { start: null, end: null };
  }
}

/** The calendar year before the current one (what a year-end review looks back on); null for other periods. */
export function previousTierWindow(period: TierPeriod, now: Date, ianaTimeZone: string): TierWindow | null {
  if (period !== "calendar_year") return null;
  const current = calendarYearBounds(now, ianaTimeZone);
  const previous = calendarYearBounds(new Date(current.start.getTime() - 1), ianaTimeZone);
  return { start: previous.start, end: current.start };
}

/** When the current qualification period ends (the widget's "by 31.12."); null when it does not end. */
export function tierPeriodEnd(period: TierPeriod, now: Date, ianaTimeZone: string): Date | null {
  return period === "calendar_year" ? calendarYearBounds(now, ianaTimeZone).end : null;
}

/**
 * The latest review boundary at or before `now`: the start of the shop-local year (the
 * year-end review), the start of the shop-local day (rolling windows are reviewed daily),
 * or null (a lifetime tier is never reviewed down). A review is due when the last one
 * finished before this boundary.
 */
export function latestReviewBoundary(period: TierPeriod, now: Date, ianaTimeZone: string): Date | null {
  switch (period) {
    case "calendar_year":
      return calendarYearBounds(now, ianaTimeZone).start;
    case "rolling_12_months":
      return startOfLocalDay(now, ianaTimeZone);
    case "lifetime":
      return null;
  }
}

export function inWindow(at: Date, window: TierWindow): boolean {
  return (window.start === null || at >= window.start) && (window.end === null || at < window.end);
}

// ---- qualification ----

/** The highest tier whose threshold the number reaches; `tiers` sorted by rank ascending. */
export function qualifyingTier<T extends TierRung>(tiers: readonly T[], value: number): T | null {
  let best: T | null = null;
  for (const tier of tiers) {
    if (isPaidOnly(tier)) continue;
    if (tier.thresholdMinor <= value && (best === null || tier.rank > best.rank)) best = tier;
  }
  return best;
}

/** What the member still needs this period for the next tier above `currentTierRank`. */
export function computeTierProgress(
  tiers: readonly TierRung[],
  currentTierRank: number | null,
  value: number,
  periodEnd: Date | null,
): TierProgress {
  const next = tiers
    .filter((t) => (currentTierRank === null || t.rank > currentTierRank) && !isPaidOnly(t))
    .sort((a, b) => a.rank - b.rank)[0];
  return {
    next: next
      ? {
          name: next.name,
          rank: next.rank,
          thresholdMinor: next.thresholdMinor,
          remainingMinor: Math.max(0, next.thresholdMinor - value),
        }
      : null,
    periodEnd,
  };
}

/**
 * Order events only ever move a member up; moving down is the review's job, so a refund
 * never demotes mid-period.
 */
export function shouldUpgrade(currentRank: number | null, qualifyingRank: number | null): boolean {
  if (qualifyingRank === null) return false;
  return currentRank === null || qualifyingRank > currentRank;
}

export type ManualState = "none" | "active" | "expired";

/** A merchant's assignment holds until `until` (null: until the merchant changes it). */
export function manualState(tierManual: boolean, tierManualUntil: Date | null, now: Date): ManualState {
  if (!tierManual) return "none";
  return tierManualUntil !== null && tierManualUntil.getTime() <= now.getTime() ? "expired" : "active";
}

export interface TierReviewInput {
  /** The member's tier rank now; null without a tier. */
  currentRank: number | null;
  /** The rank the current window's number qualifies for; null if no tier does. */
  qualifiedRank: number | null;
  /** Calendar years: the rank the year just closed qualified for; null otherwise. */
  previousRank: number | null;
  manual: ManualState;
  keepNextPeriod: boolean;
  period: TierPeriod;
  /** Rolling windows: the member moved into their tier less than 12 months ago. */
  heldRecently: boolean;
  /** A review boundary passed since the last review (year end; each day for rolling). */
  demotionsAllowed: boolean;
  /** The highest tier an active paid membership holds (./paid.ts); null without one. */
  paidRank?: number | null;
  /** A paid membership ran out since the last pass: the member is reviewed at once. */
  paidExpired?: boolean;
}

export interface TierDecision {
  change: "up" | "down" | "none";
  /** The rank to move to (the current rank when nothing changes). */
  rank: number | null;
  /** The merchant's assignment ends (it expired, or the member earned a higher tier). */
  clearManual: boolean;
}

/**
 * What one member's tier should be, as a pass over the shop decides it:
 * - Up, whenever the current window qualifies for a higher tier (a manual tier is a floor,
 *   not a ceiling: earning a higher tier ends the assignment).
 * - Down only at a review, never below an active manual tier; an expired manual tier is
 *   reviewed at once. The floor is what the current window qualifies for; with
 *   keepNextPeriod, also what the closed calendar year qualified for (a tier earned in
 *   2026 is kept through the review at the end of 2027), or for a rolling window the
 *   current tier while it is less than 12 months old. Lifetime tiers are never reviewed.
 */
export function decideTier(input: TierReviewInput): TierDecision {
  const current = input.currentRank;
  const paid = input.paidRank ?? null;
  // A paid tier is a floor like a manual one, kept until its period ends (0032).
  const qualified = paid !== null && (input.qualifiedRank === null || paid > input.qualifiedRank) ? paid : input.qualifiedRank;
  if (qualified !== null && (current === null || qualified > current)) {
    return { change: "up", rank: qualified, clearManual: input.manual === "expired" || (input.manual !== "none" && (input.qualifiedRank ?? -1) > (current ?? -1)) };
  }
  const none: TierDecision = { change: "none", rank: current, clearManual: input.manual === "expired" };
  if (input.manual === "active" || current === null || qualified === null) return none;
  const reviewing = (input.demotionsAllowed && input.period !== "lifetime") || input.manual === "expired" || input.paidExpired === true;
  if (!reviewing) return none;
  let floor = qualified;
  if (input.keepNextPeriod) {
    if (input.period === "calendar_year" && input.previousRank !== null) floor = Math.max(floor, input.previousRank);
    if (input.period === "rolling_12_months" && input.heldRecently) floor = Math.max(floor, current);
  }
  return floor < current ? { change: "down", rank: floor, clearManual: input.manual === "expired" } : none;
}

/**
 * The rank the next review would give a member on today's numbers (the tier editor's
 * preview): at a year end the closing year is the one running now and the new year has
 * no orders yet; a rolling window is reviewed tomorrow; lifetime tiers are never reviewed.
 */
export function nextReviewRank(input: {
  currentRank: number | null;
  qualifiedRank: number | null;
  entryRank: number | null;
  manualActive: boolean;
  keepNextPeriod: boolean;
  period: TierPeriod;
  heldRecently: boolean;
}): number | null {
  const { currentRank: current, qualifiedRank: qualified } = input;
  if (input.manualActive || current === null || qualified === null || input.period === "lifetime") return current;
  let floor: number;
  if (input.period === "calendar_year") floor = input.keepNextPeriod ? qualified : (input.entryRank ?? qualified);
  else floor = input.keepNextPeriod && input.heldRecently ? Math.max(qualified, current) : qualified;
  return Math.min(current, floor);
}

// ---- perks ----

export interface TierPerks {
  /** Points paid once per member, tier and period on reaching the tier. */
  entryPoints: number;
  /** Replaces the birthday rule's points for members of this tier; null keeps the rule's. */
  birthdayPoints: number | null;
  /** Shown as a benefit ("Free shipping on every order"); see 0008 for why no codes are issued. */
  freeShipping: boolean;
  /** A free_product reward given as a gift on reaching the tier (with entryPoints or alone), 0031. */
  entryGiftRewardId?: string | null;
  /** A free_product reward given as a gift on the birthday to members of this tier (replaces the birthday rule's gift), 0031. */
  birthdayGiftRewardId?: string | null;
  /** A paid tier: the products that buy it and for how long (./paid.ts, 0032); null = earned only. */
  membership?: TierMembershipConfig | null;
}

export const NO_PERKS: TierPerks = { entryPoints: 0, birthdayPoints: null, freeShipping: false };

const wholePoints = z.number().int().min(0);
/** Tier.perks as serializeTierPerks writes it: only the perks that are set. */
const storedPerks = z.object({
  entryPoints: wholePoints.default(0),
  birthdayPoints: wholePoints.nullable().default(null),
  freeShipping: z.boolean().default(false),
  entryGiftRewardId: z.string().min(1).max(64).nullable().optional(),
  birthdayGiftRewardId: z.string().min(1).max(64).nullable().optional(),
  membership: storedMembership.nullable().optional(),
});

/** Tier.perks JSON, read tolerantly: unknown keys are ignored, bad values dropped (and reported). */
export function parseTierPerks(json: string | null | undefined, report?: JsonReport): TierPerks {
  return readJsonColumn(json, storedPerks, NO_PERKS, { what: "Tier.perks", salvage: true, ...report });
}

/** Tier.perks JSON with only the perks that are set. */
export function serializeTierPerks(perks: TierPerks): string {
  const out: Record<string, unknown> = {};
  if (perks.entryPoints > 0) out.entryPoints = perks.entryPoints;
  if (perks.birthdayPoints !== null) out.birthdayPoints = perks.birthdayPoints;
  if (perks.freeShipping) out.freeShipping = true;
  if (perks.entryGiftRewardId) out.entryGiftRewardId = perks.entryGiftRewardId;
  if (perks.birthdayGiftRewardId) out.birthdayGiftRewardId = perks.birthdayGiftRewardId;
  if (perks.membership) out.membership = perks.membership;
  return JSON.stringify(out);
}

/**
 * The ledger key of a tier's entry points: once per member, tier and period (the
 * shop-local year; "all" for lifetime tiers), so moving down and back up within a year
 * pays nothing more.
 */
export function tierEntryKey(memberId: string, tierId: string, period: TierPeriod, now: Date, ianaTimeZone: string): string {
  const periodKey = period === "lifetime" ? "all" : String(localYear(now, ianaTimeZone));
  return `${TIER_ENTRY_KEY_PREFIX}${memberId}:${tierId}:${periodKey}`;
}

/** Entry points are not "points earned" for the points basis: a tier's bonus never lifts a member into the next. */
export const TIER_ENTRY_KEY_PREFIX = "tier-entry:";

// ---- Shopify customer tag ----

/** "Platinum" -> "platinum", "Kulta ✨" -> "kulta", "VIP Gold!" -> "vip-gold". */
export function tierSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "tier";
}

/**
 * The tag every member with a tier carries beside the tier tag (the tier sync adds it and
 * never removes it: a member is a member whatever their tier). Members-only products (0034).
 */
export const MEMBER_TAG = "kanta-member";

/** The customer tag that says a member's tier in Shopify (segments, Flow, discounts). */
export function tierTag(name: string): string {
  return `kanta-tier-${tierSlug(name)}`;
}
