import type { EmulatedDiscount } from "./emulator.server";

// How a code the Admin API emulator holds would price a cart, for local mode's /cart page:
// an amount-off code on products (`customerGets.value.discountAmount` with
// `items.products.productVariantsToAdd`). With `appliesOnEachItem: false` the amount is
// split across the entitled units, so the discount is at most the amount (one unit's price
// for a gift: exactly one unit free). Other code types are not priced here.
// https://shopify.dev/docs/api/admin-graphql/latest/input-objects/DiscountAmountInput

export interface CartLine {
  variantGid: string;
  quantity: number;
  unitMinor: number;
}

export function discountOffLines(discounts: readonly EmulatedDiscount[], code: string, lines: readonly CartLine[]): { totalMinor: number; perLine: number[] } | null {
  const found = discounts.find((d) => d.code.toUpperCase() === code.toUpperCase() && !d.deactivatedAt);
  if (!found) return null;
  const gets = found.input.customerGets as { value?: { discountAmount?: { amount?: string; appliesOnEachItem?: boolean } }; items?: { products?: { productVariantsToAdd?: string[] } } } | undefined;
  const amount = gets?.value?.discountAmount;
  const variants = gets?.items?.products?.productVariantsToAdd;
  if (!amount?.amount || !variants) return null;
  const amountMinor = Math.round(Number(amount.amount) * 100);
  const perLine = lines.map((l) => (variants.includes(l.variantGid) ? l.unitMinor * l.quantity : 0));
  if (amount.appliesOnEachItem) {
    const each = lines.map((l, i) => (perLine[i] ? Math.min(amountMinor, l.unitMinor) * l.quantity : 0));
    return { totalMinor: each.reduce((a, b) => a + b, 0), perLine: each };
  }
  // Split across the entitled lines by their share, never more than the amount in all.
  const entitled = perLine.reduce((a, b) => a + b, 0);
  if (entitled === 0) return null;
  const total = Math.min(amountMinor, entitled);
  const shares = perLine.map((p) => Math.floor((total * p) / entitled));
  const rest = total - shares.reduce((a, b) => a + b, 0);
  const first = shares.findIndex((s) => s > 0);
  if (first >= 0) shares[first]! += rest;
  return { totalMinor: total, perLine: shares };
}
