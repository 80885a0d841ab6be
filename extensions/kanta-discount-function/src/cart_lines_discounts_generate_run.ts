import type { CartInput, CartLinesDiscountsGenerateRunResult } from "./api";

/**
 * Kanta's tiers have no product or order perks today, and a member's redeemed reward is a
 * native Shopify code (customer-scoped, single use) that checkout applies without a
 * function. Accepting codes here (enteredDiscountCodesAccept) would need the fetch target
 * (Shopify Plus, custom apps) or a secret inside the function, so this target adds nothing.
 * docs/decisions/0029-checkout-discounts.md
 */
export function cartLinesDiscountsGenerateRun(_input: CartInput): CartLinesDiscountsGenerateRunResult {
  return { operations: [] };
}
