import { execute, getOperationAST, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { KANTA_TIER_FLOW_TRIGGER } from "../shopify/customers.server";
import { OCCASION_FLOW_TRIGGERS } from "../shopify/occasion-triggers";
import { loadAdminSchema } from "./admin-schema.server";
import { DEMO_COLLECTIONS, DEMO_PRODUCTS, DEMO_SHOP, demoExistingCustomers } from "./demo-shop";
import type { AdminGraphql } from "../shopify/graphql";
import { EmulatedStoreCredit, type EmulatedStoreCreditAccount } from "./emulator-store-credit.server";
import { EmulatedCatalog } from "./emulator-catalog.server";
import { EmulatedCustomers } from "./emulator-customers.server";
import { EmulatedBulk } from "./emulator-bulk.server";
import { EmulatedDiscounts } from "./emulator-discounts.server";
import { EmulatedApp } from "./emulator-app.server";
import { connection } from "./emulator-helpers.server";
import type { EmulatedAutomaticDiscount, EmulatedBulkOperation, EmulatedCustomer, EmulatedDiscount, EmulatedFault, EmulatedFlowRun, EmulatedFlowTrigger, EmulatedOrder, EmulatedProduct, EmulatedSegment, EmulatedShop, EmulatedTheme, EmulatedWebhookSubscription, Resolver } from "./emulator-types.server";

export type { EmulatedStoreCreditAccount, EmulatedStoreCreditTransaction } from "./emulator-store-credit.server";
export type {
  EmulatedAutomaticDiscount,
  EmulatedBulkOperation,
  EmulatedCustomer,
  EmulatedDiscount,
  EmulatedFault,
  EmulatedFlowRun,
  EmulatedFlowTrigger,
  EmulatedOrder,
  EmulatedProduct,
  EmulatedSegment,
  EmulatedShop,
  EmulatedTheme,
  EmulatedWebhookSubscription,
} from "./emulator-types.server";
export { EMULATED_DEFAULT_SCOPES } from "./emulator-types.server";
export { resolveAppNamespace } from "./emulator-helpers.server";

// A local stand-in for Shopify's Admin GraphQL API, for local mode and tests only.
// Every document is parsed and validated against Shopify's published Admin schema (the
// introspection shipped in @shopify/dev-mcp), then executed by graphql-js against that
// same schema, so responses are type-checked too: an emulated answer Shopify could not give
// (a wrong enum, a missing non-null field) fails here just as a wrong query does.
//
// The resources live in their own modules, each a class AdminEmulator owns and delegates
// to: customers and tags (./emulator-customers.server.ts), orders and bulk operations
// (./emulator-bulk.server.ts), discounts and segments (./emulator-discounts.server.ts), the
// app's installation, metafields, doctor's reads and Flow triggers (./emulator-app.server.ts),
// store credit (./emulator-store-credit.server.ts), the catalogue (./emulator-catalog.server.ts).

export class AdminEmulator {
  private shops = new Map<string, EmulatedShop>();
  private productsByShop = new Map<string, EmulatedProduct[]>();
  private nextId = 1_000_000_000_000;
  private failures = new Map<string, { message: string; times: number; fault: EmulatedFault }>();
  /** Bytes per chunk when a bulk result is read (small in tests: lines split across chunks). */
  bulkChunkBytes = 64 * 1024;

  readonly calls: { shop: string; operationName: string; variables: Record<string, unknown> }[] = [];
  // Shopify's cost budget (https://shopify.dev/docs/api/usage/limits): reported on every
  // answer; enforced (THROTTLED when a request costs more than is left) only after
  // setThrottle, so tests that make many calls at once are not paced by accident.
  private throttle: { maximumAvailable: number; restoreRate: number } | null = null;
  private bucketByShop = new Map<string, { available: number; at: number }>();
  private clockNow: () => number = () => Date.now();

  /** Customers, deleted customers and tags (./emulator-customers.server.ts). */
  private readonly customers: EmulatedCustomers = new EmulatedCustomers({
    nextId: () => this.nextId++,
    currencyCode: (shopDomain) => this.shops.get(shopDomain)?.currencyCode,
    storeCreditAccounts: (shopDomain, ownerId) => this.customerStoreCreditAccounts(shopDomain, ownerId),
    orders: (shopDomain, customerId, query) => this.bulk.customerOrders(shopDomain, customerId, query),
  });
  /** Code discounts, segments and automatic discounts (./emulator-discounts.server.ts). */
  private readonly discountsAndSegments = new EmulatedDiscounts({ nextId: () => this.nextId++, customerExists: (id): id is string => this.customers.customerExists(id) });
  /** The app's installation, metafields, doctor's reads and Flow triggers (./emulator-app.server.ts). */
  private readonly app = new EmulatedApp({ nextId: () => this.nextId++, customerExists: (id): id is string => this.customers.customerExists(id) });
  /** Orders and bulk operations (./emulator-bulk.server.ts); it runs bulk queries through rootValue. */
  private readonly bulk: EmulatedBulk;

  constructor(private readonly schema: GraphQLSchema) {
    this.bulk = new EmulatedBulk(schema, { nextId: () => this.nextId++, rootValue: (shop) => this.rootValue(shop), chunkBytes: () => this.bulkChunkBytes });
  }

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
    this.customers.addCustomer(shopDomain, customer);
  }

  /** Orders Shopify knows (bulk queries list them). */
  addOrder(shopDomain: string, order: EmulatedOrder) {
    this.bulk.addOrder(shopDomain, order);
  }

  /** How many status reads a bulk operation answers RUNNING before it completes (default 1). */
  setBulkRunningPolls(reads: number) {
    this.bulk.setBulkRunningPolls(reads);
  }

  /** The next bulk operation ends FAILED with this BulkOperationErrorCode (TIMEOUT, INTERNAL_SERVER_ERROR, ACCESS_DENIED). */
  failNextBulkOperation(errorCode: "TIMEOUT" | "INTERNAL_SERVER_ERROR" | "ACCESS_DENIED") {
    this.bulk.failNextBulkOperation(errorCode);
  }

  /** Bulk operations started on a shop, oldest first. */
  bulkOperations(shopDomain: string): EmulatedBulkOperation[] {
    return this.bulk.bulkOperations(shopDomain);
  }

  /**
   * The result file behind a completed operation's `url`, streamed in chunks of
   * bulkChunkBytes (lines cross chunk boundaries, as they do over HTTP); null for a URL
   * the emulator never gave out (Shopify's storage answers 404).
   */
  bulkResult(url: string): ReadableStream<Uint8Array> | null {
    return this.bulk.bulkResult(url);
  }

  /** A customer's tags in Shopify (as tagsAdd / tagsRemove left them). */
  customerTags(shopDomain: string, customerGid: string): string[] {
    return this.customers.customerTags(shopDomain, customerGid);
  }

  /** A customer metafield's value, by the namespace Shopify stored it under ($app:x is app--kanta--x). */
  customerMetafield(shopDomain: string, customerGid: string, namespace: string, key: string) {
    return this.app.customerMetafield(shopDomain, customerGid, namespace, key);
  }

  /** The app's installation id on a shop (currentAppInstallation). */
  appInstallationId(shopDomain: string): string {
    return this.app.appInstallationId(shopDomain);
  }

  /** An app-data metafield (on the app's installation), as Liquid's `app.metafields` sees it. */
  appDataMetafield(shopDomain: string, namespace: string, key: string) {
    return this.app.appDataMetafield(shopDomain, namespace, key);
  }

  /** The scopes the shop granted the app (currentAppInstallation.accessScopes). */
  setAccessScopes(shopDomain: string, scopes: readonly string[]) {
    this.app.setAccessScopes(shopDomain, scopes);
  }

  /** A shop-specific webhook subscription (app-specific ones, from shopify.app.toml, are not listed by Shopify). */
  addWebhookSubscription(shopDomain: string, subscription: EmulatedWebhookSubscription) {
    this.app.addWebhookSubscription(shopDomain, subscription);
  }

  /** A metafield definition ($app:kanta namespaces as Kanta writes them). */
  addMetafieldDefinition(shopDomain: string, definition: { ownerType: string; namespace: string; key: string; type: string }) {
    this.app.addMetafieldDefinition(shopDomain, definition);
  }

  /** The shop's published (MAIN) theme. */
  setMainTheme(shopDomain: string, theme: EmulatedTheme) {
    this.app.setMainTheme(shopDomain, theme);
  }

  /** The customer no longer exists in Shopify: mutations on it answer with userErrors. */
  deleteCustomer(customerGid: string) {
    this.customers.deleteCustomer(customerGid);
  }

  /** Deploys a Flow trigger extension, so flowTriggerReceive accepts its handle. */
  addFlowTrigger(trigger: EmulatedFlowTrigger) {
    this.app.addFlowTrigger(trigger);
  }

  /** Workflows started through flowTriggerReceive. */
  flowRuns(shopDomain: string): EmulatedFlowRun[] {
    return this.app.flowRuns(shopDomain);
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
    return this.discountsAndSegments.canUseDiscount(shopDomain, code, customerGid);
  }

  /** Store credit accounts (./emulator-store-credit.server.ts); ids from the emulator's one sequence. */
  private readonly storeCredit: EmulatedStoreCredit = new EmulatedStoreCredit({ nextId: () => this.nextId++, customerExists: (id) => this.customers.customerExists(id) });

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
    return this.discountsAndSegments.discounts(shopDomain);
  }

  /** Customer segments of a shop (tests inspect what Kanta asked for). */
  segments(shopDomain: string): EmulatedSegment[] {
    return this.discountsAndSegments.segments(shopDomain);
  }

  /** The merchant deletes a segment or an automatic discount in Shopify's admin (tests). */
  deleteSegmentOrDiscount(shopDomain: string, id: string) {
    this.discountsAndSegments.deleteSegmentOrDiscount(shopDomain, id);
  }

  /** Automatic discounts of a shop. */
  automaticDiscounts(shopDomain: string): EmulatedAutomaticDiscount[] {
    return this.discountsAndSegments.automaticDiscounts(shopDomain);
  }

  private resolvers(): Record<string, Resolver> {
    return {
      shop: (_args, shop) => ({ ...shop }),
      node: (args, shop) => {
        const op = this.bulk.findBulk(shop.myshopifyDomain, args.id);
        if (op) return this.bulk.bulkNode(op, true);
        return this.customers.node(shop.myshopifyDomain, args.id);
      },
      storeCreditAccount: (args, shop) => this.storeCredit.accountNode(shop.myshopifyDomain, String(args.id)),
      storeCreditAccountCredit: (args, shop) => this.storeCredit.credit(shop, args),
      // Products and collections (./emulator-catalog.server.ts).
      ...this.catalog.resolvers(),
      ...this.customers.resolvers(),
      ...this.bulk.resolvers(),
      ...this.discountsAndSegments.resolvers(),
      ...this.app.resolvers(),
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
