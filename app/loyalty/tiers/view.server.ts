import type { Db, Tx } from "../../db.server";
import type { OnInvalidJson } from "../json-column";
import { memberTierMetric } from "./metric.server";
import { computeTierProgress, currentTierWindow, parseTierPerks, tierPeriodEnd, toTierBasis, toTierPeriod, type TierBasis, type TierPeriod } from "./rules";

// What the storefront widget shows of tiers (app/loyalty/storefront/customer-view.server.ts):
// the benefits table and the member's progress to the next tier.

/** One row of the widget's tier benefits table. */
export interface TierBenefit {
  name: string;
  rank: number;
  /** In the basis' unit: minor units of shop money (spend), points, or orders. */
  threshold: number;
  multiplierPermille: number;
  perks: { entryPoints: number; birthdayPoints: number | null; freeShipping: boolean };
  /** A paid tier (0032): bought as a membership; `paidOnly`: spend never reaches it. */
  paid: boolean;
  paidOnly: boolean;
}

export function toTierBenefits(
  tiers: readonly { id?: string; name: string; rank: number; thresholdMinor: bigint | number; multiplierPermille: number; perks: string }[],
  onInvalid?: OnInvalidJson,
): TierBenefit[] {
  return [...tiers]
    .sort((a, b) => a.rank - b.rank)
    .map((t) => {
      // The membership's products stay on the server: the widget needs only whether it is paid.
      const { membership, ...perks } = parseTierPerks(t.perks, { id: t.id, onInvalid });
      return { name: t.name, rank: t.rank, threshold: Number(t.thresholdMinor), multiplierPermille: t.multiplierPermille, perks, paid: Boolean(membership), paidOnly: membership?.paidOnly === true };
    });
}

export interface MemberTierView {
  name: string;
  rank: number;
  /**
   * The tier above and what is still missing for it in the current window, in the basis'
   * unit (`remaining`; `remainingMinor` is the same number, named when spend was the only
   * basis); null at the top.
   */
  next: { name: string; remainingMinor: number; remaining: number } | null;
  /** Eligible spend in the current window (basis "spend"); null for the other bases. */
  spendMinor: number | null;
  /** The member's number in the current window, in the basis' unit. */
  progress: number;
  basis: TierBasis;
  period: TierPeriod;
  /** When the window's numbers reset (ISO instant, exclusive): calendar years only, else null. */
  periodEnd: string | null;
}

export async function computeMemberTierView(
  db: Db | Tx,
  shop: { id: string; ianaTimezone: string; program: { tierBasis: string; tierPeriod: string } },
  ladder: readonly TierBenefit[],
  memberId: string,
  tier: { name: string; rank: number },
  now: Date,
): Promise<MemberTierView> {
  const window = currentTierWindow(toTierPeriod(shop.program.tierPeriod), now, shop.ianaTimezone);
  const progress = await memberTierMetric(db, shop.id, memberId, toTierBasis(shop.program.tierBasis), window);
  return memberTierView(shop, ladder, tier, progress, now);
}

/** The view from the member's number in the current window (memberTierMetric's), read by the caller. */
export function memberTierView(
  shop: { ianaTimezone: string; program: { tierBasis: string; tierPeriod: string } },
  ladder: readonly TierBenefit[],
  tier: { name: string; rank: number },
  progress: number,
  now: Date,
): MemberTierView {
  const basis = toTierBasis(shop.program.tierBasis);
  const period = toTierPeriod(shop.program.tierPeriod);
  const end = tierPeriodEnd(period, now, shop.ianaTimezone);
  const { next } = computeTierProgress(
    ladder.map((t) => ({ name: t.name, rank: t.rank, thresholdMinor: t.threshold, perks: { membership: t.paidOnly ? { productGids: [], variantGids: [], months: 1, paidOnly: true } : null } })),
    tier.rank,
    progress,
    end,
  );
  return {
    name: tier.name,
    rank: tier.rank,
    next: next ? { name: next.name, remainingMinor: next.remainingMinor, remaining: next.remainingMinor } : null,
    spendMinor: basis === "spend" ? progress : null,
    progress,
    basis,
    period,
    periodEnd: end?.toISOString() ?? null,
  };
}
