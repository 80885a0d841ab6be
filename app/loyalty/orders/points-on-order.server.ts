import { getDb, type Db } from "../../db.server";
import { estimateOrderPoints, type OrderEstimateInput } from "./order-points";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { UnknownShopError } from "../program/shops.server";

// "You earned N points on this order" where the shopper sees the order: the thank-you page
// (an estimate from the checkout's lines until the order's webhook has been applied, then
// the real figure) and the order status page in customer accounts (the real figure).
// The estimate is the order path's own arithmetic (order-points.ts estimateOrderPoints) with
// the shop's rules as they are now; it never writes anything.
// docs/decisions/0026-points-on-the-order.md

/** What the thank-you page shows. */
export type ThankYouPoints =
  /** Nothing to say: the program is not live, earns nothing, or the member is excluded. */
  | { kind: "hidden" }
  /** A guest checkout: join by creating an account (the sign-up bonus, and the rate members earn at). */
  | { kind: "invite"; signupBonus: number; rate: { points: number; spendMinor: number } | null; currencyCode: string }
  /** The order has not been applied yet: what it will earn (null when the checkout's currency is not the shop's). */
  | { kind: "estimate"; points: number | null; signupBonus: number; member: boolean }
  /** Kanta has the order: what it earned, and how much of it waits for the pending period. */
  | OrderPointsEarned;

export interface OrderPointsEarned {
  kind: "earned";
  points: number;
  pendingPoints: number;
  /** When pending points become spendable (ISO), null when nothing is pending. */
  availableAt: string | null;
}

/** What the order status page shows. */
export type OrderStatusPoints = { kind: "hidden" } | { kind: "processing" } | OrderPointsEarned;

/** The checkout's order as the thank-you page sends it, amounts in minor units of `currencyCode`. */
export interface CheckoutOrder {
  orderGid: string;
  currencyCode: string;
  lines: { totalMinor: number }[];
  orderDiscountMinor: number;
  taxMinor: number;
}

/** The order exists in this shop but belongs to another customer. */
export class OrderNotYoursError extends Error {}

/** The shop is unknown to Kanta or has uninstalled it: the token's shop is not one we serve. */
export class ShopNotServedError extends Error {}

async function servedShop(db: Db, shopDomain: string): Promise<ShopConfig> {
  try {
    const shop = await requireShopConfig(db, shopDomain);
    if (shop.uninstalled) throw new ShopNotServedError(shopDomain);
    return shop;
  } catch (error) {
    if (error instanceof UnknownShopError) throw new ShopNotServedError(shopDomain);
    throw error;
  }
}

function earnedView(record: { pointsCredited: number; pointsPending: number; availableAt: Date | null }): OrderPointsEarned {
  return {
    kind: "earned",
    points: record.pointsCredited,
    pendingPoints: record.pointsPending,
    availableAt: record.pointsPending > 0 && record.availableAt ? record.availableAt.toISOString() : null,
  };
}

/** Has the order path fixed this order's earning terms (it earned, possibly 0 after refunds)? */
function hasEarned(record: { earnPoints: number | null; memberId: string | null }): boolean {
  return record.earnPoints !== null && record.memberId !== null;
}

/**
 * The thank-you page's points for `order`, seen by `customerGid` (the session token's
 * subject; null for a guest). A guest only ever gets the invitation: nothing about the order
 * Kanta may hold. A customer sees the real figure once the order is Kanta's and theirs;
 * until then (or for an order id that is not theirs) the estimate from the lines they sent.
 */
export async function thankYouPoints(shopDomain: string, customerGid: string | null, order: CheckoutOrder, options: { db?: Db; now?: Date } = {}): Promise<ThankYouPoints> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const shop = await servedShop(db, shopDomain);
  if (shop.program.status !== "live") return { kind: "hidden" };
  const signupBonus = shop.signupRule?.points ?? 0;
  if (!customerGid) {
    if (!shop.purchaseRule && signupBonus === 0) return { kind: "hidden" };
    return {
      kind: "invite",
      signupBonus,
      rate: shop.purchaseRule ? { points: shop.purchaseRule.points, spendMinor: Number(shop.purchaseRule.spendMinor) } : null,
      currencyCode: shop.currencyCode,
    };
  }

  const [member, record] = await Promise.all([
    db.member.findUnique({ where: { shopId_customerGid: { shopId: shop.id, customerGid } }, select: { status: true, tierId: true } }),
    db.orderRecord.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: order.orderGid } } }),
  ]);
  if (member && member.status !== "active") return { kind: "hidden" };
  if (record && record.customerGid === customerGid && hasEarned(record)) return earnedView(record);
  if (!shop.purchaseRule) return member ? { kind: "hidden" } : { kind: "estimate", points: null, signupBonus, member: false };

  let points: number | null = null;
  if (order.currencyCode === shop.currencyCode) {
    const estimate: OrderEstimateInput = {
      lines: order.lines,
      orderDiscountMinor: order.orderDiscountMinor,
      taxMinor: order.taxMinor,
      taxesIncluded: await shopTaxesIncluded(db, shop.id),
    };
    // A customer who is not a member yet is enrolled by this order, in the entry tier.
    points = estimateOrderPoints(shop, estimate, member ? member.tierId : shop.entryTierId, now).points;
  }
  return { kind: "estimate", points, signupBonus: member ? 0 : signupBonus, member: member !== null };
}

/**
 * Whether the shop's prices include tax, as its newest paid order said (Shopify's
 * `taxes_included`); false before it has one.
 */
async function shopTaxesIncluded(db: Db, shopId: string): Promise<boolean> {
  const latest = await db.orderRecord.findFirst({ where: { shopId, paid: true }, orderBy: { stateUpdatedAt: "desc" }, select: { taxesIncluded: true } });
  return latest?.taxesIncluded ?? false;
}

/**
 * The order status page's points for `orderGid`, seen by the signed-in `customerGid`.
 * Throws OrderNotYoursError for another customer's order.
 */
export async function orderStatusPoints(shopDomain: string, customerGid: string, orderGid: string, db: Db = getDb()): Promise<OrderStatusPoints> {
  const shop = await servedShop(db, shopDomain);
  const record = await db.orderRecord.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid } } });
  if (record && record.customerGid !== null && record.customerGid !== customerGid) throw new OrderNotYoursError(orderGid);
  if (record && record.customerGid === customerGid && hasEarned(record)) {
    return record.pointsCredited > 0 || record.pointsPending > 0 ? earnedView(record) : { kind: "hidden" };
  }
  if (shop.program.status !== "live" || !shop.purchaseRule) return { kind: "hidden" };
  // Not applied yet (or unpaid): its points show once it is.
  if (!record || (!record.paid && !record.cancelled)) return { kind: "processing" };
  return { kind: "hidden" };
}

/** A customer's newest order Kanta holds (local mode's order status preview picks it). */
export async function newestOrderOf(shopDomain: string, customerGid: string, db: Db = getDb()): Promise<{ orderGid: string; name: string | null; processedAt: Date | null } | null> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return null;
  return db.orderRecord.findFirst({
    where: { shopId: shop.id, customerGid, backfill: null },
    orderBy: { processedAt: "desc" },
    select: { orderGid: true, name: true, processedAt: true },
  });
}
