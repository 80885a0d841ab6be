import { z } from "zod";
import { MoneyError, parseMoneyToMinor } from "../ledger/money";

// What the thank-you extension sends about the order it shows (extensions/kanta-order-points):
// the order's id and the checkout's own figures (shopify.lines, shopify.discountAllocations,
// shopify.cost), amounts as the checkout gives them (decimal numbers in its currency). Pure.
// docs/decisions/0026-points-on-the-order.md

/** The thank-you page's order id (Order, or OrderIdentity in older checkouts: the same number). */
const ORDER_ID = /^gid:\/\/shopify\/Order(?:Identity)?\/(\d{1,20})$/;
const MAX_LINES = 500;

const amount = z.number().finite().nonnegative().max(1e12);

export const checkoutOrderSchema = z.strictObject({
  orderId: z.string().regex(ORDER_ID, "orderId must be an order GID (gid://shopify/Order/<number>)"),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, "currencyCode must be an ISO 4217 code"),
  lines: z.array(z.strictObject({ amount })).max(MAX_LINES, `At most ${MAX_LINES} lines`),
  orderDiscount: amount.default(0),
  tax: amount.default(0),
});

export interface ParsedCheckoutOrder {
  orderGid: string;
  currencyCode: string;
  lines: { totalMinor: number }[];
  orderDiscountMinor: number;
  taxMinor: number;
}

/** The request body as a checkout order in minor units, or the first problem with it. */
export function parseCheckoutOrder(body: unknown): { ok: true; order: ParsedCheckoutOrder } | { ok: false; message: string } {
  const parsed = checkoutOrderSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join(".") || "body"}: ${issue.message}` };
  }
  const { orderId, currencyCode, lines, orderDiscount, tax } = parsed.data;
  try {
    const minor = (value: number) => parseMoneyToMinor(value, currencyCode);
    return {
      ok: true,
      order: {
        orderGid: `gid://shopify/Order/${ORDER_ID.exec(orderId)![1]}`,
        currencyCode,
        lines: lines.map((l) => ({ totalMinor: minor(l.amount) })),
        orderDiscountMinor: minor(orderDiscount),
        taxMinor: minor(tax),
      },
    };
  } catch (error) {
    if (error instanceof MoneyError) return { ok: false, message: error.message };
    throw error;
  }
}

/** The order status page's order id, from the query string. */
export function parseOrderGid(value: string | null): string | null {
  const match = value ? ORDER_ID.exec(value) : null;
  return match ? `gid://shopify/Order/${match[1]}` : null;
}
