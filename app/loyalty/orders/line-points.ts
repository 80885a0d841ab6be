// Earning by line (docs/decisions/0033-earning-by-what-is-bought.md): an order whose
// purchase rule has product or collection rules, a fixed-points mode, or a campaign on a
// collection earns by its lines. Each line's terms are fixed when the order first earns:
// its share of the rate (permille: 2x = 2000, earns nothing = 0), extra points per unit,
// and the tier × campaign multiplier for the line. Refunds reverse by the lines they took
// back, at those terms: a partial refund of a 2x line takes back 2x. Exact, in BigInt. Pure.
//
// Per line: eligible = the line after discounts (tax out when prices include it), minus the
// units an edit removed, minus what refunds took back for that line. Excluded lines (0)
// are not eligible: they earn nothing and do not count towards a minimum spend or a tier.
// Money refunded beyond the lines (amount-only refunds) takes the eligible lines' share of
// it, as for the plain rate (0015), scaling the lines' weighted amount alike.
//
// rate:  floor( Σ eligible_l × permille_l/1000 × rate × mult_l/1000 + Σ extra_l × units_l × mult_l/1000 )
// fixed: floor( fixed × orderMult/1000 [if eligible ≥ minimum and > 0] + Σ extra_l × units_l × mult_l/1000 )

import { computeAdjustmentRefundMinor } from "./order-points";
import { MULTIPLIER_ONE } from "../earn/points";

export interface EarnLine {
  lineItemId: string;
  quantity: number;
  currentQuantity: number;
  /** The line's eligible amount for all units before edits and refunds (OrderLine.amountMinor). */
  amountMinor: bigint | number;
  nonEarning: boolean;
  /** Fixed terms (null: the line was not there when the order first earned: it earns at 1×, no extra). */
  earnPermille: number | null;
  earnExtraPoints: number | null;
  earnMultiplierPermille: number | null;
}

export interface EarnRefundLine {
  lineItemId: string;
  quantity: number;
  subtotalMinor: bigint | number;
  taxMinor: bigint | number;
  nonEarning: boolean;
}

export interface LineOrderTerms {
  mode: "rate" | "fixed";
  /** rate: points per spendMinor; fixed: points per order. */
  points: number;
  spendMinor: number;
  minSpendMinor: number;
  /** The order's tier × campaign multiplier (fixed points use it; a line without its own uses it). */
  multiplierPermille: number;
}

export interface LineOrderInput {
  paid: boolean;
  cancelled: boolean;
  taxesIncluded: boolean;
  lines: readonly EarnLine[];
  refundLines: readonly EarnRefundLine[];
  /** What the customer paid (0 = unknown: adjustments take nothing yet). */
  orderTotalMinor: number;
  /** Money refunded beyond the lines, all refunds added up. */
  refundAdjustmentMinor: number;
  terms: LineOrderTerms;
}

export interface LineState {
  lineItemId: string;
  /** Eligible now (0 for excluded lines). */
  keptMinor: number;
  keptUnits: number;
}

const ONE = BigInt(MULTIPLIER_ONE);

/** Each line's eligible amount and units now: after edits and the refunds of its own. */
export function lineStates(input: Pick<LineOrderInput, "lines" | "refundLines" | "taxesIncluded">): (LineState & { grossMinor: number; keptBeforeRefundsMinor: number; excluded: boolean })[] {
  const refunded = new Map<string, { quantity: number; amount: number }>();
  for (const r of input.refundLines) {
    const had = refunded.get(r.lineItemId) ?? { quantity: 0, amount: 0 };
    const amount = r.nonEarning ? 0 : Math.max(0, Number(r.subtotalMinor) - (input.taxesIncluded ? Number(r.taxMinor) : 0));
    refunded.set(r.lineItemId, { quantity: had.quantity + r.quantity, amount: had.amount + amount });
  }
  return input.lines.map((line) => {
    const excluded = line.nonEarning || line.earnPermille === 0;
    const gross = excluded ? 0 : Number(line.amountMinor);
    const back = refunded.get(line.lineItemId) ?? { quantity: 0, amount: 0 };
    const editedAway = Math.max(0, line.quantity - line.currentQuantity - back.quantity);
    const editRemoved = line.quantity > 0 ? Math.floor((gross * Math.min(editedAway, line.quantity)) / line.quantity) : 0;
    const keptBeforeRefunds = Math.max(0, gross - editRemoved);
    return {
      lineItemId: line.lineItemId,
      grossMinor: gross,
      keptBeforeRefundsMinor: keptBeforeRefunds,
      keptMinor: Math.max(0, keptBeforeRefunds - back.amount),
      keptUnits: excluded ? 0 : Math.max(0, line.quantity - back.quantity - editedAway),
      excluded,
    };
  });
}

/** The points and eligible spend an order earning by line should hold now. */
export function computeLineOrderTarget(input: LineOrderInput): { eligibleMinor: number; points: number } {
  if (!input.paid || input.cancelled) return { eligibleMinor: 0, points: 0 };
  const states = lineStates(input);
  const gross = states.reduce((s, l) => s + l.grossMinor, 0);
  const keptBefore = states.reduce((s, l) => s + l.keptBeforeRefundsMinor, 0);
  const kept = states.reduce((s, l) => s + l.keptMinor, 0);
  const adjustment = computeAdjustmentRefundMinor({ grossMinor: gross, orderTotalMinor: input.orderTotalMinor, adjustmentMinor: input.refundAdjustmentMinor });
  const eligibleMinor = Math.max(0, Math.min(keptBefore, kept - adjustment));

  const { terms } = input;
  const lineMult = (l: EarnLine) => BigInt(l.earnMultiplierPermille ?? terms.multiplierPermille);
  // Extras: per unit kept, times the line's multiplier, in thousandths of a point.
  let extraMilli = 0n;
  input.lines.forEach((line, i) => {
    const extra = line.earnExtraPoints ?? 0;
    if (extra > 0 && !states[i]!.excluded) extraMilli += BigInt(extra) * BigInt(states[i]!.keptUnits) * lineMult(line);
  });

  if (terms.mode === "fixed") {
    const earns = eligibleMinor > 0 && eligibleMinor >= terms.minSpendMinor && terms.points > 0;
    const baseMilli = earns ? BigInt(terms.points) * BigInt(terms.multiplierPermille) : 0n;
    return { eligibleMinor, points: Number((baseMilli + extraMilli) / ONE) };
  }

  if (terms.spendMinor <= 0) throw new RangeError("spendMinor must be positive");
  // Σ kept_l × permille_l × mult_l, scaled by eligible / kept when money went back beyond the lines.
  let weighted = 0n;
  input.lines.forEach((line, i) => {
    const state = states[i]!;
    if (state.excluded || state.keptMinor <= 0) return;
    weighted += BigInt(state.keptMinor) * BigInt(line.earnPermille ?? MULTIPLIER_ONE) * lineMult(line);
  });
  if (kept <= 0 || eligibleMinor <= 0 || terms.points <= 0) return { eligibleMinor, points: Number(extraMilli / ONE) };
  const denominator = BigInt(kept) * BigInt(terms.spendMinor) * ONE * ONE;
  const numerator = weighted * BigInt(terms.points) * BigInt(eligibleMinor) + (extraMilli * denominator) / ONE;
  return { eligibleMinor, points: Number(numerator / denominator) };
}

/** What Kanta stores of an order earning by line (OrderRecord with earnByLine) and its refunds' adjustments. */
export interface StoredLineOrder {
  memberId: string | null;
  paid: boolean;
  cancelled: boolean;
  taxesIncluded: boolean;
  orderTotalMinor: bigint | number;
  earnPoints: number | null;
  earnSpendMinor: bigint | number | null;
  multiplierPermille: number | null;
  earnMode: string | null;
  earnMinSpendMinor: bigint | number | null;
}

/**
 * The points a stored order earning by line should hold now: the one formula for settling
 * it (orders.server.ts) and for proving it every night (reconcile).
 */
export function computeStoredLineOrderTarget(
  order: StoredLineOrder,
  refunds: readonly { adjustmentMinor: bigint | number }[],
  lines: readonly EarnLine[],
  refundLines: readonly EarnRefundLine[],
): { eligibleMinor: number; points: number } {
  if (order.earnPoints === null || order.earnSpendMinor === null || !order.memberId) return { eligibleMinor: 0, points: 0 };
  return computeLineOrderTarget({
    paid: order.paid,
    cancelled: order.cancelled,
    taxesIncluded: order.taxesIncluded,
    lines,
    refundLines,
    orderTotalMinor: Number(order.orderTotalMinor),
    refundAdjustmentMinor: refunds.reduce((s, r) => s + Number(r.adjustmentMinor), 0),
    terms: {
      mode: order.earnMode === "fixed" ? "fixed" : "rate",
      points: order.earnPoints,
      spendMinor: Math.max(1, Number(order.earnSpendMinor)),
      minSpendMinor: Number(order.earnMinSpendMinor ?? 0),
      multiplierPermille: order.multiplierPermille ?? MULTIPLIER_ONE,
    },
  });
}
