// Kanta in Shopify POS: the pure rules. docs/decisions/0027-pos.md
import type { RewardType } from "../rewards/rewards";

/** A Shopify customer GID as POS's Customer API gives it (a number) or as a GID. */
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/;

/** The customer's GID from what the device sent (a GID or POS's numeric id); null if neither. */
export function parsePosCustomer(value: unknown): string | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return `gid://shopify/Customer/${value}`;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^\d{1,20}$/.test(text) && text !== "0" && !/^0/.test(text)) return `gid://shopify/Customer/${text}`;
  return CUSTOMER_GID.test(text) ? text : null;
}

/**
 * Which rewards a till can hand out: the code goes onto the POS cart, so a reward must be a
 * discount a cart in the shop can take. Free shipping has nothing to take off in a store;
 * points-for-money needs the shopper's own choice of amount (the widget's slider) and stays
 * online for now.
 */
export function redeemableInStore(type: RewardType): boolean {
  return type === "amount_off" || type === "percent_off" || type === "free_product";
}

/** The device's idempotency key: the same rules as the widget's request id. */
export const POS_REQUEST_ID = /^[A-Za-z0-9_-]{8,100}$/;
