import { getEnv } from "../env.server";
import { TypeInfo, execute, getNamedType, getOperationAST, parse, validate, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";
import { KANTA_TIER_FLOW_TRIGGER } from "../shopify/customers.server";
import { OCCASION_FLOW_TRIGGERS } from "../shopify/occasion-triggers";
import { loadAdminSchema } from "./admin-schema.server";
import { DEMO_COLLECTIONS, DEMO_PRODUCTS, DEMO_SHOP, demoExistingCustomers } from "./demo-shop";
import type { AdminGraphql } from "../shopify/graphql";
import { EmulatedStoreCredit, type EmulatedStoreCreditAccount } from "./emulator-store-credit.server";
import { EmulatedCatalog } from "./emulator-catalog.server";

export type { EmulatedStoreCreditAccount, EmulatedStoreCreditTransaction } from "./emulator-store-credit.server";

// A local stand-in for Shopify's Admin GraphQL API, for local mode and tests only.
// Every document is parsed and validated against Shopify's published Admin schema (the
// introspection shipped in @shopify/dev-mcp), then executed by graphql-js against that
// same schema, so responses are type-checked too: an emulated answer Shopify could not give
// (a wrong enum, a missing non-null field) fails here just as a wrong query does.


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


type Resolver = (args: Record<string, unknown>, shop: EmulatedShop) => unknown;

export class AdminEmulator {
  private shops = new Map<string, EmulatedShop>();
  private discountsByShop = new Map<string, EmulatedDiscount[]>();
  private segmentsByShop = new Map<string, EmulatedSegment[]>();
  private automaticByShop = new Map<string, EmulatedAutomaticDiscount[]>();
  private productsByShop = new Map<string, EmulatedProduct[]>();
  private customersByShop = new Map<string, Map<string, EmulatedCustomer>>();
  private nextId = 1_000_000_000_000;
  private failures = new Map<string, { message: string; times: number; fault: EmulatedFault }>();
  // Customer tags and metafields (tier sync), customers deleted in Shopify, Flow triggers.
  private tagsByShop = new Map<string, Map<string, string[]>>();
  private metafieldsByShop = new Map<string, Map<string, { namespace: string; key: string; type: string; value: string }>>();
  private deletedCustomers = new Set<string>();
  private flowTriggers = new Map<string, EmulatedFlowTrigger>();
  private flowRunsByShop = new Map<string, EmulatedFlowRun[]>();
  // The app's installation per shop: the owner of app-data metafields.
  private installationByShop = new Map<string, string>();
  // What npm run doctor reads: granted scopes, shop-specific webhook subscriptions,
  // metafield definitions and the main theme's files.
  private scopesByShop = new Map<string, string[]>();
  private webhooksByShop = new Map<string, EmulatedWebhookSubscription[]>();
  private definitionsByShop = new Map<string, { ownerType: string; namespace: string; key: string; type: string }[]>();
  private mainThemeByShop = new Map<string, EmulatedTheme>();
  // Orders (bulk queries read them) and bulk query operations, per shop.
  private ordersByShop = new Map<string, EmulatedOrder[]>();
  private bulkByShop = new Map<string, EmulatedBulkOperation[]>();
  private bulkRunningPolls = 1;
  private bulkFailNext: string | null = null;
  /** Bytes per chunk when a bulk result is read (small in tests: lines split across chunks). */
  bulkChunkBytes = 64 * 1024;

  readonly calls: { shop: string; operationName: string; variables: Record<string, unknown> }[] = [];
  // Shopify's cost budget (https://shopify.dev/docs/api/usage/limits): reported on every
  // answer; enforced (THROTTLED when a request costs more than is left) only after
  // setThrottle, so tests that make many calls at once are not paced by accident.
  private throttle: { maximumAvailable: number; restoreRate: number } | null = null;
  private bucketByShop = new Map<string, { available: number; at: number }>();
  private clockNow: () => number = () => Date.now();

  constructor(private readonly schema: GraphQLSchema) {}

  /** Enforces Shopify's cost budget per shop: a bucket of `maximumAvailable` points refilled at `restoreRate` a second. */
  setThrottle(limits: { maximumAvailable: number; restoreRate: number } | null, now?: () => number) {
    this.throttle = limits;
    if (now) this.clockNow = now;
    this.bucketByShop.clear();
  }

  /** The cost report Shopify would send, after charging `requested` (when it fits). */
  private charge(shopDomain: string, requested: number): { throttled: boolean; cost: Record<string, unknown> } {
    const limits = this.throttle ?? { maximumAvailable: 2000, restoreRate: 100 };
    let available = limits.maximumAvailable;
    let throttled = false;
    if (this.throttle) {
      const now = this.clockNow();
      const bucket = this.bucketByShop.get(shopDomain) ?? { available: limits.maximumAvailable, at: now };
      // Rounded to a thousandth of a point: 5.1 s at 100 points/s refill 510 points, not 509.999….
      available = Math.round(Math.min(limits.maximumAvailable, bucket.available + ((now - bucket.at) / 1000) * limits.restoreRate) * 1000) / 1000;
      throttled = requested > available;
      if (!throttled) available -= requested;
      this.bucketByShop.set(shopDomain, { available, at: now });
    }
    return {
      throttled,
      cost: {
        requestedQueryCost: requested,
        actualQueryCost: throttled ? null : requested,
        throttleStatus: { maximumAvailable: limits.maximumAvailable, currentlyAvailable: Math.floor(available), restoreRate: limits.restoreRate },
      },
    };
  }

  addShop(shop: EmulatedShop) {
    this.shops.set(shop.myshopifyDomain, shop);
  }

  /** The shop's catalogue (local mode's resource picker lists it through `products`). */
  addProducts(shopDomain: string, products: readonly EmulatedProduct[]) {
    this.productsByShop.set(shopDomain, [...(this.productsByShop.get(shopDomain) ?? []), ...products]);
  }

  /** Collections, products and their membership (./emulator-catalog.server.ts). */
  readonly catalog = new EmulatedCatalog((shopDomain) => this.productsByShop.get(shopDomain) ?? []);

  /** Removes a product (and it leaves its collections), as a products/delete would follow. */
  removeProduct(shopDomain: string, productId: string) {
    this.productsByShop.set(shopDomain, (this.productsByShop.get(shopDomain) ?? []).filter((p) => p.id !== productId));
    for (const c of this.catalog.collections(shopDomain)) {
      if (c.productIds.includes(productId)) this.catalog.setCollection(shopDomain, { ...c, productIds: c.productIds.filter((id) => id !== productId) });
    }
  }

  /** Customers Shopify knows (the referral rules ask for addresses, phones and order counts). */
  addCustomer(shopDomain: string, customer: EmulatedCustomer) {
    const map = this.customersByShop.get(shopDomain) ?? new Map<string, EmulatedCustomer>();
    map.set(customer.id, customer);
    this.customersByShop.set(shopDomain, map);
    if (customer.tags?.length) {
      const byCustomer = this.tagsByShop.get(shopDomain) ?? new Map<string, string[]>();
      byCustomer.set(customer.id, [...customer.tags]);
      this.tagsByShop.set(shopDomain, byCustomer);
    }
  }

  /** Orders Shopify knows (bulk queries list them). */
  addOrder(shopDomain: string, order: EmulatedOrder) {
    const list = this.ordersByShop.get(shopDomain) ?? [];
    list.push(order);
    this.ordersByShop.set(shopDomain, list);
  }

  /** How many status reads a bulk operation answers RUNNING before it completes (default 1). */
  setBulkRunningPolls(reads: number) {
    this.bulkRunningPolls = reads;
  }

  /** The next bulk operation ends FAILED with this BulkOperationErrorCode (TIMEOUT, INTERNAL_SERVER_ERROR, ACCESS_DENIED). */
  failNextBulkOperation(errorCode: "TIMEOUT" | "INTERNAL_SERVER_ERROR" | "ACCESS_DENIED") {
    this.bulkFailNext = errorCode;
  }

  /** Bulk operations started on a shop, oldest first. */
  bulkOperations(shopDomain: string): EmulatedBulkOperation[] {
    return [...(this.bulkByShop.get(shopDomain) ?? [])];
  }

  /**
   * The result file behind a completed operation's `url`, streamed in chunks of
   * bulkChunkBytes (lines cross chunk boundaries, as they do over HTTP); null for a URL
   * the emulator never gave out (Shopify's storage answers 404).
   */
  bulkResult(url: string): ReadableStream<Uint8Array> | null {
    const match = /\/local\/bulk\/(\d+)\.jsonl$/.exec(new URL(url, "http://x").pathname);
    if (!match) return null;
    const id = `gid://shopify/BulkOperation/${match[1]}`;
    for (const list of this.bulkByShop.values()) {
      const op = list.find((o) => o.id === id && o.status === "COMPLETED");
      if (!op) continue;
      const bytes = Buffer.from(op.lines.map((l) => `${l}\n`).join(""), "utf8");
      const size = Math.max(1, this.bulkChunkBytes);
      let offset = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= bytes.length) return controller.close();
          controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + size)));
          offset += size;
        },
      });
    }
    return null;
  }

  private customerNode(shopDomain: string, c: EmulatedCustomer) {
    return {
      __typename: "Customer",
      id: c.id,
      firstName: c.firstName ?? null,
      lastName: c.lastName ?? null,
      defaultEmailAddress: c.email ? { emailAddress: c.email } : null,
      tags: this.customerTags(shopDomain, c.id),
      locale: c.locale ?? "en",
      createdAt: (c.createdAt ?? new Date("2024-01-01T00:00:00Z")).toISOString(),
      updatedAt: (c.createdAt ?? new Date("2024-01-01T00:00:00Z")).toISOString(),
      numberOfOrders: String(c.numberOfOrders),
      amountSpent: { amount: c.amountSpent ?? "0.0", currencyCode: this.shops.get(shopDomain)?.currencyCode ?? "USD" },
      storeCreditAccounts: this.customerStoreCreditAccounts(shopDomain, c.id),
      orders: (a: { query?: string }) =>
        connection((this.ordersByShop.get(shopDomain) ?? []).filter((o) => o.customerId === c.id && matchesOrderQuery(o, a.query)).map((o) => this.orderNode(shopDomain, o))),
    };
  }

  private orderNode(shopDomain: string, o: EmulatedOrder) {
    const money = (amount: string) => ({ shopMoney: { amount, currencyCode: o.currencyCode }, presentmentMoney: { amount, currencyCode: o.currencyCode } });
    const lines = o.lines.map((l) => ({
      __typename: "LineItem",
      id: l.id,
      quantity: l.quantity,
      currentQuantity: l.currentQuantity ?? l.quantity,
      isGiftCard: l.giftCard ?? false,
      originalUnitPriceSet: money(l.unitPrice),
      discountAllocations: l.discount ? [{ allocatedAmountSet: money(l.discount) }] : [],
      taxLines: l.tax ? [{ priceSet: money(l.tax) }] : [],
    }));
    const cents = (s: string) => Math.round(Number(s) * 100);
    const subtotal = o.lines.reduce((sum, l) => sum + cents(l.unitPrice) * (l.currentQuantity ?? l.quantity) - cents(l.discount ?? "0"), 0);
    const tax = o.lines.reduce((sum, l) => sum + cents(l.tax ?? "0"), 0);
    const total = subtotal + (o.taxesIncluded ? 0 : tax);
    return {
      __typename: "Order",
      id: o.id,
      name: o.name,
      createdAt: o.createdAt.toISOString(),
      processedAt: (o.processedAt ?? o.createdAt).toISOString(),
      updatedAt: (o.updatedAt ?? o.createdAt).toISOString(),
      cancelledAt: o.cancelledAt ? o.cancelledAt.toISOString() : null,
      test: o.test ?? false,
      displayFinancialStatus: o.financialStatus,
      taxesIncluded: o.taxesIncluded ?? false,
      customer: o.customerId ? { id: o.customerId } : null,
      currentSubtotalPriceSet: money((subtotal / 100).toFixed(2)),
      currentTotalTaxSet: money((tax / 100).toFixed(2)),
      totalPriceSet: money((total / 100).toFixed(2)),
      lineItems: () => connection(lines),
    };
  }

  /**
   * bulkOperationRunQuery as Shopify documents it: the query is validated (a connection at
   * its root, at most five connections, nested at most two deep); one bulk query per shop
   * at a time (OPERATION_IN_PROGRESS); the result is JSONL with one object per line, the
   * nodes of a nested connection on their own lines with `__parentId`. groupObjects: true
   * puts children right after their parent; false lists every parent first.
   */
  private async runBulkQuery(shop: EmulatedShop, args: Record<string, unknown>) {
    const query = String(args.query ?? "");
    const invalid = (message: string) => ({ bulkOperation: null, userErrors: [{ field: ["query"], message, code: "INVALID" }] });
    const list = this.bulkByShop.get(shop.myshopifyDomain) ?? [];
    const running = list.find((o) => o.status === "CREATED" || o.status === "RUNNING");
    if (running) {
      return { bulkOperation: null, userErrors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${running.id}.`, code: "OPERATION_IN_PROGRESS" }] };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return invalid(`Invalid bulk query: ${String(error)}`);
    }
    const errors = validate(this.schema, document);
    if (errors.length) return invalid(`Invalid bulk query: ${errors.map((e) => e.message).join("; ")}`);
    if (getOperationAST(document)?.operation !== "query") return invalid("Bulk queries must be queries.");
    const shape = connectionShape(this.schema, document);
    if (shape.count === 0) return invalid("Bulk queries must contain at least one connection.");
    if (shape.count > 5) return invalid("Bulk queries cannot contain more than 5 connections.");
    if (shape.depth > 2) return invalid("Bulk queries cannot contain connections with a nesting depth greater than 2.");
    const result = await execute({ schema: this.schema, document, rootValue: this.rootValue(shop) });
    if (result.errors?.length) return invalid(result.errors.map((e) => e.message).join("; "));
    const roots: string[] = [];
    const children: string[] = [];
    const grouped = args.groupObjects === true;
    let rootObjectCount = 0;
    for (const value of Object.values(result.data ?? {})) {
      if (!isConnectionValue(value)) continue;
      for (const node of connectionNodes(value)) {
        rootObjectCount++;
        const lines = flattenNode(node, null);
        if (grouped) roots.push(...lines);
        else {
          roots.push(lines[0]!);
          children.push(...lines.slice(1));
        }
      }
    }
    const op: EmulatedBulkOperation = {
      id: `gid://shopify/BulkOperation/${this.nextId++}`,
      query,
      status: "CREATED",
      errorCode: null,
      createdAt: new Date(),
      completedAt: null,
      lines: [...roots, ...children],
      rootObjectCount,
      reads: 0,
      failWith: this.bulkFailNext,
    };
    this.bulkFailNext = null;
    list.push(op);
    this.bulkByShop.set(shop.myshopifyDomain, list);
    return { bulkOperation: this.bulkNode(op, false), userErrors: [] };
  }

  /** A bulk operation as the API shows it; `read` advances it (CREATED -> RUNNING -> COMPLETED/FAILED). */
  private bulkNode(op: EmulatedBulkOperation, read: boolean) {
    if (read && (op.status === "CREATED" || op.status === "RUNNING")) {
      op.reads++;
      if (op.reads > this.bulkRunningPolls) {
        op.status = op.failWith ? "FAILED" : "COMPLETED";
        op.errorCode = op.failWith;
        op.completedAt = new Date();
      } else op.status = "RUNNING";
    }
    const done = op.status === "COMPLETED";
    const objectCount = done ? op.lines.length : op.status === "RUNNING" ? Math.floor(op.lines.length / 2) : 0;
    const appUrl = getEnv().SHOPIFY_APP_URL.replace(/\/$/, "");
    const numericId = op.id.split("/").pop();
    return {
      __typename: "BulkOperation",
      id: op.id,
      status: op.status,
      errorCode: op.errorCode,
      createdAt: op.createdAt.toISOString(),
      completedAt: op.completedAt?.toISOString() ?? null,
      objectCount: String(objectCount),
      rootObjectCount: String(done ? op.rootObjectCount : Math.min(op.rootObjectCount, objectCount)),
      fileSize: done && op.lines.length ? String(Buffer.byteLength(op.lines.map((l) => `${l}\n`).join(""))) : null,
      // Shopify gives no url when the query matched nothing.
      url: done && op.lines.length ? `${appUrl}/local/bulk/${numericId}.jsonl` : null,
      partialDataUrl: null,
      query: op.query,
      type: "QUERY",
    };
  }

  private findBulk(shopDomain: string, id: unknown): EmulatedBulkOperation | undefined {
    return (this.bulkByShop.get(shopDomain) ?? []).find((o) => o.id === id);
  }


  /** A customer's tags in Shopify (as tagsAdd / tagsRemove left them). */
  customerTags(shopDomain: string, customerGid: string): string[] {
    return [...(this.tagsByShop.get(shopDomain)?.get(customerGid) ?? [])];
  }

  /** A customer metafield's value, by the namespace Shopify stored it under ($app:x is app--kanta--x). */
  customerMetafield(shopDomain: string, customerGid: string, namespace: string, key: string) {
    return this.metafieldsByShop.get(shopDomain)?.get(`${customerGid}|${resolveAppNamespace(namespace)}|${key}`) ?? null;
  }

  /** The app's installation id on a shop (currentAppInstallation). */
  appInstallationId(shopDomain: string): string {
    let id = this.installationByShop.get(shopDomain);
    if (!id) {
      id = `gid://shopify/AppInstallation/${this.nextId++}`;
      this.installationByShop.set(shopDomain, id);
    }
    return id;
  }

  /** An app-data metafield (on the app's installation), as Liquid's `app.metafields` sees it. */
  appDataMetafield(shopDomain: string, namespace: string, key: string) {
    const owner = this.installationByShop.get(shopDomain);
    if (!owner) return null;
    return this.metafieldsByShop.get(shopDomain)?.get(`${owner}|${resolveAppNamespace(namespace)}|${key}`) ?? null;
  }

  /** The scopes the shop granted the app (currentAppInstallation.accessScopes). */
  setAccessScopes(shopDomain: string, scopes: readonly string[]) {
    this.scopesByShop.set(shopDomain, [...scopes]);
  }

  private accessScopes(shopDomain: string): string[] {
    return this.scopesByShop.get(shopDomain) ?? [...EMULATED_DEFAULT_SCOPES];
  }

  /** A shop-specific webhook subscription (app-specific ones, from shopify.app.toml, are not listed by Shopify). */
  addWebhookSubscription(shopDomain: string, subscription: EmulatedWebhookSubscription) {
    this.webhooksByShop.set(shopDomain, [...(this.webhooksByShop.get(shopDomain) ?? []), subscription]);
  }

  /** A metafield definition ($app:kanta namespaces as Kanta writes them). */
  addMetafieldDefinition(shopDomain: string, definition: { ownerType: string; namespace: string; key: string; type: string }) {
    const list = this.definitionsByShop.get(shopDomain) ?? [];
    list.push({ ...definition, namespace: resolveAppNamespace(definition.namespace) });
    this.definitionsByShop.set(shopDomain, list);
  }

  /** The shop's published (MAIN) theme. */
  setMainTheme(shopDomain: string, theme: EmulatedTheme) {
    this.mainThemeByShop.set(shopDomain, theme);
  }

  /** The customer no longer exists in Shopify: mutations on it answer with userErrors. */
  deleteCustomer(customerGid: string) {
    this.deletedCustomers.add(customerGid);
  }

  /** Deploys a Flow trigger extension, so flowTriggerReceive accepts its handle. */
  addFlowTrigger(trigger: EmulatedFlowTrigger) {
    this.flowTriggers.set(trigger.handle, trigger);
  }

  /** Workflows started through flowTriggerReceive. */
  flowRuns(shopDomain: string): EmulatedFlowRun[] {
    return [...(this.flowRunsByShop.get(shopDomain) ?? [])];
  }

  private customerExists(id: unknown): id is string {
    // Every well-formed customer id exists in the emulated store unless deleted.
    return typeof id === "string" && /^gid:\/\/shopify\/Customer\/\d+$/.test(id) && !this.deletedCustomers.has(id);
  }

  private changeTags(shop: EmulatedShop, args: Record<string, unknown>, add: boolean) {
    const id = args.id;
    if (!this.customerExists(id)) return { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] };
    const tags = (args.tags as string[]).map((t) => t.trim()).filter(Boolean);
    if (add && tags.length === 0) return { node: null, userErrors: [{ field: ["tags"], message: "Tags can't be blank" }] };
    if (tags.some((t) => t.length > 255)) return { node: null, userErrors: [{ field: ["tags"], message: "Tags is invalid" }] };
    const byCustomer = this.tagsByShop.get(shop.myshopifyDomain) ?? new Map<string, string[]>();
    const current = byCustomer.get(id) ?? [];
    // Shopify compares tags without regard to case.
    const lower = new Set(tags.map((t) => t.toLowerCase()));
    const next = add
      ? [...current, ...tags.filter((t, i) => !current.some((c) => c.toLowerCase() === t.toLowerCase()) && tags.findIndex((x) => x.toLowerCase() === t.toLowerCase()) === i)]
      : current.filter((c) => !lower.has(c.toLowerCase()));
    byCustomer.set(id, next);
    this.tagsByShop.set(shop.myshopifyDomain, byCustomer);
    return { node: { __typename: "Customer", id }, userErrors: [] };
  }

  private setMetafields(shop: EmulatedShop, inputs: Record<string, unknown>[]) {
    const userErrors: { field: string[]; message: string; code: string; elementIndex: number }[] = [];
    if (inputs.length > 25) userErrors.push({ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: 0 });
    inputs.forEach((m, index) => {
      const field = (name: string) => ["metafields", String(index), name];
      const namespace = typeof m.namespace === "string" ? m.namespace : "$app";
      const key = String(m.key);
      const ownsAppData = m.ownerId === this.installationByShop.get(shop.myshopifyDomain);
      if (!ownsAppData && !this.customerExists(m.ownerId)) userErrors.push({ field: field("ownerId"), message: "Owner does not exist.", code: "INVALID", elementIndex: index });
      if (!/^[a-zA-Z0-9_-]{2,64}$/.test(key)) userErrors.push({ field: field("key"), message: "Key must be 2-64 characters long and only contain alphanumeric, hyphen, and underscore characters.", code: "INVALID", elementIndex: index });
      const resolved = resolveAppNamespace(namespace);
      if (resolved.length < 3 || resolved.length > 255) userErrors.push({ field: field("namespace"), message: "Namespace is too short or too long.", code: "INVALID", elementIndex: index });
      if (typeof m.type !== "string" || !m.type) userErrors.push({ field: field("type"), message: "Type can't be blank", code: "BLANK", elementIndex: index });
      else if (m.type === "single_line_text_field" && (/[\r\n]/.test(String(m.value)) || String(m.value).length === 0)) {
        userErrors.push({ field: field("value"), message: "Value must be a single line text string.", code: "INVALID_VALUE", elementIndex: index });
      } else if (m.type === "json" && !isJson(String(m.value))) {
        userErrors.push({ field: field("value"), message: "Value is invalid JSON.", code: "INVALID_VALUE", elementIndex: index });
      }
    });
    if (userErrors.length) return { metafields: null, userErrors };
    const store = this.metafieldsByShop.get(shop.myshopifyDomain) ?? new Map();
    const saved = inputs.map((m) => {
      const namespace = resolveAppNamespace(typeof m.namespace === "string" ? m.namespace : "$app");
      const metafield = { namespace, key: String(m.key), type: String(m.type), value: String(m.value) };
      store.set(`${String(m.ownerId)}|${namespace}|${metafield.key}`, metafield);
      return { id: `gid://shopify/Metafield/${this.nextId++}`, ...metafield };
    });
    this.metafieldsByShop.set(shop.myshopifyDomain, store);
    return { metafields: saved, userErrors: [] };
  }

  private receiveFlowTrigger(shop: EmulatedShop, args: Record<string, unknown>) {
    const handle = typeof args.handle === "string" ? args.handle : "";
    const trigger = this.flowTriggers.get(handle);
    if (!trigger) return { userErrors: [{ field: ["handle"], message: `Trigger with handle '${handle}' not found` }] };
    const payload = args.payload && typeof args.payload === "object" && !Array.isArray(args.payload) ? (args.payload as Record<string, unknown>) : null;
    if (!payload) return { userErrors: [{ field: ["payload"], message: "Payload must be a JSON object" }] };
    if (JSON.stringify(payload).length > 50_000) return { userErrors: [{ field: ["payload"], message: "Payload exceeds 50KB" }] };
    const userErrors: { field: string[]; message: string }[] = [];
    for (const f of trigger.fields) {
      const key = f.type === "customer_reference" ? "customer_id" : f.type === "order_reference" ? "order_id" : f.type === "product_reference" ? "product_id" : (f.key ?? "");
      const value = payload[key];
      if (value === undefined || value === null) userErrors.push({ field: ["payload", key], message: `${key} is required` });
      else if (f.type === "customer_reference" && !(typeof value === "number" && Number.isSafeInteger(value) && this.customerExists(`gid://shopify/Customer/${value}`))) {
        userErrors.push({ field: ["payload", key], message: "customer_id must be the numeric id of an existing customer" });
      } else if (f.type === "single_line_text_field" && typeof value !== "string") userErrors.push({ field: ["payload", key], message: `${key} must be a string` });
      else if (f.type === "number_decimal" && !(typeof value === "number" && Number.isFinite(value))) userErrors.push({ field: ["payload", key], message: `${key} must be a number` });
    }
    if (userErrors.length) return { userErrors };
    const runs = this.flowRunsByShop.get(shop.myshopifyDomain) ?? [];
    runs.push({ handle, payload, at: new Date() });
    this.flowRunsByShop.set(shop.myshopifyDomain, runs);
    return { userErrors: [] };
  }

  /**
   * Makes the next `times` calls of an operation fail as Shopify would: with a 5xx (the
   * default), THROTTLED (HTTP 200 with the GraphQL error), or a timeout (no answer until the
   * caller's signal aborts; the operation takes no effect).
   */
  failNext(operationName: string, message = "Internal error", times = 1, fault: EmulatedFault = "5xx") {
    this.failures.set(operationName, { message, times, fault });
  }

  /** Whether a customer (null: a guest) may use a code at checkout: only the customers its context names. */
  canUseDiscount(shopDomain: string, code: string, customerGid: string | null): boolean {
    const discount = (this.discountsByShop.get(shopDomain) ?? []).find((d) => d.code.toUpperCase() === code.toUpperCase());
    if (!discount) return false;
    return discount.customerGids === null || (customerGid !== null && discount.customerGids.includes(customerGid));
  }

  private customerByEmail(shop: EmulatedShop, email: string): EmulatedCustomer | null {
    const wanted = email.trim().toLowerCase();
    for (const c of this.customersByShop.get(shop.myshopifyDomain)?.values() ?? []) {
      if (c.email?.toLowerCase() === wanted && !this.deletedCustomers.has(c.id)) return c;
    }
    return null;
  }

  private createCustomer(shop: EmulatedShop, input: Record<string, unknown>) {
    const email = typeof input.email === "string" ? input.email.trim() : "";
    if (!email && !input.phone && !input.firstName && !input.lastName) {
      return { customer: null, userErrors: [{ field: ["email"], message: "A name, phone number or email address must be present" }] };
    }
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { customer: null, userErrors: [{ field: ["email"], message: "Email is invalid" }] };
    if (email && this.customerByEmail(shop, email)) return { customer: null, userErrors: [{ field: ["email"], message: "Email has already been taken" }] };
    const customer: EmulatedCustomer = { id: `gid://shopify/Customer/${this.nextId++}`, email: email || null, phone: null, numberOfOrders: 0, addresses: [] };
    this.addCustomer(shop.myshopifyDomain, customer);
    return { customer: { id: customer.id, numberOfOrders: "0" }, userErrors: [] };
  }

  /** Store credit accounts (./emulator-store-credit.server.ts); ids from the emulator's one sequence. */
  private readonly storeCredit = new EmulatedStoreCredit({ nextId: () => this.nextId++, customerExists: (id) => this.customerExists(id) });

  /** A customer's store credit accounts (one per currency), as Shopify holds them. */
  storeCreditAccounts(shopDomain: string, ownerId?: string): EmulatedStoreCreditAccount[] {
    return this.storeCredit.accounts(shopDomain, ownerId);
  }

  /** The most an account may hold, in minor units (CREDIT_LIMIT_EXCEEDED beyond it); unset, none is enforced. */
  setStoreCreditLimit(shopDomain: string, maxBalanceMinor: number | null) {
    this.storeCredit.setLimit(shopDomain, maxBalanceMinor);
  }

  /** The currencies store credit can be issued in (default: the shop currency). */
  setStoreCreditCurrencies(shopDomain: string, currencies: readonly string[]) {
    this.storeCredit.setCurrencies(shopDomain, currencies);
  }

  private customerStoreCreditAccounts(shopDomain: string, ownerId: string) {
    return (a: { first?: number; query?: string }) => connection(this.storeCredit.customerAccountNodes(shopDomain, ownerId, a));
  }

  /** Discounts created for a shop (tests inspect what Kanta asked Shopify for). */
  discounts(shopDomain: string): EmulatedDiscount[] {
    return [...(this.discountsByShop.get(shopDomain) ?? [])];
  }

  private createDiscount(
    shop: EmulatedShop,
    typename: EmulatedDiscount["typename"],
    input: Record<string, unknown>,
  ) {
    // The checks Shopify makes that Kanta relies on; the schema already checked the shape.
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    const code = typeof input.code === "string" ? input.code : "";
    const list = this.discountsByShop.get(shop.myshopifyDomain) ?? [];
    if (!code) userErrors.push({ field: ["basicCodeDiscount", "code"], message: "Code can't be blank", code: "BLANK" });
    if (list.some((d) => d.code.toUpperCase() === code.toUpperCase())) {
      userErrors.push({ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" });
    }
    const startsAt = input.startsAt ? Date.parse(String(input.startsAt)) : Date.now();
    if (input.endsAt && Date.parse(String(input.endsAt)) <= startsAt) {
      userErrors.push({ field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID" });
    }
    const value = (input.customerGets as { value?: Record<string, unknown> } | undefined)?.value;
    if (value && typeof value.percentage === "number" && (value.percentage <= 0 || value.percentage > 1)) {
      userErrors.push({ field: ["basicCodeDiscount", "customerGets", "value", "percentage"], message: "Value must be between 0.0 and 1.0", code: "VALUE_OUTSIDE_RANGE" });
    }
    const context = input.context as { customers?: { add?: string[] } } | undefined;
    const customerGids = context?.customers ? [...(context.customers.add ?? [])] : null;
    if (customerGids && (customerGids.length === 0 || customerGids.some((gid) => !this.customerExists(gid)))) {
      userErrors.push({ field: ["basicCodeDiscount", "context", "customers", "add"], message: "Customer does not exist", code: "INVALID" });
    }
    if (userErrors.length) return { codeDiscountNode: null, userErrors };
    const id = `gid://shopify/DiscountCodeNode/${this.nextId++}`;
    const discount: EmulatedDiscount = { id, typename, code, title: String(input.title ?? ""), input, customerGids, createdAt: new Date() };
    list.push(discount);
    this.discountsByShop.set(shop.myshopifyDomain, list);
    return { codeDiscountNode: this.discountNode(discount), userErrors: [] };
  }

  /** Customer segments of a shop (tests inspect what Kanta asked for). */
  segments(shopDomain: string): EmulatedSegment[] {
    return [...(this.segmentsByShop.get(shopDomain) ?? [])];
  }

  /** The merchant deletes a segment or an automatic discount in Shopify's admin (tests). */
  deleteSegmentOrDiscount(shopDomain: string, id: string) {
    this.segmentsByShop.set(shopDomain, this.segments(shopDomain).filter((s) => s.id !== id));
    this.automaticByShop.set(shopDomain, this.automaticDiscounts(shopDomain).filter((d) => d.id !== id));
  }

  /** Automatic discounts of a shop. */
  automaticDiscounts(shopDomain: string): EmulatedAutomaticDiscount[] {
    return [...(this.automaticByShop.get(shopDomain) ?? [])];
  }

  /**
   * segmentCreate / segmentUpdate. Shopify's segment query language, reduced to what Kanta
   * sends: `customer_tags CONTAINS '<tag>'`; anything else is refused as Shopify refuses an
   * invalid query. Names are unique per shop.
   */
  private saveSegment(shop: EmulatedShop, args: Record<string, unknown>, update: boolean) {
    const list = this.segmentsByShop.get(shop.myshopifyDomain) ?? [];
    this.segmentsByShop.set(shop.myshopifyDomain, list);
    const found = update ? list.find((s) => s.id === args.id) : undefined;
    if (update && !found) return { segment: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
    const name = typeof args.name === "string" ? args.name.trim() : (found?.name ?? "");
    const query = typeof args.query === "string" ? args.query.trim() : (found?.query ?? "");
    const userErrors: { field: string[]; message: string }[] = [];
    if (!name) userErrors.push({ field: ["name"], message: "Name can't be blank" });
    if (list.some((s) => s !== found && s.name.toLowerCase() === name.toLowerCase())) userErrors.push({ field: ["name"], message: "Name has already been taken" });
    if (!/^customer_tags CONTAINS '[^']+'$/.test(query)) userErrors.push({ field: ["query"], message: `Query is invalid: ${query}` });
    if (userErrors.length) return { segment: null, userErrors };
    const segment = found ?? { id: `gid://shopify/Segment/${this.nextId++}`, name, query };
    segment.name = name;
    segment.query = query;
    if (!found) list.push(segment);
    return { segment: { ...segment }, userErrors: [] };
  }

  private automaticNode(d: EmulatedAutomaticDiscount) {
    return { id: d.id, automaticDiscount: { __typename: "DiscountAutomaticFreeShipping", title: d.title, status: d.status } };
  }

  /** discountAutomaticFreeShippingCreate / Update: the checks Shopify makes that Kanta relies on. */
  private saveAutomaticFreeShipping(shop: EmulatedShop, args: Record<string, unknown>, update: boolean) {
    const list = this.automaticByShop.get(shop.myshopifyDomain) ?? [];
    this.automaticByShop.set(shop.myshopifyDomain, list);
    const input = args.freeShippingAutomaticDiscount as Record<string, unknown>;
    const found = update ? list.find((d) => d.id === args.id) : undefined;
    if (update && !found) return { automaticDiscountNode: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    const title = typeof input.title === "string" ? input.title : (found?.title ?? "");
    const context = input.context as { customerSegments?: { add?: string[] }; all?: string } | undefined;
    const segmentGids = context?.customerSegments ? [...(context.customerSegments.add ?? [])] : (found?.segmentGids ?? []);
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    if (!title.trim()) userErrors.push({ field: ["freeShippingAutomaticDiscount", "title"], message: "Title can't be blank", code: "BLANK" });
    const segments = this.segmentsByShop.get(shop.myshopifyDomain) ?? [];
    if (segmentGids.some((gid) => !segments.some((s) => s.id === gid))) {
      userErrors.push({ field: ["freeShippingAutomaticDiscount", "context", "customerSegments", "add"], message: "Customer segment does not exist", code: "INVALID" });
    }
    if (userErrors.length) return { automaticDiscountNode: null, userErrors };
    const discount = found ?? { id: `gid://shopify/DiscountAutomaticNode/${this.nextId++}`, title, input, segmentGids, status: "ACTIVE" as const, createdAt: new Date() };
    discount.title = title;
    discount.input = input;
    discount.segmentGids = segmentGids;
    if (!found) list.push(discount);
    return { automaticDiscountNode: this.automaticNode(discount), userErrors: [] };
  }

  private setAutomaticStatus(shop: EmulatedShop, id: unknown, status: EmulatedAutomaticDiscount["status"]) {
    const found = (this.automaticByShop.get(shop.myshopifyDomain) ?? []).find((d) => d.id === id);
    if (!found) return { automaticDiscountNode: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    found.status = status;
    return { automaticDiscountNode: this.automaticNode(found), userErrors: [] };
  }

  private discountNode(discount: EmulatedDiscount) {
    return {
      id: discount.id,
      codeDiscount: {
        __typename: discount.typename,
        title: discount.title,
        codes: () => ({ nodes: [{ code: discount.code }] }),
      },
    };
  }

  private resolvers(): Record<string, Resolver> {
    return {
      shop: (_args, shop) => ({ ...shop }),
      customers: (args, shop) =>
        connection(
          [...(this.customersByShop.get(shop.myshopifyDomain)?.values() ?? [])]
            .filter((c) => !this.deletedCustomers.has(c.id))
            .slice(0, typeof args.first === "number" ? args.first : undefined)
            .map((c) => this.customerNode(shop.myshopifyDomain, c)),
        ),
      orders: (args, shop) =>
        connection(
          (this.ordersByShop.get(shop.myshopifyDomain) ?? [])
            .filter((o) => matchesOrderQuery(o, args.query as string | undefined))
            .slice(0, typeof args.first === "number" ? args.first : undefined)
            .map((o) => this.orderNode(shop.myshopifyDomain, o)),
        ),
      node: (args, shop) => {
        const op = this.findBulk(shop.myshopifyDomain, args.id);
        if (op) return this.bulkNode(op, true);
        const c = this.customersByShop.get(shop.myshopifyDomain)?.get(String(args.id));
        return c && !this.deletedCustomers.has(c.id) ? this.customerNode(shop.myshopifyDomain, c) : null;
      },
      bulkOperation: (args, shop) => {
        const op = this.findBulk(shop.myshopifyDomain, args.id);
        return op ? this.bulkNode(op, true) : null;
      },
      currentBulkOperation: (args, shop) => {
        if (args.type === "MUTATION") return null;
        const op = (this.bulkByShop.get(shop.myshopifyDomain) ?? []).at(-1);
        return op ? this.bulkNode(op, true) : null;
      },
      bulkOperationRunQuery: (args, shop) => this.runBulkQuery(shop, args),
      currentAppInstallation: (_args, shop) => ({
        id: this.appInstallationId(shop.myshopifyDomain),
        accessScopes: this.accessScopes(shop.myshopifyDomain).map((handle) => ({ handle })),
        app: { handle: "kanta" },
      }),
      webhookSubscriptions: (args, shop) => ({
        nodes: (this.webhooksByShop.get(shop.myshopifyDomain) ?? []).slice(0, typeof args.first === "number" ? args.first : 50).map((w) => ({ topic: w.topic, uri: w.uri, apiVersion: { handle: w.apiVersion } })),
      }),
      metafieldDefinitions: (args, shop) => ({
        nodes: (this.definitionsByShop.get(shop.myshopifyDomain) ?? [])
          .filter((d) => d.ownerType === args.ownerType && d.namespace === resolveAppNamespace(String(args.namespace ?? d.namespace)) && d.key === (args.key ?? d.key))
          .slice(0, typeof args.first === "number" ? args.first : 50)
          .map((d) => ({ namespace: d.namespace, key: d.key, type: { name: d.type } })),
      }),
      themes: (args, shop) => {
        // Shopify answers a field the app has no scope for with an access-denied error.
        if (!this.accessScopes(shop.myshopifyDomain).some((s) => s === "read_themes" || s === "write_themes")) {
          throw new Error("Access denied for themes field. Required access: `read_themes` access scope.");
        }
        const theme = this.mainThemeByShop.get(shop.myshopifyDomain);
        const roles = (args.roles as string[] | undefined) ?? ["MAIN"];
        if (!theme || !roles.includes("MAIN")) return { nodes: [] };
        return {
          nodes: [
            {
              id: theme.id,
              name: theme.name,
              files: (a: { filenames?: string[] }) => ({
                nodes: Object.entries(theme.files)
                  .filter(([filename]) => !a.filenames || a.filenames.includes(filename))
                  .map(([filename, content]) => ({ filename, body: { __typename: "OnlineStoreThemeFileBodyText", content } })),
              }),
            },
          ],
        };
      },
      discountCodeBasicCreate: (args, shop) =>
        this.createDiscount(shop, "DiscountCodeBasic", args.basicCodeDiscount as Record<string, unknown>),
      discountCodeFreeShippingCreate: (args, shop) =>
        this.createDiscount(shop, "DiscountCodeFreeShipping", args.freeShippingCodeDiscount as Record<string, unknown>),
      // Products and collections (./emulator-catalog.server.ts).
      ...this.catalog.resolvers(),
      // Only customers are emulated; other ids answer null, as unknown ids do in Shopify.
      nodes: (args, shop) =>
        (args.ids as string[]).map((id) => {
          const c = this.customersByShop.get(shop.myshopifyDomain)?.get(id);
          if (!c) return null;
          return {
            __typename: "Customer",
            id: c.id,
            numberOfOrders: String(c.numberOfOrders),
            defaultEmailAddress: c.email ? { emailAddress: c.email, marketingState: c.marketingState ?? "NOT_SUBSCRIBED" } : null,
            defaultPhoneNumber: c.phone ? { phoneNumber: c.phone } : null,
            addressesV2: () => ({
              nodes: c.addresses.map((a) => ({
                address1: a.address1,
                address2: a.address2 ?? null,
                city: a.city ?? null,
                zip: a.zip ?? null,
                countryCodeV2: a.countryCode ?? null,
                phone: a.phone ?? null,
              })),
            }),
          };
        }),
      customerByIdentifier: (args, shop) => {
        const identifier = args.identifier as { emailAddress?: string; id?: string };
        const c = identifier.emailAddress
          ? this.customerByEmail(shop, identifier.emailAddress)
          : identifier.id && !this.deletedCustomers.has(identifier.id)
            ? (this.customersByShop.get(shop.myshopifyDomain)?.get(identifier.id) ?? null)
            : null;
        return c ? { id: c.id, numberOfOrders: String(c.numberOfOrders) } : null;
      },
      // Every well-formed customer id exists in the emulated store unless deleted (as for mutations).
      customer: (args, shop) => {
        const id = String(args.id);
        if (!this.customerExists(id)) return null;
        const known = this.customersByShop.get(shop.myshopifyDomain)?.get(id);
        return known ? this.customerNode(shop.myshopifyDomain, known) : { __typename: "Customer", id, storeCreditAccounts: this.customerStoreCreditAccounts(shop.myshopifyDomain, id) };
      },
      storeCreditAccount: (args, shop) => this.storeCredit.accountNode(shop.myshopifyDomain, String(args.id)),
      storeCreditAccountCredit: (args, shop) => this.storeCredit.credit(shop, args),
      customerCreate: (args, shop) => this.createCustomer(shop, args.input as Record<string, unknown>),
      tagsAdd: (args, shop) => this.changeTags(shop, args, true),
      tagsRemove: (args, shop) => this.changeTags(shop, args, false),
      metafieldsSet: (args, shop) => this.setMetafields(shop, args.metafields as Record<string, unknown>[]),
      flowTriggerReceive: (args, shop) => this.receiveFlowTrigger(shop, args),
      codeDiscountNodeByCode: (args, shop) => {
        const found = (this.discountsByShop.get(shop.myshopifyDomain) ?? []).find(
          (d) => d.code.toUpperCase() === String(args.code).toUpperCase(),
        );
        return found ? this.discountNode(found) : null;
      },
      segmentCreate: (args, shop) => this.saveSegment(shop, args, false),
      segmentUpdate: (args, shop) => this.saveSegment(shop, args, true),
      discountAutomaticFreeShippingCreate: (args, shop) => this.saveAutomaticFreeShipping(shop, args, false),
      discountAutomaticFreeShippingUpdate: (args, shop) => this.saveAutomaticFreeShipping(shop, args, true),
      discountAutomaticActivate: (args, shop) => this.setAutomaticStatus(shop, args.id, "ACTIVE"),
      discountAutomaticDeactivate: (args, shop) => this.setAutomaticStatus(shop, args.id, "EXPIRED"),
      discountCodeDeactivate: (args, shop) => {
        const found = (this.discountsByShop.get(shop.myshopifyDomain) ?? []).find((d) => d.id === args.id);
        if (!found) return { codeDiscountNode: null, userErrors: [{ field: ["id"], message: "Code discount does not exist.", code: "INVALID" }] };
        found.deactivatedAt ??= new Date();
        return { codeDiscountNode: this.discountNode(found), userErrors: [] };
      },
    };
  }

  async execute(shopDomain: string, source: string, variables: Record<string, unknown> = {}) {
    const shop = this.shops.get(shopDomain);
    if (!shop) return { status: 401, body: { errors: [{ message: `[API] Invalid API key or access token (unrecognized login or wrong password)` }] } };
    let document: DocumentNode;
    try {
      document = parse(source);
    } catch (error) {
      return { status: 200, body: { errors: [{ message: String(error) }] } };
    }
    const errors = validate(this.schema, document);
    if (errors.length) return { status: 200, body: { errors: errors.map((e) => ({ message: e.message })) } };
    const operation = getOperationAST(document);
    const operationName = operation?.name?.value ?? "(anonymous)";
    this.calls.push({ shop: shopDomain, operationName, variables });
    // Shopify's published costs, reduced to what Kanta sends: 10 points a mutation field
    // (aliases count each), 1 a query's root field; at most 1,000 points a query.
    const rootFields = operation?.selectionSet.selections.length ?? 1;
    const requested = operation?.operation === "mutation" ? 10 * rootFields : rootFields;
    if (requested > 1000) {
      return { status: 200, body: { errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (1000).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: 1000 } }] } };
    }
    const { throttled, cost } = this.charge(shopDomain, requested);
    if (throttled) return { status: 200, body: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: { cost } } };
    const failure = this.failures.get(operationName);
    if (failure && failure.times > 0) {
      failure.times--;
      if (failure.fault === "5xx") return { status: 500, body: { errors: [{ message: failure.message }] } };
      if (failure.fault === "throttled") return { status: 200, body: { errors: [{ message: failure.message, extensions: { code: "THROTTLED" } }] } };
      // "timeout": never answers; the client gives up (its signal), see client().
      return new Promise<never>(() => undefined);
    }
    const result = await execute({ schema: this.schema, document, rootValue: this.rootValue(shop), variableValues: variables });
    const body: Record<string, unknown> = { data: result.data ?? null, extensions: { cost } };
    if (result.errors?.length) body.errors = result.errors.map((e) => ({ message: e.message, path: e.path }));
    return { status: 200, body };
  }

  private rootValue(shop: EmulatedShop): Record<string, unknown> {
    const rootValue: Record<string, unknown> = {};
    for (const [field, resolve] of Object.entries(this.resolvers())) {
      rootValue[field] = (args: Record<string, unknown>) => resolve(args, shop);
    }
    return rootValue;
  }

  /** An `admin.graphql`-shaped client for one shop. */
  client(shopDomain: string): AdminGraphql {
    return async (query, options) => {
      const signal = options?.signal;
      const aborted = new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(new DOMException("This operation was aborted", "AbortError"));
        signal?.addEventListener("abort", () => reject(new DOMException("This operation was aborted", "AbortError")), { once: true });
      });
      aborted.catch(() => undefined);
      const { status, body } = await Promise.race([this.execute(shopDomain, query, options?.variables ?? {}), aborted]);
      return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    };
  }
}

/** A connection's answer: both `edges { node }` and `nodes`, as Shopify offers them. */
function connection<T>(nodes: T[]) {
  return {
    edges: nodes.map((node, i) => ({ node, cursor: Buffer.from(String(i)).toString("base64") })),
    nodes,
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  };
}

function isConnectionValue(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as { edges?: unknown; nodes?: unknown };
  return Array.isArray(v.edges) || Array.isArray(v.nodes);
}

function connectionNodes(value: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(value.edges)) return (value.edges as { node: Record<string, unknown> }[]).map((e) => e.node);
  return value.nodes as Record<string, unknown>[];
}

/** One node's JSONL lines: itself without its connections, then each nested node with `__parentId`. */
function flattenNode(node: Record<string, unknown>, parentId: string | null): string[] {
  const own: Record<string, unknown> = {};
  const nested: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (isConnectionValue(value)) nested.push(value);
    else own[key] = value;
  }
  if (parentId) own.__parentId = parentId;
  const lines = [JSON.stringify(own)];
  for (const child of nested) {
    if (typeof node.id !== "string") throw new Error("Bulk queries need the id of a node that has a nested connection.");
    for (const childNode of connectionNodes(child)) lines.push(...flattenNode(childNode, node.id));
  }
  return lines;
}

/** How many connection fields a query selects and how deep they nest. */
function connectionShape(schema: GraphQLSchema, document: DocumentNode): { count: number; depth: number } {
  const typeInfo = new TypeInfo(schema);
  let depth = 0;
  let max = 0;
  let count = 0;
  const isConnection = () => getNamedType(typeInfo.getType())?.name.endsWith("Connection") ?? false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter() {
          if (!isConnection()) return;
          count++;
          depth++;
          max = Math.max(max, depth);
        },
        leave() {
          if (isConnection()) depth--;
        },
      },
    }),
  );
  return { count, depth: max };
}

/**
 * Shopify's order search syntax, reduced to what Kanta sends: `created_at` and
 * `processed_at` compared with a date (>=, >, <=, <, :). Anything else is refused, so a
 * test cannot pass on a filter the emulator silently ignored.
 */
function matchesOrderQuery(order: EmulatedOrder, query: string | undefined): boolean {
  if (!query?.trim()) return true;
  return query
    .trim()
    .split(/\s+(?:AND\s+)?/)
    .every((term) => {
      const m = /^(created_at|processed_at):(>=|<=|>|<)?(\S+)$/.exec(term);
      if (!m) throw new Error(`The emulator does not support the order search term ${JSON.stringify(term)}`);
      const value = m[1] === "created_at" ? order.createdAt : (order.processedAt ?? order.createdAt);
      const bound = Date.parse(m[3]!.replace(/^'|'$/g, ""));
      if (Number.isNaN(bound)) throw new Error(`Invalid date in order search: ${term}`);
      const t = value.getTime();
      switch (m[2]) {
        case ">=":
          return t >= bound;
        case ">":
          return t > bound;
        case "<=":
          return t <= bound;
        case "<":
          return t < bound;
        default:
          return t >= bound && t < bound + 86_400_000;
      }
    });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `$app:kanta` -> `app--kanta--kanta`: Shopify stores app-reserved namespaces under the app's id. */
export function resolveAppNamespace(namespace: string): string {
  if (namespace === "$app") return "app--kanta";
  return namespace.startsWith("$app:") ? `app--kanta--${namespace.slice("$app:".length)}` : namespace;
}

declare global {
   
  var kantaEmulator: AdminEmulator | undefined;
}

export async function getEmulator(): Promise<AdminEmulator> {
  if (!globalThis.kantaEmulator) {
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    emulator.addProducts(DEMO_SHOP.myshopifyDomain, DEMO_PRODUCTS);
    for (const collection of DEMO_COLLECTIONS) emulator.catalog.setCollection(DEMO_SHOP.myshopifyDomain, collection);
    // The demo shop's customers and orders from before Kanta (the enrolment finds them).
    const existing = demoExistingCustomers(new Date());
    for (const customer of existing.customers) emulator.addCustomer(DEMO_SHOP.myshopifyDomain, customer);
    for (const order of existing.orders) emulator.addOrder(DEMO_SHOP.myshopifyDomain, order);
    emulator.addFlowTrigger(KANTA_TIER_FLOW_TRIGGER);
    for (const trigger of Object.values(OCCASION_FLOW_TRIGGERS)) emulator.addFlowTrigger(trigger);
    globalThis.kantaEmulator = emulator;
  }
  return globalThis.kantaEmulator;
}
