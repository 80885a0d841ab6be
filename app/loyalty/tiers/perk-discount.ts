import { tierTag } from "./rules";

// A tier's free-shipping perk in Shopify (pure): the customer segment that holds the tier's
// members (by the tag the tier sync gives them, app/jobs/tier-sync.server.ts), the automatic
// discount's title, and the state the Tiers page shows. docs/decisions/0029-checkout-discounts.md

/** Shopify's segment query language: the tier's members are the customers with its tag. */
export function tierSegmentSpec(tierName: string): { name: string; query: string } {
  return { name: `Kanta tier: ${tierName}`, query: `customer_tags CONTAINS '${tierTag(tierName)}'` };
}

/** The automatic discount as the merchant sees it in Shopify's Discounts list. */
export function tierFreeShippingTitle(tierName: string): string {
  return `Kanta ${tierName}: free shipping`;
}

/** What the Tiers page says about a tier's free-shipping discount. */
export type TierDiscountState =
  | { state: "none" }
  | { state: "pending"; wantActive: boolean; error: string | null }
  | { state: "active" }
  | { state: "inactive" }
  | { state: "failed"; error: string };

export function tierDiscountState(row: { wantActive: boolean; status: string; lastError: string | null; discountGid: string | null } | null | undefined): TierDiscountState {
  if (!row) return { state: "none" };
  if (row.status === "dead") return { state: "failed", error: row.lastError ?? "Shopify refused the change" };
  if (row.status === "pending") return { state: "pending", wantActive: row.wantActive, error: row.lastError };
  if (!row.wantActive) return row.discountGid ? { state: "inactive" } : { state: "none" };
  return { state: "active" };
}
