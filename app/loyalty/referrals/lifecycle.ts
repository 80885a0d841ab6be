import { localDate, zonedToUtc } from "../program/zoned-time";
import { formatMinorPlain } from "../ledger/money";
import type { DiscountSpec } from "../rewards/rewards";
import type { ReferralDiscount, ReferrerReward, ReferrerRewardType } from "./settings";

// A referral's life cycle (statuses, the next step from the order's state, bonuses), its
// discounts and what the widget shows of the offer. Pure.
// docs/decisions/0009-referrals.md

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

export type ReferralStep = "none" | "cancel" | "complete" | "reverse";

/**
 * What an attached referral does next. A pending or held referral whose order no longer
 * qualifies (cancelled, refunded in full) is cancelled; a pending one whose waiting period
 * is over is completed. A completed one whose order stops qualifying afterwards (no
 * waiting period, or a cancellation after it) is reversed: the reward is taken back, as
 * an order's points are (docs/decisions/0016-referral-reversal-and-guest-orders.md).
 * Rejected and cancelled are final.
 */
export function computeReferralStep(
  referral: { status: string; rewardAvailableAt: Date | null },
  orderQualifiesNow: boolean,
  now: Date,
): ReferralStep {
  if (referral.status === "completed") return orderQualifiesNow ? "none" : "reverse";
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
  /** The reward taken back after the friend's order was cancelled or refunded in full. */
  reversal: (referralId: string) => `referral:${referralId}:reversed`,
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
