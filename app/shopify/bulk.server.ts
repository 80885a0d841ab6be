import { isLocalMode } from "../env.server";
import { getAdminGraphqlForShop, localBulkResult } from "./admin.server";
import { BULK_OPERATION_BY_ID, BULK_OPERATION_RUN_QUERY, BULK_QUERIES, CURRENT_BULK_OPERATION } from "./documents";
import { BulkOperationFailedError, ShopifyApiError, ShopifyHttpError, ShopifyInputError, requireNoUserErrors, runAdminQuery, type AdminGraphql } from "./graphql";
import { readJsonLines } from "./jsonl";

// Admin API bulk operations: run a bulk query, follow it to completion, stream its JSONL
// result line by line. Shopify runs one bulk query per shop and app at a time; a query
// already running with the same text (a process that died while waiting for it) is adopted
// rather than refused, any other one is waited for. Nested connections arrive as separate
// lines carrying `__parentId` (the parent's id); with groupObjects false (the default and
// the cheap mode) their order is not guaranteed, so the typed readers below ask for the
// shape they need. The `bulk_operations/finish` webhook, when it arrives, only wakes the
// waiter early (notifyBulkOperationFinished): polling alone is enough.
// https://shopify.dev/docs/api/usage/bulk-operations/queries

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkOperation {
  id: string;
  status: BulkStatus;
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  /** Objects processed so far (UnsignedInt64, as a number). */
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** The JSONL result once COMPLETED; null when the query matched nothing. */
  url: string | null;
  partialDataUrl: string | null;
  query: string;
}

export interface BulkOptions {
  signal?: AbortSignal;
  /** First wait between status reads (ms); it grows by half each time, up to maxPollMs. Default 1000. */
  pollMs?: number;
  maxPollMs?: number;
  /** Children directly after their parent (slower in Shopify). Default false. */
  groupObjects?: boolean;
  /** Called on every status read (progress: objectCount). */
  onProgress?: (operation: BulkOperation) => void;
}

interface RawBulkOperation extends Omit<BulkOperation, "objectCount" | "rootObjectCount" | "fileSize"> {
  objectCount: string | number;
  rootObjectCount: string | number;
  fileSize: string | number | null;
}

function toOperation(raw: RawBulkOperation): BulkOperation {
  return {
    ...raw,
    objectCount: Number(raw.objectCount),
    rootObjectCount: Number(raw.rootObjectCount),
    fileSize: raw.fileSize === null ? null : Number(raw.fileSize),
  };
}

const ACTIVE: ReadonlySet<BulkStatus> = new Set(["CREATED", "RUNNING", "CANCELING"]);

/**
 * Starts a bulk query. If one of ours is already running with the same query, it is
 * returned instead (a restarted job picks up the operation it started); if another one is
 * running, waits for it to end, then starts.
 */
export async function startBulkQuery(graphql: AdminGraphql, query: string, opts: BulkOptions = {}): Promise<BulkOperation> {
  for (let attempt = 0; ; attempt++) {
    const data = await runAdminQuery<{
      bulkOperationRunQuery: { bulkOperation: RawBulkOperation | null; userErrors: { field: string[] | null; message: string; code: string | null }[] };
    }>(graphql, BULK_OPERATION_RUN_QUERY, { query, groupObjects: opts.groupObjects ?? false });
    const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
    const inProgress = userErrors.find((e) => e.code === "OPERATION_IN_PROGRESS");
    if (inProgress && attempt < 3) {
      const current = await currentBulkOperation(graphql);
      if (current && ACTIVE.has(current.status)) {
        if (sameQuery(current.query, query)) return current;
        // Someone else's query (an import, an earlier enrolment): wait for it, then ask again.
        await waitForBulkOperation(graphql, current.id, { ...opts, acceptFailure: true });
      }
      continue;
    }
    requireNoUserErrors("bulkOperationRunQuery", userErrors);
    if (!bulkOperation) throw new ShopifyApiError("bulkOperationRunQuery answered without an operation");
    return toOperation(bulkOperation);
  }
}

function sameQuery(a: string, b: string): boolean {
  return a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();
}

export async function currentBulkOperation(graphql: AdminGraphql): Promise<BulkOperation | null> {
  const data = await runAdminQuery<{ currentBulkOperation: RawBulkOperation | null }>(graphql, CURRENT_BULK_OPERATION);
  return data.currentBulkOperation ? toOperation(data.currentBulkOperation) : null;
}

export async function getBulkOperation(graphql: AdminGraphql, id: string): Promise<BulkOperation> {
  const data = await runAdminQuery<{ node: RawBulkOperation | null }>(graphql, BULK_OPERATION_BY_ID, { id });
  if (!data.node || !("status" in data.node)) throw new ShopifyInputError(`No bulk operation ${id}`);
  return toOperation(data.node);
}

// Waiters by operation id: the bulk_operations/finish webhook wakes them early.
const wakers = new Map<string, Set<() => void>>();

/** The `bulk_operations/finish` webhook (its admin_graphql_api_id): whoever waits for it reads the status now. */
export function notifyBulkOperationFinished(operationId: string): void {
  for (const wake of wakers.get(operationId) ?? []) wake();
}

function sleep(ms: number, operationId: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const set = wakers.get(operationId) ?? new Set();
    wakers.set(operationId, set);
    const done = () => {
      clearTimeout(timer);
      set.delete(done);
      if (set.size === 0) wakers.delete(operationId);
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const abort = () => {
      done();
      reject(signal?.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError"));
    };
    const timer = setTimeout(done, ms);
    set.add(done);
    if (signal?.aborted) abort();
    else signal?.addEventListener("abort", abort, { once: true });
  });
}

/**
 * Reads the operation's status until it ends, waiting pollMs, then half as long again each
 * time (at most maxPollMs). COMPLETED returns it; FAILED, CANCELED or EXPIRED throw
 * BulkOperationFailedError (unless acceptFailure: an operation we only waited out).
 */
export async function waitForBulkOperation(
  graphql: AdminGraphql,
  id: string,
  opts: BulkOptions & { acceptFailure?: boolean } = {},
): Promise<BulkOperation> {
  let wait = Math.max(1, opts.pollMs ?? 1000);
  const maxWait = Math.max(wait, opts.maxPollMs ?? 30_000);
  for (;;) {
    opts.signal?.throwIfAborted();
    const op = await getBulkOperation(graphql, id);
    opts.onProgress?.(op);
    if (op.status === "COMPLETED") return op;
    if (!ACTIVE.has(op.status)) {
      if (opts.acceptFailure) return op;
      throw new BulkOperationFailedError(op.id, op.status, op.errorCode);
    }
    await sleep(wait, id, opts.signal);
    wait = Math.min(maxWait, Math.ceil(wait * 1.5));
  }
}

/** The result file, as a byte stream: Shopify's storage URL, or the emulator's in local mode. */
export async function openBulkResult(url: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  if (isLocalMode()) {
    const local = await localBulkResult(url);
    if (!local) throw new ShopifyHttpError(404, `Bulk result not found: ${url}`);
    return local;
  }
  const response = await fetch(url, signal ? { signal } : {});
  if (!response.ok || !response.body) throw new ShopifyHttpError(response.status, `Bulk result download: HTTP ${response.status}`);
  return response.body;
}

/**
 * The rows of a completed operation's result, each with its line number. `fromLine` skips
 * the lines before it (a job resuming where it stopped). Nothing for an empty result.
 */
export async function* readBulkResult(
  operation: Pick<BulkOperation, "url">,
  opts: { signal?: AbortSignal; fromLine?: number } = {},
): AsyncGenerator<{ line: number; row: Record<string, unknown> }> {
  if (!operation.url) return;
  const from = opts.fromLine ?? 1;
  for await (const { line, value } of readJsonLines(await openBulkResult(operation.url, opts.signal), opts)) {
    if (line >= from) yield { line, row: value };
  }
}

/**
 * Runs a bulk query for a shop and yields every object of its result (nested connections'
 * objects carry `__parentId`), read as it downloads.
 */
export async function* streamBulkQuery(shopDomain: string, query: string, opts: BulkOptions = {}): AsyncGenerator<Record<string, unknown>> {
  const graphql = await getAdminGraphqlForShop(shopDomain);
  const started = await startBulkQuery(graphql, query, opts);
  const done = started.status === "COMPLETED" ? started : await waitForBulkOperation(graphql, started.id, opts);
  for await (const { row } of readBulkResult(done, opts)) yield row;
}

// ---- Typed readers ----

export interface ShopCustomerRow {
  customerGid: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  locale: string | null;
  createdAt: string;
  numberOfOrders: number;
  amountSpent: { amount: string; currencyCode: string } | null;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** One JSONL row of BULK_QUERIES.CUSTOMERS as a ShopCustomerRow; throws on a row that is not a customer. */
export function toShopCustomerRow(row: Record<string, unknown>): ShopCustomerRow {
  const id = str(row.id);
  if (!id?.startsWith("gid://shopify/Customer/")) throw new ShopifyApiError(`Bulk customers: unexpected row ${JSON.stringify(row).slice(0, 200)}`);
  const email = (row.defaultEmailAddress as { emailAddress?: unknown } | null | undefined)?.emailAddress;
  const spent = row.amountSpent as { amount?: unknown; currencyCode?: unknown } | null | undefined;
  return {
    customerGid: id,
    email: str(email),
    firstName: str(row.firstName),
    lastName: str(row.lastName),
    tags: Array.isArray(row.tags) ? row.tags.filter((t): t is string => typeof t === "string") : [],
    locale: str(row.locale),
    createdAt: str(row.createdAt) ?? new Date(0).toISOString(),
    numberOfOrders: Number(row.numberOfOrders ?? 0) || 0,
    amountSpent: spent && typeof spent.amount === "string" && typeof spent.currencyCode === "string" ? { amount: spent.amount, currencyCode: spent.currencyCode } : null,
  };
}

/** Every customer of the shop, through one bulk query. */
export async function* streamShopCustomers(shopDomain: string, opts: BulkOptions = {}): AsyncGenerator<ShopCustomerRow> {
  for await (const row of streamBulkQuery(shopDomain, BULK_QUERIES.CUSTOMERS, opts)) yield toShopCustomerRow(row);
}

export interface ShopOrderLineRow {
  lineItemGid: string;
  quantity: number;
  currentQuantity: number;
  isGiftCard: boolean;
  /** Shop money, decimal strings. */
  unitPrice: string;
  discount: string;
  tax: string;
}

export interface ShopOrderRow {
  orderGid: string;
  name: string;
  customerGid: string | null;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  /** OrderDisplayFinancialStatus (PAID, PARTIALLY_REFUNDED, …) or null. */
  financialStatus: string | null;
  taxesIncluded: boolean;
  currencyCode: string;
  /** Current subtotal (after discounts, edits and refunds) and total, shop money. */
  currentSubtotal: string;
  currentTax: string;
  total: string;
  lines: ShopOrderLineRow[];
}

type Money = { shopMoney?: { amount?: unknown; currencyCode?: unknown } } | null | undefined;
const amountOf = (m: unknown): string => str((m as Money)?.shopMoney?.amount) ?? "0";

/** The bulk orders query for orders created on or after `since` (a date, UTC). */
export function ordersSinceQuery(since: Date): string {
  if (Number.isNaN(since.getTime())) throw new ShopifyInputError("ordersSinceQuery: invalid date");
  return BULK_QUERIES.ORDERS_SINCE.replace("$SINCE", since.toISOString().slice(0, 10));
}

/**
 * Orders created since `since`, each with its line items. The line items are nested
 * connection rows (`__parentId` = the order); the query asks for grouped output, so each
 * order's lines follow it, and an order is yielded when the next order starts. A line
 * whose order has not been seen is an error (the file is not what was asked for).
 */
export async function* streamShopOrdersSince(shopDomain: string, since: Date, opts: BulkOptions = {}): AsyncGenerator<ShopOrderRow> {
  let current: ShopOrderRow | null = null;
  for await (const row of streamBulkQuery(shopDomain, ordersSinceQuery(since), { ...opts, groupObjects: true })) {
    const parent = str(row.__parentId);
    if (parent) {
      if (!current || current.orderGid !== parent) throw new ShopifyApiError(`Bulk orders: a line item of ${parent} outside its order`);
      current.lines.push({
        lineItemGid: str(row.id) ?? "",
        quantity: Number(row.quantity ?? 0),
        currentQuantity: Number(row.currentQuantity ?? row.quantity ?? 0),
        isGiftCard: row.isGiftCard === true,
        unitPrice: amountOf(row.originalUnitPriceSet),
        discount: amountOf(row.totalDiscountSet),
        tax: (Array.isArray(row.taxLines) ? row.taxLines : []).reduce((sum: number, t: unknown) => sum + Number(amountOf((t as { priceSet?: unknown }).priceSet)), 0).toFixed(2),
      });
      continue;
    }
    if (current) yield current;
    const id = str(row.id);
    if (!id?.startsWith("gid://shopify/Order/")) throw new ShopifyApiError(`Bulk orders: unexpected row ${JSON.stringify(row).slice(0, 200)}`);
    current = {
      orderGid: id,
      name: str(row.name) ?? "",
      customerGid: str((row.customer as { id?: unknown } | null)?.id),
      createdAt: str(row.createdAt) ?? "",
      processedAt: str(row.processedAt) ?? str(row.createdAt) ?? "",
      updatedAt: str(row.updatedAt) ?? str(row.createdAt) ?? "",
      cancelledAt: str(row.cancelledAt),
      test: row.test === true,
      financialStatus: str(row.displayFinancialStatus),
      taxesIncluded: row.taxesIncluded === true,
      currencyCode: str((row.totalPriceSet as Money)?.shopMoney?.currencyCode) ?? "",
      currentSubtotal: amountOf(row.currentSubtotalPriceSet),
      currentTax: amountOf(row.currentTotalTaxSet),
      total: amountOf(row.totalPriceSet),
      lines: [],
    };
  }
  if (current) yield current;
}
