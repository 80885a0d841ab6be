import { z } from "zod";
import { formatMinorPlain, readMoneyInput } from "../ledger/money";
import { parseJsonInput, readJsonColumn, type JsonReport } from "../json-column";

// Referral settings (Program.referralSettings, JSON): the friend's discount, the referrer's
// reward, bonuses, the monthly cap and what the fraud rules hold. Pure.
// docs/decisions/0009-referrals.md

export const REFERRAL_DISCOUNT_TYPES = ["percent_off", "amount_off", "free_shipping"] as const;
export type ReferralDiscountType = (typeof REFERRAL_DISCOUNT_TYPES)[number];
export const REFERRER_REWARD_TYPES = ["points", ...REFERRAL_DISCOUNT_TYPES] as const;
export type ReferrerRewardType = (typeof REFERRER_REWARD_TYPES)[number];

/** A discount Kanta creates for a referral: the friend's welcome offer or the referrer's reward. */
export interface ReferralDiscount {
  type: ReferralDiscountType;
  percentOff: number | null; // percent_off, 1–100
  valueMinor: number | null; // amount_off, shop currency
  minOrderMinor: number | null;
  expiryDays: number | null; // null = no end date
}

export interface ReferrerReward {
  type: ReferrerRewardType;
  points: number | null; // points
  percentOff: number | null;
  valueMinor: number | null;
  minOrderMinor: number | null;
  expiryDays: number | null;
}

/**
 * Why a referral is held for the merchant or rejected. The first group the merchant decides
 * (hold for review, or reject automatically); the second is always rejected.
 */
export const REVIEW_REASONS = ["same_email", "same_address", "same_phone", "self_visit", "existing_customer", "monthly_cap"] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];
export const ALWAYS_REJECTED = ["self_referral", "already_referred", "referrer_inactive"] as const;
export type RejectReason = (typeof ALWAYS_REJECTED)[number];
export type ReferralReason = ReviewReason | RejectReason;

export type ReviewAction = "hold" | "reject";

export interface ReferralSettings {
  enabled: boolean;
  friend: ReferralDiscount;
  referrer: ReferrerReward;
  /** Extra points once each, when a member's count of completed referrals reaches `count`. */
  bonuses: { count: number; points: number }[];
  /** At most this many referral rewards per referrer per shop-local calendar month; null = no cap. */
  monthlyCap: number | null;
  review: Record<ReviewReason, ReviewAction>;
  /**
   * At most this many friend welcome codes per shop-local day, shop-wide (a farm of
   * throwaway emails stops here). Edited on the Referrals page. docs/decisions/0013-abuse-limits.md
   */
  friendDailyCap: number;
}

export const DEFAULT_FRIEND_DAILY_CAP = 100;
export const MAX_FRIEND_DAILY_CAP = 100_000;

export const DEFAULT_REVIEW: Readonly<Record<ReviewReason, ReviewAction>> = {
  same_email: "reject",
  same_address: "hold",
  same_phone: "hold",
  self_visit: "hold",
  existing_customer: "reject",
  monthly_cap: "hold",
};

export const DEFAULT_REFERRAL_SETTINGS: ReferralSettings = {
  enabled: false,
  friend: { type: "percent_off", percentOff: 10, valueMinor: null, minOrderMinor: null, expiryDays: 30 },
  referrer: { type: "points", points: 500, percentOff: null, valueMinor: null, minOrderMinor: null, expiryDays: null },
  bonuses: [],
  monthlyCap: null,
  review: { ...DEFAULT_REVIEW },
  friendDailyCap: 100,
};

const storedDiscount = z.object({
  type: z.enum(REFERRAL_DISCOUNT_TYPES),
  percentOff: z.number().int().min(1).max(100).nullable().default(null),
  valueMinor: z.number().int().positive().nullable().default(null),
  minOrderMinor: z.number().int().nonnegative().nullable().default(null),
  expiryDays: z.number().int().min(1).max(365).nullable().default(null),
});
const storedSettings = z.object({
  enabled: z.boolean().default(false),
  friend: storedDiscount.default(DEFAULT_REFERRAL_SETTINGS.friend),
  referrer: storedDiscount
    .omit({ type: true })
    .extend({ type: z.enum(REFERRER_REWARD_TYPES), points: z.number().int().positive().nullable().default(null) })
    .default(DEFAULT_REFERRAL_SETTINGS.referrer),
  bonuses: z.array(z.object({ count: z.number().int().positive(), points: z.number().int().positive() })).default([]),
  monthlyCap: z.number().int().positive().nullable().default(null),
  review: z.record(z.string(), z.enum(["hold", "reject"])).default({}),
  friendDailyCap: z.number().int().min(1).max(100_000).default(100),
});

/**
 * Reads stored settings; a missing field takes its default, and settings that are not
 * readable as a whole are the defaults as a whole (and reported): a referral program half
 * read from bad data could pay what the merchant never set. Saving validates.
 */
export function parseReferralSettings(json: string | null | undefined, report?: JsonReport): ReferralSettings {
  const s = readJsonColumn(json, storedSettings.nullable(), null, { what: "Program.referralSettings", ...report });
  if (!s) return structuredClone(DEFAULT_REFERRAL_SETTINGS);
  const review = { ...DEFAULT_REVIEW };
  for (const reason of REVIEW_REASONS) {
    const action = s.review[reason];
    if (action) review[reason] = action;
  }
  return {
    enabled: s.enabled,
    friend: s.friend,
    referrer: s.referrer,
    bonuses: [...s.bonuses].sort((a, b) => a.count - b.count),
    monthlyCap: s.monthlyCap,
    review,
    friendDailyCap: s.friendDailyCap,
  };
}

export function serializeReferralSettings(settings: ReferralSettings): string {
  return JSON.stringify(settings);
}

/**
 * The admin form's values, as the merchant typed them: money in major units of the shop
 * currency ("5.00"), numbers as text, "" for "none".
 */
export interface ReferralSettingsDraft {
  enabled: boolean;
  friendType: string;
  friendPercent: string;
  friendAmount: string;
  friendMinOrder: string;
  friendExpiryDays: string;
  referrerType: string;
  referrerPoints: string;
  referrerPercent: string;
  referrerAmount: string;
  referrerMinOrder: string;
  referrerExpiryDays: string;
  bonuses: { count: string; points: string }[];
  monthlyCap: string;
  review: Record<string, string>;
}

export type ReferralSettingsErrors = Record<string, string>;

const text = z.string().max(40);
const draftSchema = z.object({
  enabled: z.boolean(),
  friendType: text,
  friendPercent: text,
  friendAmount: text,
  friendMinOrder: text,
  friendExpiryDays: text,
  referrerType: text,
  referrerPoints: text,
  referrerPercent: text,
  referrerAmount: text,
  referrerMinOrder: text,
  referrerExpiryDays: text,
  bonuses: z.array(z.object({ count: text, points: text })).max(50),
  monthlyCap: text,
  review: z.record(text, text),
});

/** The admin form's JSON body, shape-checked (the values are validated by validateReferralSettings). */
export function parseSettingsDraft(json: unknown): ReferralSettingsDraft | null {
  const parsed = parseJsonInput(json, draftSchema);
  return parsed.ok ? parsed.data : null;
}

export const MAX_BONUSES = 10;
export const MAX_REWARD_POINTS = 100_000;

export function settingsToDraft(settings: ReferralSettings, currencyCode: string): ReferralSettingsDraft {
  const money = (minor: number | null) => (minor === null ? "" : formatMinorPlain(minor, currencyCode));
  const text = (n: number | null) => (n === null ? "" : String(n));
  return {
    enabled: settings.enabled,
    friendType: settings.friend.type,
    friendPercent: text(settings.friend.percentOff),
    friendAmount: money(settings.friend.valueMinor),
    friendMinOrder: money(settings.friend.minOrderMinor),
    friendExpiryDays: text(settings.friend.expiryDays),
    referrerType: settings.referrer.type,
    referrerPoints: text(settings.referrer.points),
    referrerPercent: text(settings.referrer.percentOff),
    referrerAmount: money(settings.referrer.valueMinor),
    referrerMinOrder: money(settings.referrer.minOrderMinor),
    referrerExpiryDays: text(settings.referrer.expiryDays),
    bonuses: settings.bonuses.map((b) => ({ count: String(b.count), points: String(b.points) })),
    monthlyCap: text(settings.monthlyCap),
    review: { ...settings.review },
  };
}

const WHOLE = /^\d+$/;

function wholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!WHOLE.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

/**
 * Validates the admin form. Every invalid field gets its own message; nothing is returned
 * to save unless every field is valid.
 */
export function validateReferralSettings(
  draft: ReferralSettingsDraft,
  currencyCode: string,
): { ok: true; settings: ReferralSettings } | { ok: false; errors: ReferralSettingsErrors } {
  const errors: ReferralSettingsErrors = {};
  const money = (field: string, text: string, options: { required: boolean; message: string }): number | null => {
    const read = readMoneyInput(text, currencyCode, { sign: options.required ? "positive" : "non_negative" });
    if (read.ok) return read.minor;
    const { code, message } = read.error;
    // An empty optional amount is "none"; what is wrong with a typed one is said as it is.
    if (code === "empty" && !options.required) return null;
    errors[field] = ["empty", "not_money", "negative", "zero"].includes(code) ? options.message : message;
    return null;
  };
  const optionalDays = (field: string, text: string): number | null => {
    if (text.trim() === "") return null;
    const n = wholeNumber(text, 1, 365);
    if (n === null) errors[field] = "Enter a number of days from 1 to 365, or leave it empty";
    return n;
  };
  const discount = (prefix: "friend" | "referrer", type: ReferralDiscountType): ReferralDiscount => {
    const d = draft as unknown as Record<string, string>;
    const percentOff = type === "percent_off" ? wholeNumber(d[`${prefix}Percent`] ?? "", 1, 100) : null;
    if (type === "percent_off" && percentOff === null) errors[`${prefix}Percent`] = "Enter a whole percentage from 1 to 100";
    const valueMinor =
      type === "amount_off" ? money(`${prefix}Amount`, d[`${prefix}Amount`] ?? "", { required: true, message: "Enter an amount greater than 0, like 5.00" }) : null;
    const minOrderMinor = money(`${prefix}MinOrder`, d[`${prefix}MinOrder`] ?? "", { required: false, message: "Enter an amount like 25.00, or leave it empty" });
    if (type === "amount_off" && valueMinor !== null && minOrderMinor !== null && minOrderMinor > 0 && minOrderMinor < valueMinor) {
      errors[`${prefix}MinOrder`] = "The minimum order must be at least the discount amount";
    }
    return { type, percentOff, valueMinor, minOrderMinor: minOrderMinor || null, expiryDays: optionalDays(`${prefix}ExpiryDays`, d[`${prefix}ExpiryDays`] ?? "") };
  };

  const friendType = (REFERRAL_DISCOUNT_TYPES as readonly string[]).includes(draft.friendType) ? (draft.friendType as ReferralDiscountType) : null;
  if (!friendType) errors.friendType = "Choose what your friends get";
  const friend = friendType ? discount("friend", friendType) : DEFAULT_REFERRAL_SETTINGS.friend;

  const referrerType = (REFERRER_REWARD_TYPES as readonly string[]).includes(draft.referrerType) ? (draft.referrerType as ReferrerRewardType) : null;
  if (!referrerType) errors.referrerType = "Choose what members get";
  let referrer: ReferrerReward = DEFAULT_REFERRAL_SETTINGS.referrer;
  if (referrerType === "points") {
    const points = wholeNumber(draft.referrerPoints, 1, MAX_REWARD_POINTS);
    if (points === null) errors.referrerPoints = "Enter whole points from 1 to 100,000";
    referrer = { type: "points", points, percentOff: null, valueMinor: null, minOrderMinor: null, expiryDays: null };
  } else if (referrerType) {
    referrer = { ...discount("referrer", referrerType), points: null };
  }

  if (draft.bonuses.length > MAX_BONUSES) errors.bonuses = `Add at most ${MAX_BONUSES} bonuses`;
  const bonuses: { count: number; points: number }[] = [];
  const seen = new Set<number>();
  draft.bonuses.slice(0, MAX_BONUSES).forEach((b, i) => {
    const count = wholeNumber(b.count, 1, 1000);
    const points = wholeNumber(b.points, 1, MAX_REWARD_POINTS);
    if (count === null) errors[`bonuses.${i}.count`] = "Enter a number of referrals from 1 to 1,000";
    else if (seen.has(count)) errors[`bonuses.${i}.count`] = "Each bonus needs a different number of referrals";
    if (points === null) errors[`bonuses.${i}.points`] = "Enter whole points from 1 to 100,000";
    if (count !== null) seen.add(count);
    if (count !== null && points !== null) bonuses.push({ count, points });
  });

  let monthlyCap: number | null = null;
  if (draft.monthlyCap.trim() !== "") {
    monthlyCap = wholeNumber(draft.monthlyCap, 1, 1000);
    if (monthlyCap === null) errors.monthlyCap = "Enter a whole number from 1 to 1,000, or leave it empty";
  }

  const review = { ...DEFAULT_REVIEW };
  for (const reason of REVIEW_REASONS) {
    const action = draft.review[reason];
    if (action === undefined) continue;
    if (action !== "hold" && action !== "reject") errors[`review.${reason}`] = "Choose hold for review or reject";
    else review[reason] = action;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    // The daily cap is edited on its own (validateFriendDailyCap); saving keeps the stored one.
    settings: { enabled: draft.enabled, friend, referrer, bonuses: bonuses.sort((a, b) => a.count - b.count), monthlyCap, review, friendDailyCap: DEFAULT_FRIEND_DAILY_CAP },
  };
}

/** The Referrals page's daily cap field: a whole number of welcome codes per day. */
export function validateFriendDailyCap(text: string): { ok: true; cap: number } | { ok: false; error: string } {
  const cap = wholeNumber(text.replace(/[,\s]/g, ""), 1, MAX_FRIEND_DAILY_CAP);
  return cap === null ? { ok: false, error: "Enter a whole number of codes from 1 to 100,000" } : { ok: true, cap };
}
