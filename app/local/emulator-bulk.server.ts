import { getEnv } from "../env.server";
import { execute, getOperationAST, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import type { EmulatedBulkOperation, EmulatedOrder, EmulatedShop, Resolver } from "./emulator-types.server";
import { connection, connectionNodes, connectionShape, flattenNode, isConnectionValue, matchesOrderQuery } from "./emulator-helpers.server";

// Orders and bulk query operations for the Admin API emulator (./emulator.server.ts):
// orders as `orders` and bulk queries read them, bulkOperationRunQuery with Shopify's
// checks, operations that go CREATED -> RUNNING -> COMPLETED/FAILED as they are polled, and
// the JSONL result file behind a completed operation's url
// (docs/decisions/0024-shopify-flow-klaviyo-bulk-sync.md).

export class EmulatedBulk {
  // Orders (bulk queries read them) and bulk query operations, per shop.
  private ordersByShop = new Map<string, EmulatedOrder[]>();
  private bulkByShop = new Map<string, EmulatedBulkOperation[]>();
  private bulkRunningPolls = 1;
  private bulkFailNext: string | null = null;

  /**
   * `rootValue` answers a bulk query's fields as a request's would; ids come from the
   * emulator's one sequence; `chunkBytes` is AdminEmulator.bulkChunkBytes.
   */
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly deps: { nextId: () => number; rootValue: (shop: EmulatedShop) => Record<string, unknown>; chunkBytes: () => number },
  ) {}

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
      const size = Math.max(1, this.deps.chunkBytes());
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

  orderNode(shopDomain: string, o: EmulatedOrder) {
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
    const result = await execute({ schema: this.schema, document, rootValue: this.deps.rootValue(shop) });
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
      id: `gid://shopify/BulkOperation/${this.deps.nextId()}`,
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
  bulkNode(op: EmulatedBulkOperation, read: boolean) {
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

  findBulk(shopDomain: string, id: unknown): EmulatedBulkOperation | undefined {
    return (this.bulkByShop.get(shopDomain) ?? []).find((o) => o.id === id);
  }

  /** A customer's orders, as `Customer.orders(query)` lists them. */
  customerOrders(shopDomain: string, customerId: string, query: string | undefined) {
    return connection((this.ordersByShop.get(shopDomain) ?? []).filter((o) => o.customerId === customerId && matchesOrderQuery(o, query)).map((o) => this.orderNode(shopDomain, o)));
  }

  resolvers(): Record<string, Resolver> {
    return {
      orders: (args, shop) =>
        connection(
          (this.ordersByShop.get(shop.myshopifyDomain) ?? [])
            .filter((o) => matchesOrderQuery(o, args.query as string | undefined))
            .slice(0, typeof args.first === "number" ? args.first : undefined)
            .map((o) => this.orderNode(shop.myshopifyDomain, o)),
        ),
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
    };
  }
}
