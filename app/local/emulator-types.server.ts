// The shapes the Admin API emulator (./emulator.server.ts) keeps per shop, and the
// constants its modules share. emulator.server.ts re-exports every name here, so callers
// keep importing them from there.

export interface EmulatedShop {
  name: string;
  myshopifyDomain: string;
  currencyCode: string;
  ianaTimezone: string;
}

export interface EmulatedDiscount {
  id: string;
  typename: "DiscountCodeBasic" | "DiscountCodeFreeShipping";
  code: string;
  title: string;
  /** The mutation's input, as Shopify received it (validated against the schema). */
  input: Record<string, unknown>;
  /** The customers who may use it (`context.customers`), or null for everyone (`context.all`). */
  customerGids: string[] | null;
  createdAt: Date;
  /** Set by discountCodeDeactivate. */
  deactivatedAt?: Date;
}

/** A customer segment (segmentCreate / segmentUpdate): Kanta's tiers, by tag (0029). */
export interface EmulatedSegment {
  id: string;
  name: string;
  query: string;
}

/** An automatic free shipping discount (discountAutomaticFreeShippingCreate / Update). */
export interface EmulatedAutomaticDiscount {
  id: string;
  title: string;
  /** The last create or update input, as Shopify received it. */
  input: Record<string, unknown>;
  /** context.customerSegments.add */
  segmentGids: string[];
  /** ACTIVE, or EXPIRED after discountAutomaticDeactivate. */
  status: "ACTIVE" | "EXPIRED";
  createdAt: Date;
}

/** How failNext answers: an HTTP 5xx, GraphQL THROTTLED, or no answer until the caller gives up. */
export type EmulatedFault = "5xx" | "throttled" | "timeout";

/** A product with its variants, as the resource picker and product queries see it. */
export interface EmulatedProduct {
  id: string;
  title: string;
  variants: { id: string; title: string; price: string }[];
  productType?: string;
  vendor?: string;
}

/** A customer as the referral fraud rules and bulk queries read it. */
export interface EmulatedCustomer {
  id: string;
  email: string | null;
  phone: string | null;
  numberOfOrders: number;
  /** defaultEmailAddress.marketingState; unset: NOT_SUBSCRIBED. */
  marketingState?: string;
  addresses: { address1: string; address2?: string | null; city?: string | null; zip?: string | null; countryCode?: string | null; phone?: string | null }[];
  firstName?: string | null;
  lastName?: string | null;
  /** The customer's tags when added (tagsAdd / tagsRemove change them afterwards). */
  tags?: string[];
  locale?: string;
  createdAt?: Date;
  /** Lifetime spend, shop money ("123.45"). */
  amountSpent?: string;
}

/** An order as bulk queries read it (KantaBulk orders): shop money amounts as decimal strings. */
export interface EmulatedOrder {
  id: string;
  name: string;
  customerId: string | null;
  createdAt: Date;
  processedAt?: Date;
  updatedAt?: Date;
  cancelledAt?: Date | null;
  test?: boolean;
  /** OrderDisplayFinancialStatus: PAID, PARTIALLY_REFUNDED, REFUNDED, PENDING … */
  financialStatus: string;
  taxesIncluded?: boolean;
  currencyCode: string;
  lines: { id: string; quantity: number; currentQuantity?: number; unitPrice: string; discount?: string; tax?: string; giftCard?: boolean }[];
}

/** A bulk query operation as the emulator runs it: CREATED, RUNNING (for `runningPolls` reads), then COMPLETED or FAILED. */
export interface EmulatedBulkOperation {
  id: string;
  query: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";
  errorCode: string | null;
  createdAt: Date;
  completedAt: Date | null;
  /** The JSONL result, one object per line. */
  lines: string[];
  rootObjectCount: number;
  reads: number;
  failWith: string | null;
}

/** A webhook subscription the Admin API lists (topic as its enum: ORDERS_PAID). */
export interface EmulatedWebhookSubscription {
  topic: string;
  uri: string;
  apiVersion: string;
}

/** A shop's main theme: its files by name (config/settings_data.json …). */
export interface EmulatedTheme {
  id: string;
  name: string;
  files: Record<string, string>;
}

/** The scopes an install of Kanta grants (shopify.app.toml's), unless a test sets others. */
export const EMULATED_DEFAULT_SCOPES = [
  "read_customers",
  "write_customers",
  "read_orders",
  "write_discounts",
  "write_app_proxy",
  "read_store_credit_accounts",
  "read_store_credit_account_transactions",
  "write_store_credit_account_transactions",
  "read_products",
] as const;

/** A Flow trigger extension as its TOML declares it (extensions/kanta-tier-flow). */
export interface EmulatedFlowTrigger {
  handle: string;
  /** `customer_reference` fields arrive as `customer_id`; custom fields by their key. */
  fields: readonly { type: string; key?: string }[];
}

export interface EmulatedFlowRun {
  handle: string;
  payload: Record<string, unknown>;
  at: Date;
}

/** A root field's resolver: the field's arguments and the shop the request is for. */
export type Resolver = (args: Record<string, unknown>, shop: EmulatedShop) => unknown;
