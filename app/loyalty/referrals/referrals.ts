// Referrals: settings, codes, the fraud rules and the referral's life cycle. Pure: no
// persistence, no Shopify, no environment (referrals.server.ts owns those).
// docs/decisions/0009-referrals.md
import { localDate, zonedToUtc } from "../program/zoned-time";
import { z } from "zod";
import { MoneyError, formatMinorPlain, parseMoneyToMinor } from "../ledger/money";
import type { DiscountSpec } from "../rewards/rewards";

// ---- settings (Program.referralSettings, JSON) ----

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
}

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
});

/** Reads stored settings; anything missing or unreadable takes its default (saving validates). */
export function parseReferralSettings(json: string | null | undefined): ReferralSettings {
  let raw: unknown = {};
  try {
    raw = JSON.parse(json || "{}");
  } catch {
    raw = {};
  }
  const parsed = storedSettings.safeParse(raw);
  if (!parsed.success) return structuredClone(DEFAULT_REFERRAL_SETTINGS);
  const s = parsed.data;
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
  let raw: unknown = json;
  if (typeof json === "string") {
    try {
      raw = JSON.parse(json);
    } catch {
      return null;
    }
  }
  const parsed = draftSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
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
    const t = text.trim();
    if (t === "") {
      if (options.required) errors[field] = options.message;
      return null;
    }
    try {
      const minor = parseMoneyToMinor(t, currencyCode);
      if (minor < 0 || (options.required && minor === 0)) {
        errors[field] = options.message;
        return null;
      }
      return minor;
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      errors[field] = options.message;
      return null;
    }
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
    settings: { enabled: draft.enabled, friend, referrer, bonuses: bonuses.sort((a, b) => a.count - b.count), monthlyCap, review },
  };
}

// ---- codes and tokens ----

// No 0/O, 1/I/L or U: readable aloud and typed without mistakes.
const REFERRAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Picks `length` characters uniformly (rejection sampling: no modulo bias). */
function randomChars(alphabet: string, length: number, randomBytes: (n: number) => Uint8Array): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A member's referral code: 8 characters, 30^8 ≈ 6.6 × 10^11 possibilities. */
export function generateReferralCode(randomBytes: (n: number) => Uint8Array): string {
  return randomChars(REFERRAL_ALPHABET, 8, randomBytes);
}

export function normaliseReferralCode(text: string): string | null {
  const code = text.trim().toUpperCase();
  return /^[2-9A-HJKMNP-TV-Z]{8}$/.test(code) ? code : null;
}

/** The friend's welcome code, e.g. FRIEND-7QX4-M2PD. The prefix lets order events skip the lookup for other codes. */
export const FRIEND_CODE_PREFIX = "FRIEND-";

export function generateFriendCode(randomBytes: (n: number) => Uint8Array): string {
  const chars = randomChars(REFERRAL_ALPHABET, 8, randomBytes);
  return `${FRIEND_CODE_PREFIX}${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export function isFriendCode(code: string): boolean {
  return code.trim().toUpperCase().startsWith(FRIEND_CODE_PREFIX);
}

/** The visitor token in the friend's cookie and the order's `kanta_ref` attribute: 192 random bits. */
export function isVisitorToken(text: string | null | undefined): text is string {
  return typeof text === "string" && /^[A-Za-z0-9_-]{32}$/.test(text);
}

/** The cart/order attribute that carries the visitor token (order payload `note_attributes`). */
export const REFERRAL_ATTRIBUTE = "kanta_ref";

// ---- what an order tells about the friend ----

export interface AddressFacts {
  address1: string | null;
  address2: string | null;
  city: string | null;
  zip: string | null;
  countryCode: string | null;
}

/** The referral facts of one order payload (app/webhooks/payloads.ts). */
export interface ReferralOrderFacts {
  /** The `kanta_ref` note attribute, if valid. */
  visitorToken: string | null;
  email: string | null;
  phones: string[];
  addresses: AddressFacts[];
}

/** Who a person is, as far as the fraud rules compare people. */
export interface PartyFacts {
  customerGid: string | null;
  emails: string[];
  phones: string[];
  addresses: AddressFacts[];
}

/**
 * Lower-case; "+tag" dropped (plus addressing, most providers); dots dropped for Gmail,
 * which ignores them; googlemail.com is gmail.com. Null if it is not an address at all.
 */
export function normaliseEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf("@");
  if (at < 1 || at === e.length - 1) return null;
  let local = e.slice(0, at);
  let domain = e.slice(at + 1);
  if (domain === "googlemail.com") domain = "gmail.com";
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (domain === "gmail.com") local = local.replace(/\./g, "");
  return local ? `${local}@${domain}` : null;
}

export function isValidEmail(text: string): boolean {
  return text.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text.trim()) && /\.[a-z]{2,}$/i.test(text.trim());
}

const STREET_WORDS: [RegExp, string][] = [
  [/\bstreet\b/g, "st"],
  [/\broad\b/g, "rd"],
  [/\bavenue\b/g, "ave"],
  [/\bapartment\b|\bapt\b|\bflat\b|\bunit\b|\bsuite\b|\bste\b/g, "#"],
  [/\bkatu\b/g, "k"],
  [/\bgatan\b/g, "g"],
  [/\bvej\b/g, "v"],
];

/**
 * One comparable string per postal address: country, postcode and street line(s), in lower
 * case without accents, punctuation, spaces or common street words. Null without a street.
 */
export function normaliseAddress(address: AddressFacts | null | undefined): string | null {
  if (!address?.address1?.trim()) return null;
  const clean = (text: string | null) => {
    let t = (text ?? "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    for (const [pattern, replacement] of STREET_WORDS) t = t.replace(pattern, replacement);
    return t.replace(/[^a-z0-9#]/g, "");
  };
  return [clean(address.countryCode), clean(address.zip), clean(address.address1) + clean(address.address2)].join("|");
}

/** The last 9 digits: "+358 40 123 4567" and "040 123 4567" compare equal. Null if too short. */
export function normalisePhone(phone: string | null | undefined): string | null {
  const digits = (phone ?? "").replace(/\D/g, "");
  return digits.length >= 6 ? digits.slice(-9) : null;
}

// ---- the fraud rules: one pure check each ----

/** The friend's order is the referrer's own (same Shopify customer). */
export function checkSelfReferral(referrer: PartyFacts, friend: PartyFacts): "self_referral" | null {
  return referrer.customerGid !== null && referrer.customerGid === friend.customerGid ? "self_referral" : null;
}

export function checkSameEmail(referrer: PartyFacts, friend: PartyFacts): "same_email" | null {
  const mine = new Set(referrer.emails.map(normaliseEmail).filter(Boolean));
  return friend.emails.some((e) => {
    const n = normaliseEmail(e);
    return n !== null && mine.has(n);
  })
    ? "same_email"
    : null;
}

export function checkSameAddress(referrer: PartyFacts, friend: PartyFacts): "same_address" | null {
  const mine = new Set(referrer.addresses.map(normaliseAddress).filter(Boolean));
  return friend.addresses.some((a) => {
    const n = normaliseAddress(a);
    return n !== null && mine.has(n);
  })
    ? "same_address"
    : null;
}

export function checkSamePhone(referrer: PartyFacts, friend: PartyFacts): "same_phone" | null {
  const mine = new Set(referrer.phones.map(normalisePhone).filter(Boolean));
  return friend.phones.some((p) => {
    const n = normalisePhone(p);
    return n !== null && mine.has(n);
  })
    ? "same_phone"
    : null;
}

/** The link was opened by its own member, signed in (recorded at the visit). */
export function checkSelfVisit(visit: { selfVisit: boolean }): "self_visit" | null {
  return visit.selfVisit ? "self_visit" : null;
}

/** The friend (by customer or email) already brought someone a reward or is waiting for one. */
export function checkAlreadyReferred(otherReferralsOfFriend: number): "already_referred" | null {
  return otherReferralsOfFriend > 0 ? "already_referred" : null;
}

/**
 * The friend is not new: orders before this one that Kanta has seen, or Shopify's own count
 * of the customer's orders (which includes this one) above one.
 */
export function checkExistingCustomer(friend: { earlierOrders: number; shopifyOrderCount: number | null }): "existing_customer" | null {
  return friend.earlierOrders > 0 || (friend.shopifyOrderCount ?? 0) > 1 ? "existing_customer" : null;
}

export function checkMonthlyCap(rewardsThisMonth: number, cap: number | null): "monthly_cap" | null {
  return cap !== null && rewardsThisMonth >= cap ? "monthly_cap" : null;
}

export function checkReferrerActive(referrerStatus: string): "referrer_inactive" | null {
  return referrerStatus === "active" ? null : "referrer_inactive";
}

export type ReferralDecision = { action: "accept" } | { action: "hold"; reasons: ReferralReason[] } | { action: "reject"; reasons: ReferralReason[] };

/** Rejected if any reason is always rejected or set to reject; held if any other reason; else accepted. */
export function decideReferral(reasons: readonly (ReferralReason | null)[], review: Record<ReviewReason, ReviewAction>): ReferralDecision {
  const found = reasons.filter((r): r is ReferralReason => r !== null);
  if (found.length === 0) return { action: "accept" };
  const rejecting = found.filter((r) => (ALWAYS_REJECTED as readonly string[]).includes(r) || review[r as ReviewReason] === "reject");
  if (rejecting.length > 0) return { action: "reject", reasons: rejecting };
  return { action: "hold", reasons: found };
}

export function formatReasons(reasons: readonly ReferralReason[]): string {
  return reasons.join(",");
}

export function parseReasons(text: string | null | undefined): ReferralReason[] {
  return (text ?? "").split(",").filter((r): r is ReferralReason => (REVIEW_REASONS as readonly string[]).includes(r) || (ALWAYS_REJECTED as readonly string[]).includes(r));
}

export const REASON_LABELS: Record<ReferralReason, string> = {
  self_referral: "Referred themselves",
  same_email: "Same email as the referrer",
  same_address: "Same address as the referrer",
  same_phone: "Same phone as the referrer",
  self_visit: "Link opened by the referrer",
  existing_customer: "Friend had ordered before",
  monthly_cap: "Over the monthly limit",
  already_referred: "Friend already referred",
  referrer_inactive: "Referrer excluded",
};

// ---- the life cycle ----

export const REFERRAL_STATUSES = ["visited", "friend_rewarded", "pending", "completed", "held", "rejected", "cancelled"] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = {
  visited: "Visited",
  friend_rewarded: "Friend rewarded",
  pending: "Pending",
  completed: "Completed",
  held: "Held for review",
  rejected: "Rejected",
  cancelled: "Cancelled",
};

export function isReferralStatus(value: string): value is ReferralStatus {
  return (REFERRAL_STATUSES as readonly string[]).includes(value);
}

/** Statuses before the friend's first paid order. */
export const OPEN_STATUSES: readonly ReferralStatus[] = ["visited", "friend_rewarded"];

/**
 * An order qualifies while it is paid, not cancelled and some of it is kept (net of
 * refunds and edits). Shipping, taxes and gift cards are not part of it (as for points).
 */
export function orderQualifies(order: { paid: boolean; cancelled: boolean; netMinor: number }): boolean {
  return order.paid && !order.cancelled && order.netMinor > 0;
}

export type ReferralStep = "none" | "cancel" | "complete";

/**
 * What an attached referral does next. A pending or held referral whose order no longer
 * qualifies (cancelled, refunded in full) is cancelled; a pending one whose waiting period
 * is over is completed. Completed, rejected and cancelled are final.
 */
export function computeReferralStep(
  referral: { status: string; rewardAvailableAt: Date | null },
  orderQualifiesNow: boolean,
  now: Date,
): ReferralStep {
  if (referral.status !== "pending" && referral.status !== "held") return "none";
  if (!orderQualifiesNow) return "cancel";
  if (referral.status === "held") return "none"; // the merchant decides
  return !referral.rewardAvailableAt || referral.rewardAvailableAt.getTime() <= now.getTime() ? "complete" : "none";
}

/** Bonuses due at `completedCount` completed referrals that were not paid yet (each once). */
export function computeDueBonuses(
  bonuses: readonly { count: number; points: number }[],
  completedCount: number,
  alreadyPaid: ReadonlySet<number>,
): { count: number; points: number }[] {
  return bonuses.filter((b) => b.count <= completedCount && !alreadyPaid.has(b.count));
}

export const referralKeys = {
  reward: (referralId: string) => `referral:${referralId}`,
  bonus: (referrerId: string, count: number) => `referral-bonus:${referrerId}:${count}`,
  /** The redemption row that holds a referrer's discount reward. */
  rewardRedemption: (referralId: string) => `referral:${referralId}`,
};

// ---- discounts ----

/** A discount for anyone holding the code (customerGid null), or for one customer. */
export type ReferralDiscountSpec = Omit<DiscountSpec, "customerGid"> & { customerGid: string | null };

export function computeReferralDiscountSpec(
  discount: Pick<ReferralDiscount, "type" | "percentOff" | "valueMinor" | "minOrderMinor" | "expiryDays">,
  context: { code: string; title: string; customerGid: string | null; currencyCode: string; now: Date },
): ReferralDiscountSpec {
  const base = {
    code: context.code,
    title: context.title,
    customerGid: context.customerGid,
    amount: null,
    percentage: null,
    minimumSubtotal: discount.minOrderMinor ? formatMinorPlain(discount.minOrderMinor, context.currencyCode) : null,
    productVariantGid: null,
    startsAt: context.now,
    endsAt: discount.expiryDays ? new Date(context.now.getTime() + discount.expiryDays * 86_400_000) : null,
  };
  switch (discount.type) {
    case "amount_off":
      return { ...base, kind: "amount", amount: formatMinorPlain(discount.valueMinor ?? 0, context.currencyCode) };
    case "percent_off":
      return { ...base, kind: "percent", percentage: (discount.percentOff ?? 0) / 100 };
    case "free_shipping":
      return { ...base, kind: "free_shipping" };
  }
}

/** "10% off", "5.00 EUR off", "free shipping", "500 points" (admin and ledger notes, English). */
export function describeReferralReward(
  reward: Pick<ReferrerReward, "type" | "percentOff" | "valueMinor"> & { points?: number | null },
  currencyCode: string,
): string {
  switch (reward.type) {
    case "points":
      return `${(reward.points ?? 0).toLocaleString("en")} points`;
    case "percent_off":
      return `${reward.percentOff ?? 0}% off`;
    case "amount_off":
      return `${formatMinorPlain(reward.valueMinor ?? 0, currencyCode)} ${currencyCode} off`;
    case "free_shipping":
      return "free shipping";
  }
}

/** The widget's contract: what the friend gets / what the referrer gets, as data (the widget words it). */
export interface OfferView {
  type: ReferrerRewardType;
  points: number | null;
  percentOff: number | null;
  valueMinor: number | null;
  minOrderMinor: number | null;
}

export function toOfferView(reward: ReferralDiscount | ReferrerReward): OfferView {
  return {
    type: reward.type,
    points: "points" in reward ? reward.points : null,
    percentOff: reward.percentOff,
    valueMinor: reward.valueMinor,
    minOrderMinor: reward.minOrderMinor,
  };
}

// ---- time ----

/** The shop-local calendar month containing `now`, as UTC instants [start, end). */
export function calendarMonthBounds(now: Date, timeZone: string): { start: Date; end: Date } {
  const { year, monthIndex } = localDate(now, timeZone);
  return { start: zonedToUtc(timeZone, year, monthIndex, 1), end: zonedToUtc(timeZone, year, monthIndex + 1, 1) };
}

/** Link-preview robots (chat apps, social networks) open shared links too; they are not visits. */
export function isLinkPreviewBot(userAgent: string | null | undefined): boolean {
  return /bot|crawler|spider|facebookexternalhit|whatsapp|slack|telegram|discord|preview|embedly|skype/i.test(userAgent ?? "");
}
