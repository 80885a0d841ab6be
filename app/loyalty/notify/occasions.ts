import { z } from "zod";

// Occasions: the moments Kanta tells a member (or a referred friend) something. Each kind
// carries its own data, validated here; app/loyalty/notify/occasions.server.ts records one
// per (shop, key) with a delivery row per channel (email, klaviyo, flow).
// Pure: no Prisma, no Shopify. docs/decisions/0022-loyalty-emails.md

export const OCCASION_KINDS = [
  "welcome",
  "points_earned",
  "reward_affordable",
  "points_expiring",
  "tier_reached",
  "tier_kept",
  "tier_lowered",
  "referral_reward",
  "friend_welcome_code",
  "birthday",
  "anniversary",
  "winback",
  "reward_redeemed",
  "referral_completed",
  "surprise",
] as const;

export type OccasionKind = (typeof OCCASION_KINDS)[number];

export function isOccasionKind(value: unknown): value is OccasionKind {
  return typeof value === "string" && (OCCASION_KINDS as readonly string[]).includes(value);
}

/** The occasions Kanta's own emails cover; reward_redeemed and referral_completed go to Flow and Klaviyo only. */
export const EMAIL_OCCASION_KINDS = OCCASION_KINDS.filter((k) => k !== "reward_redeemed" && k !== "referral_completed");

export const OCCASION_CHANNELS = ["email", "klaviyo", "flow"] as const;
export type OccasionChannel = (typeof OCCASION_CHANNELS)[number];

export const DELIVERY_STATUSES = ["pending", "sent", "skipped", "dead"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const points = z.number().int();
const positive = z.number().int().positive();
const text = z.string().trim().min(1).max(500);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");

/**
 * What each kind carries, besides the member (whose balance and tier are read when it is
 * delivered). Amounts are points; dates are the shop's local dates (YYYY-MM-DD).
 */
export const OCCASION_DATA = {
  /** Joined the program; `points` the welcome points (0 when none). */
  welcome: z.object({ points: points.nonnegative().default(0) }),
  /** Points from an order became spendable (after the pending period). */
  points_earned: z.object({ points: positive, orderName: text.optional(), orderGid: text.optional() }),
  /** The balance now covers a reward it did not cover before. */
  reward_affordable: z.object({ rewardId: text, rewardName: text, pointsCost: positive }),
  /** `points` expire on `expiresOn` unless the member is active before then. */
  points_expiring: z.object({ points: positive, expiresOn: isoDate }),
  /** Moved up to `tierName` (from `fromTierName`, null = no tier). */
  tier_reached: z.object({ tierName: text, fromTierName: text.nullable().default(null) }),
  /** Kept `tierName` at the review; `until` the end of the next period when known. */
  tier_kept: z.object({ tierName: text, until: isoDate.optional() }),
  /** Moved down from `fromTierName` to `tierName` (null = no tier). */
  tier_lowered: z.object({ fromTierName: text, tierName: text.nullable().default(null) }),
  /** The referrer's reward for a completed referral: points, or a discount code. */
  referral_reward: z.object({ points: points.nonnegative().optional(), code: text.optional(), rewardText: text.optional(), friendName: text.optional() }),
  /** The referred friend's welcome discount code (the friend may not be a member yet). */
  friend_welcome_code: z.object({ code: text, rewardText: text.optional(), referrerName: text.optional() }),
  /** Birthday gift: points, or a reward code. */
  birthday: z.object({ points: points.nonnegative().optional(), code: text.optional(), rewardText: text.optional() }),
  /** `years` of membership; optional gift points. */
  anniversary: z.object({ years: positive, points: points.nonnegative().optional() }),
  /** No order for `days` days; optional incentive. */
  winback: z.object({ days: positive, points: points.nonnegative().optional(), code: text.optional() }),
  /** Spent `pointsSpent` on `rewardName` (Flow and Klaviyo). */
  reward_redeemed: z.object({ rewardName: text, pointsSpent: positive, code: text.optional() }),
  /** The friend's first order completed a referral (Flow and Klaviyo). */
  referral_completed: z.object({ referralId: text, friendEmail: z.string().email().optional(), orderGid: text.optional() }),
  /** A surprise's prize (0037): points, or a reward code; `rewardText` says what it is. */
  surprise: z.object({ surpriseName: text, points: positive.optional(), code: text.optional(), rewardText: text.optional() }),
} as const satisfies Record<OccasionKind, z.ZodType>;

export type OccasionData<K extends OccasionKind> = z.output<(typeof OCCASION_DATA)[K]>;
export type OccasionDataInput<K extends OccasionKind> = z.input<(typeof OCCASION_DATA)[K]>;

export class OccasionError extends Error {
  override name = "OccasionError";
}

/** The kind's data, checked (defaults filled); throws OccasionError saying what is wrong. */
export function parseOccasionData<K extends OccasionKind>(kind: K, data: unknown): OccasionData<K> {
  if (!isOccasionKind(kind)) throw new OccasionError(`unknown occasion kind: ${String(kind)}`);
  const parsed = OCCASION_DATA[kind].safeParse(data ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join("; ");
    throw new OccasionError(`${kind} data: ${issues}`);
  }
  return parsed.data as OccasionData<K>;
}

/** Reads stored data back; null when it no longer matches (logged by the caller, never thrown). */
export function readOccasionData<K extends OccasionKind>(kind: K, json: string): OccasionData<K> | null {
  try {
    return parseOccasionData(kind, JSON.parse(json));
  } catch {
    return null;
  }
}

/**
 * The occasion's key: the kind and what makes it happen once, e.g. occasionKey("points_earned",
 * orderGid) or occasionKey("birthday", memberId, "2026"). Same parts, same key: a replay
 * records nothing.
 */
export function occasionKey(kind: OccasionKind, ...parts: (string | number)[]): string {
  if (parts.length === 0) throw new OccasionError("an occasion key needs at least one part");
  const key = [kind, ...parts.map(String)].join(":");
  if (key.length > 300) throw new OccasionError("occasion key longer than 300 characters");
  return key;
}
