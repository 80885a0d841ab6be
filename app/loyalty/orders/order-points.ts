// Purchase earning: which part of an order earns points and how many. Pure.
//
// Eligible spend = the order's line items after discounts, in shop money, excluding gift
// cards, shipping, taxes (also when prices include tax), duties and tips; minus items
// removed by order edits; minus every refund. Points = floor(eligible × rate × multiplier).
// A refund without line items (an amount-only refund, to the card or to store credit)
// takes the eligible items' share of it: eligible × refunded / order total; a shipping
// refund takes nothing (docs/decisions/0015-refunds-without-line-items.md).
// Terms are fixed when an order first earns, so refunds reverse at the rate that earned.
// docs/decisions/0003-order-points-converge.md

import { MULTIPLIER_ONE, computePurchasePoints, type EarnRate } from "../earn/points";
import { computeEarnMultiplierPermille, type CampaignRule } from "../earn/campaigns";

export interface OrderLine {
  lineItemId: string;
  quantity: number;
  /** Quantity after edits and removals (Shopify `current_quantity`); = quantity if absent. */
  currentQuantity: number;
  unitPriceMinor: number;
  /** Discounts allocated to this line (all units), shop money. */
  discountMinor: number;
  /** Taxes on this line (all units), shop money. */
  taxMinor: number;
  /** Gift cards and tips earn nothing (they are not a purchase of goods). */
  nonEarning: boolean;
  /** What was bought (a membership product puts the buyer in a paid tier, 0032); absent when unknown. */
  productGid?: string | null;
  variantGid?: string | null;
}

export interface RefundLine {
  lineItemId: string;
  quantity: number;
  /** Refunded amount for the line after discounts (Shopify `subtotal_set.shop_money`). */
  subtotalMinor: number;
  taxMinor: number;
  /** Gift cards and tips earn nothing (they are not a purchase of goods). */
  nonEarning: boolean;
}

export interface RefundSnapshot {
  refundGid: string;
  orderGid: string;
  lines: RefundLine[];
  /**
   * Money refunded beyond the lines, tax included (Shopify's `order_adjustments` that are
   * not shipping refunds, sign flipped: an adjustment of -10.00 is 1000 here). Negative
   * when less than the lines' amount went back. Shipping refunds are not in it. Default 0.
   */
  adjustmentMinor?: number;
  createdAt: Date;
}

export interface OrderSnapshot {
  orderGid: string;
  name: string | null;
  customerGid: string | null;
  /** Shop currency: every amount here is shop money, never presentment money. */
  currencyCode: string;
  updatedAt: Date;
  processedAt: Date;
  financialStatus: string | null;
  cancelled: boolean;
  taxesIncluded: boolean;
  lines: OrderLine[];
  refunds: RefundSnapshot[];
  discountCodes: string[];
  /** What the customer paid (Shopify `total_price_set`, shop money); 0 when unknown. */
  totalMinor?: number;
  /** Shop-money amount per discount code, when the payload says (analytics: cost of rewards). */
  discountCodeAmounts?: Record<string, number>;
}


/** Financial states in which an order has been paid in full (possibly refunded since). */
const PAID_STATUSES = new Set(["paid", "partially_refunded", "refunded"]);

export function isPaidStatus(financialStatus: string | null): boolean {
  return financialStatus !== null && PAID_STATUSES.has(financialStatus);
}

/** Net eligible amount of one line for all its units (before edits and refunds). */
export function computeLineNetMinor(line: OrderLine, taxesIncluded: boolean): number {
  if (line.nonEarning) return 0;
  const gross = line.unitPriceMinor * line.quantity;
  const net = gross - line.discountMinor - (taxesIncluded ? line.taxMinor : 0);
  return Math.max(0, net);
}

export function computeOrderGrossMinor(order: Pick<OrderSnapshot, "lines" | "taxesIncluded">): number {
  return order.lines.reduce((sum, line) => sum + computeLineNetMinor(line, order.taxesIncluded), 0);
}

/** Eligible amount a refund takes back. */
export function computeRefundEligibleMinor(refund: RefundSnapshot, taxesIncluded: boolean): number {
  return refund.lines.reduce((sum, line) => {
    if (line.nonEarning) return sum;
    return sum + Math.max(0, line.subtotalMinor - (taxesIncluded ? line.taxMinor : 0));
  }, 0);
}

/**
 * Amount removed by order edits and not covered by a refund: units that left the order
 * (quantity − currentQuantity) beyond the units refunds already took back.
 */
export function computeEditRemovedMinor(
  order: Pick<OrderSnapshot, "lines" | "taxesIncluded">,
  refundedQuantityByLine: ReadonlyMap<string, number>,
): number {
  let removed = 0;
  for (const line of order.lines) {
    if (line.nonEarning || line.quantity <= 0) continue;
    const refundedQty = refundedQuantityByLine.get(line.lineItemId) ?? 0;
    const editedAway = line.quantity - line.currentQuantity - refundedQty;
    if (editedAway <= 0) continue;
    const lineNet = computeLineNetMinor(line, order.taxesIncluded);
    removed += Math.floor((lineNet * Math.min(editedAway, line.quantity)) / line.quantity);
  }
  return removed;
}

export function refundedQuantities(refunds: readonly RefundSnapshot[]): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const refund of refunds) {
    for (const line of refund.lines) {
      quantities.set(line.lineItemId, (quantities.get(line.lineItemId) ?? 0) + line.quantity);
    }
  }
  return quantities;
}

/**
 * The eligible amount that refunds without line items take back: the eligible items' share
 * of the money refunded beyond the lines, eligible × adjustment / order total, rounded
 * towards zero. Nothing while the order's total is unknown (a refund that arrived before its
 * order: the order's own event settles it). Negative when less than the lines' amount went
 * back (the customer kept paying for part of what the lines took).
 */
export function computeAdjustmentRefundMinor(input: { grossMinor: number; orderTotalMinor: number; adjustmentMinor: number }): number {
  if (input.orderTotalMinor <= 0 || input.adjustmentMinor === 0 || input.grossMinor <= 0) return 0;
  const share = Math.trunc((input.grossMinor * input.adjustmentMinor) / input.orderTotalMinor);
  return Math.max(-input.grossMinor, Math.min(input.grossMinor, share));
}

/** Money refunded beyond the lines by a set of refunds (their adjustments added up). */
export function sumRefundAdjustments(refunds: readonly Pick<RefundSnapshot, "adjustmentMinor">[]): number {
  return refunds.reduce((sum, r) => sum + (r.adjustmentMinor ?? 0), 0);
}

export interface OrderTargetInput {
  paid: boolean;
  cancelled: boolean;
  grossMinor: number;
  editRemovedMinor: number;
  refundedMinor: number;
  /** What the customer paid (0 = unknown: adjustments take nothing yet). */
  orderTotalMinor?: number;
  /** Money refunded beyond the lines, all refunds added up (RefundSnapshot.adjustmentMinor). */
  refundAdjustmentMinor?: number;
  rate: EarnRate;
  multiplierPermille: number;
}

/** What the customer finally paid for the eligible items: after edits, line refunds and the share of amount-only refunds. */
export function computeNetEligibleMinor(input: Omit<OrderTargetInput, "paid" | "cancelled" | "rate" | "multiplierPermille">): number {
  const adjustment = computeAdjustmentRefundMinor({
    grossMinor: input.grossMinor,
    orderTotalMinor: input.orderTotalMinor ?? 0,
    adjustmentMinor: input.refundAdjustmentMinor ?? 0,
  });
  const kept = input.grossMinor - input.editRemovedMinor;
  return Math.max(0, Math.min(kept, kept - input.refundedMinor - adjustment));
}

/** Net eligible spend and the points an order should have earned in its current state. */
export function computeOrderTarget(input: OrderTargetInput): { eligibleMinor: number; points: number } {
  if (!input.paid || input.cancelled) return { eligibleMinor: 0, points: 0 };
  const eligibleMinor = computeNetEligibleMinor(input);
  return { eligibleMinor, points: computePurchasePoints(eligibleMinor, input.rate, input.multiplierPermille) };
}

/** A stored refund's earning-relevant totals (an OrderRefund row). */
export interface StoredRefund {
  subtotalMinor: bigint | number;
  taxMinor: bigint | number;
  /** Money refunded beyond the lines (RefundSnapshot.adjustmentMinor). */
  adjustmentMinor: bigint | number;
}

/** What Kanta stores of an order (an OrderRecord row): its newest state and fixed earning terms. */
export interface StoredOrder {
  memberId: string | null;
  paid: boolean;
  cancelled: boolean;
  taxesIncluded: boolean;
  grossMinor: bigint | number;
  editRemovedMinor: bigint | number;
  /** What the customer paid (0 = unknown). */
  orderTotalMinor: bigint | number;
  earnPoints: number | null;
  earnSpendMinor: bigint | number | null;
  multiplierPermille: number | null;
}

/** Eligible amount the stored refunds of an order take back. */
export function computeStoredRefundedMinor(refunds: readonly StoredRefund[], taxesIncluded: boolean): number {
  return refunds.reduce((sum, r) => sum + Math.max(0, Number(r.subtotalMinor) - (taxesIncluded ? Number(r.taxMinor) : 0)), 0);
}

/** The stored refunds as the order's target takes them: by their lines, and their adjustments added up. */
export function computeStoredRefundTotals(refunds: readonly StoredRefund[], taxesIncluded: boolean): { refundedMinor: number; refundAdjustmentMinor: number } {
  return {
    refundedMinor: computeStoredRefundedMinor(refunds, taxesIncluded),
    refundAdjustmentMinor: refunds.reduce((sum, r) => sum + Number(r.adjustmentMinor), 0),
  };
}

/**
 * The points a stored order should hold now: its newest state, every refund seen, and the
 * terms fixed when it first earned. The one formula for settling an order
 * (orders.server.ts) and for proving it every night (reconcile/reconcile.server.ts).
 */
export function computeStoredOrderTarget(order: StoredOrder, refunds: readonly StoredRefund[]): { eligibleMinor: number; points: number } {
  if (order.earnPoints === null || order.earnSpendMinor === null || !order.memberId) return { eligibleMinor: 0, points: 0 };
  return computeOrderTarget({
    paid: order.paid,
    cancelled: order.cancelled,
    grossMinor: Number(order.grossMinor),
    editRemovedMinor: Number(order.editRemovedMinor),
    ...computeStoredRefundTotals(refunds, order.taxesIncluded),
    orderTotalMinor: Number(order.orderTotalMinor),
    rate: { points: order.earnPoints, spendMinor: Number(order.earnSpendMinor) },
    multiplierPermille: order.multiplierPermille ?? MULTIPLIER_ONE,
  });
}

// ---------------------------------------------------------------------------------------
// Before the order arrives: the thank-you page's estimate (docs/decisions/0026-points-on-the-order.md)

/** The earning terms an order would get now: the purchase rule and tier × best campaign, as settleOrder fixes them. */
export interface EarningShop {
  purchaseRule: { points: number; spendMinor: bigint | number } | null;
  tiers: readonly { id: string; rank: number; multiplierPermille: number }[];
  campaigns: readonly CampaignRule[];
}

/**
 * The multiplier an order placed at `at` by a member of tier `memberTierId` earns with: the
 * tier's multiplier times the best campaign for that tier running then. The one formula
 * for settling an order (orders.server.ts) and for estimating one before it arrives.
 */
export function orderMultiplierPermille(shop: Pick<EarningShop, "tiers" | "campaigns">, memberTierId: string | null, at: Date): number {
  const tier = shop.tiers.find((t) => t.id === memberTierId) ?? null;
  return computeEarnMultiplierPermille(tier?.multiplierPermille ?? MULTIPLIER_ONE, shop.campaigns, at, tier?.rank ?? null);
}

/** What a checkout knows of an order before Shopify sends it: its lines and the discounts on the whole order, in shop money. */
export interface OrderEstimateInput {
  /** Each line's total after its own discounts, before order discounts, taxes and shipping. */
  lines: readonly { totalMinor: number }[];
  /** Discounts on the whole order (spread over the lines as Shopify allocates them). */
  orderDiscountMinor: number;
  /** Taxes on the order; taken off only when the shop's prices include tax. */
  taxMinor: number;
  taxesIncluded: boolean;
}

/**
 * The order's lines as the order path reads them: one line per checkout line, the order's
 * discount (and its tax, when prices include it) spread over the lines by their share,
 * the remainder to the first lines, so the lines add up to the checkout's figures.
 */
export function estimateOrderLines(input: OrderEstimateInput): OrderLine[] {
  const totals = input.lines.map((l) => Math.max(0, l.totalMinor));
  const spread = (amount: number): number[] => {
    const sum = totals.reduce((a, b) => a + b, 0);
    if (sum <= 0 || amount <= 0) return totals.map(() => 0);
    const shares = totals.map((t) => Math.floor((t * Math.min(amount, sum)) / sum));
    let rest = Math.min(amount, sum) - shares.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0 && i < shares.length; i++) {
      if (shares[i]! < totals[i]!) {
        shares[i]!++;
        rest--;
      }
    }
    return shares;
  };
  const discounts = spread(input.orderDiscountMinor);
  const taxes = spread(input.taxesIncluded ? input.taxMinor : 0);
  return totals.map((total, i) => ({
    lineItemId: String(i),
    quantity: 1,
    currentQuantity: 1,
    unitPriceMinor: total,
    discountMinor: discounts[i]!,
    taxMinor: taxes[i]!,
    nonEarning: false,
  }));
}

/**
 * The points a paid order with these lines earns for a member of tier `memberTierId`,
 * placed at `at`: the order path's own arithmetic (computeOrderGrossMinor, computeOrderTarget)
 * on the lines the checkout shows. Milestone bonuses (every Nth order) are not in it: they are
 * separate ledger rows, not the order's points.
 */
export function estimateOrderPoints(shop: EarningShop, order: OrderEstimateInput, memberTierId: string | null, at: Date): { eligibleMinor: number; points: number; multiplierPermille: number } {
  const multiplierPermille = orderMultiplierPermille(shop, memberTierId, at);
  if (!shop.purchaseRule) return { eligibleMinor: 0, points: 0, multiplierPermille };
  const lines = estimateOrderLines(order);
  const target = computeOrderTarget({
    paid: true,
    cancelled: false,
    grossMinor: computeOrderGrossMinor({ lines, taxesIncluded: order.taxesIncluded }),
    editRemovedMinor: 0,
    refundedMinor: 0,
    rate: { points: shop.purchaseRule.points, spendMinor: Number(shop.purchaseRule.spendMinor) },
    multiplierPermille,
  });
  return { ...target, multiplierPermille };
}
