// Paid tiers (docs/decisions/0032): a membership product, bought once, yearly or as a
// subscription, puts the buyer in a tier until the bought period ends. Pure.
import { z } from "zod";

/** Tier.perks.membership: which products buy the tier, for how long, and whether spend can also reach it. */
export interface TierMembershipConfig {
  /** Product GIDs: any variant of these buys the tier. */
  productGids: string[];
  /** Variant GIDs: exactly these variants buy the tier. */
  variantGids: string[];
  /** The period one unit buys, in months (1 = monthly, 12 = yearly). */
  months: number;
  /** Reached only by buying it: spend, points or orders never qualify for it. */
  paidOnly: boolean;
}

export const MEMBERSHIP_MAX_MONTHS = 120;
export const PRODUCT_GID = /^gid:\/\/shopify\/Product\/\d{1,20}$/;
export const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d{1,20}$/;

export const storedMembership = z.object({
  productGids: z.array(z.string().regex(PRODUCT_GID)).max(20).default([]),
  variantGids: z.array(z.string().regex(VARIANT_GID)).max(20).default([]),
  months: z.number().int().min(1).max(MEMBERSHIP_MAX_MONTHS),
  paidOnly: z.boolean().default(false),
});

/**
 * How long a paid tier outlives its period's nominal end: a subscription's renewal order is
 * created on the billing day and may arrive hours (or, after a failed payment and the app's
 * retry, a day or two) later. Without it a monthly member would drop a tier and climb back
 * each month. Renewals start at the nominal end, so the grace never adds up.
 */
export const PAID_TIER_GRACE_DAYS = 3;

export function isPaidOnly(tier: { perks?: { membership?: TierMembershipConfig | null } }): boolean {
  return tier.perks?.membership?.paidOnly === true;
}

export interface MembershipLineInput {
  lineItemId: string;
  productGid?: string | null;
  variantGid?: string | null;
}

/** The tier a line buys: the highest-ranked tier whose membership lists its variant or product. */
export function membershipTierForLine<T extends { rank: number; perks: { membership?: TierMembershipConfig | null } }>(tiers: readonly T[], line: MembershipLineInput): T | null {
  let best: T | null = null;
  for (const tier of tiers) {
    const m = tier.perks.membership;
    if (!m) continue;
    const hit = (line.variantGid && m.variantGids.includes(line.variantGid)) || (line.productGid && m.productGids.includes(line.productGid));
    if (hit && (best === null || tier.rank > best.rank)) best = tier;
  }
  return best;
}

/** `start` plus whole months, in UTC, the day clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(start: Date, months: number): Date {
  const d = new Date(start.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** A membership still holds the tier at `now`: not ended, and its period (plus grace) not over. */
export function membershipHolds(m: { endedAt: Date | null; startsAt: Date; endsAt: Date }, now: Date): boolean {
  return m.endedAt === null && m.startsAt.getTime() <= now.getTime() + 60_000 && m.endsAt.getTime() + PAID_TIER_GRACE_DAYS * 86_400_000 > now.getTime();
}
