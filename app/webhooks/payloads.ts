import { z } from "zod";
import type { OrderLine, OrderSnapshot, RefundLine, RefundSnapshot } from "../loyalty/orders/order-points";
import type { CustomerFacts } from "../loyalty/members/enrol.server";
import { MoneyError, parseMoneyToMinor } from "../loyalty/ledger/money";
import { REFERRAL_ATTRIBUTE, isVisitorToken } from "../loyalty/referrals/codes";
import { type AddressFacts, type ReferralOrderFacts } from "../loyalty/referrals/fraud";
import { idString } from "./json";

// The parts of Shopify's webhook payloads Kanta reads, validated with zod and mapped to
// the domain's types. Amounts come from `shop_money` (the shop's currency), never from
// presentment money. https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics

/** A payload that can never be processed; the event is recorded as invalid, not retried. */
export class PayloadError extends Error {
  override name = "PayloadError";
}

/** A Shopify numeric id, as JSON gives it (a digit string or a safe number), read exactly (./json.ts). */
export const id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(idString);
const gid = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`));
const amount = z.union([z.string(), z.number()]);
const moneySet = z.object({
  shop_money: z.object({ amount, currency_code: z.string().length(3) }),
});
const date = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a date").transform((s) => new Date(s));

const taxLine = z.object({ price_set: moneySet.optional(), price: amount.optional() });
const discountAllocation = z.object({ amount_set: moneySet });

const lineItem = z.object({
  id,
  // Null for custom items and products deleted since: the earning rules by product (0033) and
  // membership products, which put the buyer in a paid tier (0032), need them.
  product_id: id.nullish(),
  variant_id: id.nullish(),
  quantity: z.number().int().nonnegative(),
  current_quantity: z.number().int().nonnegative().nullish(),
  price_set: moneySet,
  gift_card: z.boolean().nullish(),
  // Present only on tip line items.
  tip_payment_gateway: z.string().nullish(),
  tax_lines: z.array(taxLine).nullish(),
  discount_allocations: z.array(discountAllocation).nullish(),
});

const refundLineItem = z.object({
  line_item_id: id,
  quantity: z.number().int().nonnegative(),
  subtotal_set: moneySet,
  total_tax_set: moneySet.nullish(),
  line_item: z.object({ gift_card: z.boolean().nullish(), tip_payment_gateway: z.string().nullish() }).passthrough().nullish(),
});

// Money refunded beyond the lines: the difference between the calculated and the actual
// refund (negative = more went back). `kind` is deprecated since 2024-10 (shipping refunds
// moved to refund_shipping_lines); older payloads still mark shipping as shipping_refund.
const orderAdjustment = z
  .object({
    kind: z.string().nullish(),
    amount_set: moneySet.nullish(),
    tax_amount_set: moneySet.nullish(),
    amount: amount.nullish(),
    tax_amount: amount.nullish(),
  })
  .passthrough();

const refund = z.object({
  id,
  admin_graphql_api_id: gid("Refund").nullish(),
  order_id: id,
  created_at: date,
  refund_line_items: z.array(refundLineItem).default([]),
  order_adjustments: z.array(orderAdjustment).nullish(),
});

// Addresses and contact details are read only for the referral fraud rules (same address
// or phone as the referrer); they are compared, never stored.
const address = z
  .object({
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    zip: z.string().nullish(),
    country_code: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .passthrough()
  .nullish();

const customerRef = z
  .object({
    id: id.nullish(),
    admin_graphql_api_id: gid("Customer").nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
    default_address: address,
  })
  .passthrough()
  .nullish();

const order = z.object({
  id,
  admin_graphql_api_id: gid("Order").nullish(),
  name: z.string().nullish(),
  updated_at: date,
  processed_at: date.nullish(),
  created_at: date,
  financial_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  taxes_included: z.boolean().nullish(),
  total_price_set: moneySet,
  line_items: z.array(lineItem),
  refunds: z.array(refund).nullish(),
  customer: customerRef,
  discount_codes: z.array(z.object({ code: z.string() }).passthrough()).nullish(),
  // Cart attributes set by the storefront (the referral widget's kanta_ref).
  note_attributes: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]).nullish() }).passthrough()).nullish(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  phone: z.string().nullish(),
  shipping_address: address,
  billing_address: address,
});

const customer = z.object({
  id,
  admin_graphql_api_id: gid("Customer").nullish(),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  tags: z.string().nullish(),
  locale: z.string().nullish(),
  updated_at: date.nullish(),
});

/** The payload as the schema reads it, or a PayloadError naming the first wrong field. */
export function parse<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new PayloadError(`${what}: ${first?.path.join(".") || "(root)"} ${first?.message ?? "invalid"}`);
  }
  return result.data;
}

function minor(set: z.infer<typeof moneySet>, currency: string): number {
  if (set.shop_money.currency_code.toUpperCase() !== currency.toUpperCase()) {
    throw new PayloadError(`mixed shop currencies ${set.shop_money.currency_code} and ${currency}`);
  }
  try {
    return parseMoneyToMinor(set.shop_money.amount, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw new PayloadError(error.message);
    throw error;
  }
}

function orderGid(o: { id: string; admin_graphql_api_id?: string | null }): string {
  return o.admin_graphql_api_id ?? `gid://shopify/Order/${o.id}`;
}

function customerGid(c: { id?: string | null; admin_graphql_api_id?: string | null } | null | undefined): string | null {
  if (!c) return null;
  if (c.admin_graphql_api_id) return c.admin_graphql_api_id;
  return c.id ? `gid://shopify/Customer/${c.id}` : null;
}

function mapRefund(r: z.infer<typeof refund>, currency: string): RefundSnapshot {
  const lines: RefundLine[] = r.refund_line_items.map((l) => ({
    lineItemId: l.line_item_id,
    quantity: l.quantity,
    subtotalMinor: minor(l.subtotal_set, currency),
    taxMinor: l.total_tax_set ? minor(l.total_tax_set, currency) : 0,
    nonEarning: Boolean(l.line_item?.gift_card || l.line_item?.tip_payment_gateway),
  }));
  return {
    refundGid: r.admin_graphql_api_id ?? `gid://shopify/Refund/${r.id}`,
    orderGid: `gid://shopify/Order/${r.order_id}`,
    createdAt: r.created_at,
    lines,
    adjustmentMinor: refundAdjustmentMinor(r.order_adjustments ?? [], currency),
  };
}

/**
 * Money refunded beyond the lines, tax included, as a positive amount: the adjustments that
 * are not shipping refunds, sign flipped. Shipping earns nothing, so refunding it takes
 * nothing (docs/decisions/0015-refunds-without-line-items.md).
 */
function refundAdjustmentMinor(adjustments: readonly z.infer<typeof orderAdjustment>[], currency: string): number {
  let total = 0;
  for (const a of adjustments) {
    if (a.kind === "shipping_refund") continue;
    const value = (set: z.infer<typeof moneySet> | null | undefined, plain: string | number | null | undefined) =>
      set ? minor(set, currency) : plain === null || plain === undefined ? 0 : minor({ shop_money: { amount: plain, currency_code: currency } }, currency);
    total += value(a.amount_set, a.amount) + value(a.tax_amount_set, a.tax_amount);
  }
  return total === 0 ? 0 : -total;
}

/** An order snapshot with what the referral program reads from the same payload. */
export type OrderSnapshotWithReferral = OrderSnapshot & { referral: ReferralOrderFacts };

function toAddressFacts(a: z.infer<typeof address>): AddressFacts | null {
  if (!a?.address1) return null;
  return { address1: a.address1, address2: a.address2 ?? null, city: a.city ?? null, zip: a.zip ?? null, countryCode: a.country_code ?? null };
}

function referralFacts(o: z.infer<typeof order>): ReferralOrderFacts {
  const attribute = (o.note_attributes ?? []).find((a) => a.name === REFERRAL_ATTRIBUTE);
  const token = attribute?.value === undefined || attribute.value === null ? null : String(attribute.value).trim();
  const addresses = [o.shipping_address, o.billing_address].map(toAddressFacts).filter((a): a is AddressFacts => a !== null);
  const phones = [o.phone, o.shipping_address?.phone, o.billing_address?.phone, o.customer?.phone].filter((p): p is string => Boolean(p));
  return {
    visitorToken: isVisitorToken(token) ? token : null,
    email: o.email || o.contact_email || o.customer?.email || null,
    phones: [...new Set(phones)],
    addresses,
  };
}

export function toOrderSnapshot(payload: unknown): OrderSnapshotWithReferral {
  const o = parse(order, payload, "order");
  const currency = o.total_price_set.shop_money.currency_code.toUpperCase();
  const lines: OrderLine[] = o.line_items.map((l) => ({
    lineItemId: l.id,
    productGid: l.product_id ? `gid://shopify/Product/${l.product_id}` : null,
    variantGid: l.variant_id ? `gid://shopify/ProductVariant/${l.variant_id}` : null,
    quantity: l.quantity,
    currentQuantity: l.current_quantity ?? l.quantity,
    unitPriceMinor: minor(l.price_set, currency),
    discountMinor: (l.discount_allocations ?? []).reduce((s, d) => s + minor(d.amount_set, currency), 0),
    taxMinor: (l.tax_lines ?? []).reduce((s, t) => s + (t.price_set ? minor(t.price_set, currency) : 0), 0),
    nonEarning: Boolean(l.gift_card || l.tip_payment_gateway),
  }));
  return {
    orderGid: orderGid(o),
    name: o.name ?? null,
    customerGid: customerGid(o.customer),
    currencyCode: currency,
    updatedAt: o.updated_at,
    processedAt: o.processed_at ?? o.created_at,
    financialStatus: o.financial_status ?? null,
    cancelled: Boolean(o.cancelled_at),
    taxesIncluded: o.taxes_included ?? false,
    lines,
    refunds: (o.refunds ?? []).map((r) => mapRefund(r, currency)),
    discountCodes: (o.discount_codes ?? []).map((d) => d.code),
    totalMinor: minor(o.total_price_set, currency),
    discountCodeAmounts: discountCodeAmounts(o.discount_codes ?? [], currency),
    referral: referralFacts(o),
  };
}

/** discount_codes[].amount is shop money; an amount that does not parse is left out. */
function discountCodeAmounts(codes: readonly { code: string; amount?: unknown }[], currency: string): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const c of codes) {
    if (typeof c.amount !== "string" && typeof c.amount !== "number") continue;
    try {
      amounts[c.code] = (amounts[c.code] ?? 0) + parseMoneyToMinor(c.amount, currency);
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
    }
  }
  return amounts;
}

/** refunds/create carries no currency of its own: amounts are in the order's shop money. */
export function toRefundSnapshot(payload: unknown): RefundSnapshot {
  const r = parse(refund, payload, "refund");
  const currency = (
    r.refund_line_items[0]?.subtotal_set.shop_money.currency_code ??
    r.order_adjustments?.find((a) => a.amount_set)?.amount_set?.shop_money.currency_code ??
    "USD"
  ).toUpperCase();
  return mapRefund(r, currency);
}

export function toCustomerFacts(payload: unknown): CustomerFacts {
  const c = parse(customer, payload, "customer");
  return {
    customerGid: customerGid(c) ?? `gid://shopify/Customer/${c.id}`,
    email: c.email ?? null,
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    tags: c.tags ?? "",
    locale: c.locale ?? null,
    updatedAt: c.updated_at ?? null,
  };
}

const complianceCustomer = z.object({
  shop_id: id,
  shop_domain: z.string(),
  customer: z.object({ id, email: z.string().nullish(), phone: z.string().nullish() }),
  orders_to_redact: z.array(id).nullish(),
  orders_requested: z.array(id).nullish(),
  data_request: z.object({ id }).passthrough().nullish(),
});

export function toComplianceCustomer(payload: unknown) {
  const c = parse(complianceCustomer, payload, "compliance payload");
  return {
    shopDomain: c.shop_domain,
    customerGid: `gid://shopify/Customer/${c.customer.id}`,
    email: c.customer.email ?? null,
    orderGids: [...(c.orders_to_redact ?? []), ...(c.orders_requested ?? [])].map((o) => `gid://shopify/Order/${o}`),
    dataRequestId: c.data_request?.id ?? null,
  };
}

export function toShopRedact(payload: unknown) {
  const s = parse(z.object({ shop_id: id, shop_domain: z.string() }), payload, "shop/redact payload");
  return { shopDomain: s.shop_domain };
}
