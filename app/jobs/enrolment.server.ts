import type { Db } from "../db.server";
import { log } from "../log.server";
import {
  applyCustomerBatch,
  applyOrderBatch,
  claimEnrolment,
  findDueEnrolments,
  finishCustomerPhase,
  finishEnrolment,
  readRunOptions,
  recordEnrolmentFailure,
  recordEnrolmentOperation,
  type EnrolmentRunRow,
  type ExistingCustomer,
} from "../loyalty/members/existing-customers.server";
import { parseMoneyToMinor } from "../loyalty/ledger/money";
import type { OrderSnapshot } from "../loyalty/orders/order-points";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import {
  getBulkOperation,
  groupOrderRows,
  ordersSinceQuery,
  readBulkResult,
  startBulkQuery,
  toShopCustomerRow,
  waitForBulkOperation,
  type BulkOperation,
  type BulkOptions,
  type ShopOrderRow,
} from "../shopify/bulk.server";
import { BULK_QUERIES } from "../shopify/documents";
import { ShopUninstalledError } from "../shopify/errors";
import type { AdminGraphql } from "../shopify/graphql";
import { afterShopifyFailure, leaseUntil, type RetryPolicy } from "./backoff";

// The enrolment of a shop's existing customers, as a background job: the customers bulk
// query, then (if the run counts orders) the orders of the last N days, each applied in
// batches that save the run's progress in the same transaction (app/loyalty/members/
// existing-customers.server.ts). A run that fails is retried with backoff from where it
// stopped; a worker that dies leaves its lease to run out, and the next sweep resumes the
// run after its last applied line, with the same bulk operation while Shopify keeps its
// result (7 days). docs/decisions/0020-start-with-existing-customers.md

/** Six attempts over about an hour and a half (Shopify's bulk TIMEOUTs and outages). */
export const ENROLMENT_RETRY: RetryPolicy = { maxAttempts: 6, firstDelayMs: 10_000, factor: 4, maxDelayMs: 60 * 60_000 };

export interface EnrolmentJobOptions extends Pick<BulkOptions, "pollMs" | "maxPollMs" | "signal"> {
  /** JSONL lines per transaction (default 200). */
  batchSize?: number;
  /** Tests: called after each batch is saved (throwing there is a crash between batches). */
  afterBatch?: (run: EnrolmentRunRow) => void | Promise<void>;
}

let requested = false;

/** Settings asked for a run: the next sweep looks at once. */
export function requestEnrolmentSweep(): void {
  requested = true;
}

export function enrolmentSweepRequested(): boolean {
  const was = requested;
  requested = false;
  return was;
}

/** Every due run, one after another; returns how many ran. */
export async function runDueEnrolments(db: Db, now: Date = new Date(), opts: EnrolmentJobOptions = {}): Promise<number> {
  let ran = 0;
  for (const due of await findDueEnrolments(db, now)) {
    const run = await claimEnrolment(db, due, now, leaseUntil(now));
    if (!run) continue;
    ran++;
    try {
      if (due.shop.uninstalledAt) throw new ShopUninstalledError(due.shop.domain);
      await runEnrolment(db, run, due.shop.domain, opts);
    } catch (error) {
      const verdict = afterShopifyFailure({ error, attempts: run.attempts, now: new Date(), policy: ENROLMENT_RETRY });
      await recordEnrolmentFailure(db, run.id, verdict, new Date());
      const fields = { shop: due.shop.domain, runId: run.id, phase: run.phase, kind: verdict.kind, error: verdict.error };
      if (verdict.status === "dead") log.error("enrolment failed", fields);
      else log.warn("enrolment failed, will resume", { ...fields, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
    }
  }
  return ran;
}

async function runEnrolment(db: Db, claimed: EnrolmentRunRow, shopDomain: string, opts: EnrolmentJobOptions): Promise<void> {
  const graphql = await getAdminGraphqlForShop(shopDomain);
  let run = claimed;
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  const keepLease = () => ({ leaseUntil: leaseUntil(new Date()) });

  if (run.phase === "customers") {
    const op = await operationFor(db, graphql, run, BULK_QUERIES.CUSTOMERS, false, opts);
    let batch: ExistingCustomer[] = [];
    let lastLine = run.linesDone;
    const flush = async () => {
      if (batch.length === 0) return;
      run = await applyCustomerBatch(db, run, shopDomain, batch, lastLine);
      await recordEnrolmentOperation(db, run.id, keepLease());
      batch = [];
      await opts.afterBatch?.(run);
    };
    for await (const { line, row } of readBulkResult(op, { fromLine: run.linesDone + 1, ...(opts.signal ? { signal: opts.signal } : {}) })) {
      const c = toShopCustomerRow(row);
      batch.push({ customerGid: c.customerGid, email: c.email, firstName: c.firstName, lastName: c.lastName, tags: c.tags, locale: c.locale, updatedAt: c.updatedAt ? new Date(c.updatedAt) : null });
      lastLine = line;
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    run = await finishCustomerPhase(db, run, new Date());
  }

  if (run.phase === "orders") {
    const options = readRunOptions(run);
    // The window is fixed when the run was asked for: a resumed run reads the same orders.
    const since = new Date(run.createdAt.getTime() - options.orderDays * 86_400_000);
    const op = await operationFor(db, graphql, run, ordersSinceQuery(since), true, opts);
    let batch: OrderSnapshot[] = [];
    let lastLine = run.linesDone;
    // Orders that add nothing (test orders) still move linesDone past them.
    const flush = async () => {
      if (batch.length === 0 && lastLine <= run.linesDone) return;
      run = await applyOrderBatch(db, run, shopDomain, batch, lastLine, new Date());
      await recordEnrolmentOperation(db, run.id, keepLease());
      batch = [];
      await opts.afterBatch?.(run);
    };
    for await (const { order, lastLine: line } of groupOrderRows(readBulkResult(op, { fromLine: run.linesDone + 1, ...(opts.signal ? { signal: opts.signal } : {}) }))) {
      lastLine = line;
      const snapshot = toBackfillSnapshot(order);
      if (snapshot) batch.push(snapshot);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await finishEnrolment(db, run, new Date());
  }
}

/**
 * The run's bulk operation for this phase: the one it started before (a resumed run), if
 * Shopify still has its result or is still running it; otherwise a new one, remembered
 * before waiting for it. A new operation restarts the phase's reading at line 1 (applying
 * a line twice changes nothing: members and backfilled orders are found, not added).
 */
async function operationFor(db: Db, graphql: AdminGraphql, run: EnrolmentRunRow, query: string, groupObjects: boolean, opts: EnrolmentJobOptions): Promise<BulkOperation> {
  const bulkOpts: BulkOptions = {
    groupObjects,
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.maxPollMs !== undefined ? { maxPollMs: opts.maxPollMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: () => void recordEnrolmentOperation(db, run.id, { leaseUntil: leaseUntil(new Date()) }).catch(() => undefined),
  };
  const ready = async (op: BulkOperation) => {
    await recordEnrolmentOperation(db, run.id, { phaseTotal: op.rootObjectCount, leaseUntil: leaseUntil(new Date()) });
    return op;
  };
  if (run.bulkOperationId) {
    const previous = await getBulkOperation(graphql, run.bulkOperationId).catch(() => null);
    if (previous?.status === "COMPLETED") return ready(previous);
    if (previous && (previous.status === "CREATED" || previous.status === "RUNNING")) return ready(await waitForBulkOperation(graphql, previous.id, bulkOpts));
  }
  const started = await startBulkQuery(graphql, query, bulkOpts);
  if (run.bulkOperationId !== started.id) {
    await recordEnrolmentOperation(db, run.id, { bulkOperationId: started.id, leaseUntil: leaseUntil(new Date()) });
    if (run.linesDone > 0) {
      // A different result file: line numbers start again.
      await db.enrolmentRun.updateMany({ where: { id: run.id, status: "running" }, data: { linesDone: 0 } });
      run.linesDone = 0;
    }
    run.bulkOperationId = started.id;
  }
  return ready(started.status === "COMPLETED" ? started : await waitForBulkOperation(graphql, started.id, bulkOpts));
}

/** A past order as the order path's snapshot (amounts in shop money); null for test orders. */
export function toBackfillSnapshot(order: ShopOrderRow): OrderSnapshot | null {
  if (order.test) return null;
  const currency = order.currencyCode;
  const minor = (amount: string) => parseMoneyToMinor(amount, currency);
  const processedAt = new Date(order.processedAt);
  return {
    orderGid: order.orderGid,
    name: order.name || null,
    customerGid: order.customerGid,
    currencyCode: currency,
    updatedAt: new Date(order.updatedAt),
    processedAt,
    financialStatus: order.financialStatus ? order.financialStatus.toLowerCase() : null,
    cancelled: order.cancelledAt !== null,
    taxesIncluded: order.taxesIncluded,
    lines: order.lines.map((l) => ({
      // The order path keys lines by the REST id (webhooks' line_item_id), not the GID.
      lineItemId: l.lineItemGid.replace(/^gid:\/\/shopify\/LineItem\//, ""),
      quantity: l.quantity,
      currentQuantity: l.currentQuantity,
      unitPriceMinor: minor(l.unitPrice),
      discountMinor: minor(l.discount),
      taxMinor: minor(l.tax),
      nonEarning: l.isGiftCard,
    })),
    refunds: [],
    discountCodes: [],
    totalMinor: minor(order.total),
  };
}
