import type { Tx } from "../../db.server";
import { collectionsOfProducts } from "../catalog/catalog.server";
import { productLineTerms } from "../earn/product-rules";
import type { ShopConfig } from "../program/shop-config.server";
import { computeStoredLineOrderTarget, type StoredLineOrder } from "./line-points";
import { orderMultiplierPermille } from "./order-points";

// Orders earning by line (0033), in the order's transaction: the lines' terms fixed when
// the order first earns, and the order's target from its lines and refund lines.

/**
 * Fixes each line's terms: the product rules' share of the rate and extra points (by the
 * product and the collections the catalogue has it in), and the line's tier × campaign
 * multiplier (a campaign on one of its collections counts when it beats the order's).
 */
export async function fixLineTerms(tx: Tx, shop: ShopConfig, orderGid: string, memberTierId: string | null, at: Date): Promise<void> {
  const rules = shop.purchaseRule?.terms.productRules ?? [];
  const lines = await tx.orderLine.findMany({ where: { shopId: shop.id, orderGid }, select: { id: true, productGid: true } });
  const productGids = lines.map((l) => l.productGid).filter((g): g is string => g !== null);
  const collections = await collectionsOfProducts(tx, shop.id, productGids);
  for (const line of lines) {
    const lineCollections = line.productGid ? (collections.get(line.productGid) ?? []) : [];
    const { permille, extraPoints } = productLineTerms(rules, line.productGid, lineCollections);
    await tx.orderLine.update({
      where: { id: line.id },
      data: { earnPermille: permille, earnExtraPoints: extraPoints, earnMultiplierPermille: orderMultiplierPermille(shop, memberTierId, at, lineCollections) },
    });
  }
}

/** The target of an order earning by line, from its stored lines and refund lines. */
export async function storedLineTarget(tx: Tx, shopId: string, order: StoredLineOrder & { orderGid: string }, refunds: readonly { adjustmentMinor: bigint | number }[]) {
  const [lines, refundLines] = await Promise.all([
    tx.orderLine.findMany({ where: { shopId, orderGid: order.orderGid }, orderBy: { lineItemId: "asc" } }),
    tx.orderRefundLine.findMany({ where: { shopId, orderGid: order.orderGid } }),
  ]);
  return computeStoredLineOrderTarget(order, refunds, lines, refundLines);
}
