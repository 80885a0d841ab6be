// Purchase earning: which part of an order earns points and how many. Pure.
//
// Eligible spend = the order's line items after discounts, in shop money, excluding gift
// cards, shipping, taxes (also when prices include tax), duties and tips; minus items
// removed by order edits; minus every refund. Points = floor(eligible × rate × multiplier).
// Terms are fixed when an order first earns, so refunds reverse at the rate that earned.
// docs/decisions/0003-order-points-converge.md

import { computePurchasePoints, type EarnRate } from "../earn/points";

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

export interface OrderTargetInput {
  paid: boolean;
  cancelled: boolean;
  grossMinor: number;
  editRemovedMinor: number;
  refundedMinor: number;
  rate: EarnRate;
  multiplierPermille: number;
}

/** Net eligible spend and the points an order should have earned in its current state. */
export function computeOrderTarget(input: OrderTargetInput): { eligibleMinor: number; points: number } {
  if (!input.paid || input.cancelled) return { eligibleMinor: 0, points: 0 };
  const eligibleMinor = Math.max(0, input.grossMinor - input.editRemovedMinor - input.refundedMinor);
  return { eligibleMinor, points: computePurchasePoints(eligibleMinor, input.rate, input.multiplierPermille) };
}
