import { getDb, type Db, type Tx } from "../../db.server";
import { log } from "../../log.server";
import { LEDGER_KINDS, countsAsEarning, type Balance } from "../ledger/entries";
import { computeStoredOrderTarget, type StoredRefund } from "../orders/order-points";
import { computeStoredLineOrderTarget } from "../orders/line-points";
import { readLineTerms } from "../orders/order-lines.server";
import { Sql, isPostgres } from "../sql.server";

// The nightly proof (docs/decisions/0017-reconciliation-and-operations.md). For every member
// of a shop, batched by ranges of member ids:
// 1. balances: the cached points, pendingPoints and lifetimePoints equal the sums of the
//    member's ledger rows (one set-based query per range, by computeBalance's rule);
// 2. orders: every order's points equal what the earning rules give for its newest state
//    (orders/order-points.ts computeStoredOrderTarget, the formula the order path settles
//    with, so a change to the rules changes the proof too), and its ledger rows add up to
//    them.
// Differences are stored (ReconcileRun, ReconcileDifference), logged with the member and
// order ids and shown on Home. Nothing is ever fixed here: a difference is a bug to find.

export const RECONCILE_BATCH = 5_000;
/** Differences stored (and logged one by one) per run; all are counted. */
export const MAX_STORED_DIFFERENCES = 500;
/** A shop is reconciled again once its last run is this old. */
export const RECONCILE_EVERY_MS = 24 * 60 * 60 * 1000;
/** Runs older than this are deleted. */
const KEEP_RUNS_MS = 90 * 24 * 60 * 60 * 1000;

const ORDER_KINDS = ["order_earned", "order_reversed"] as const;
const EARNING_KINDS = LEDGER_KINDS.filter(countsAsEarning);

export interface Difference {
  kind: "balance" | "order";
  memberId: string | null;
  orderGid: string | null;
  expected: Record<string, number>;
  actual: Record<string, number>;
}

export interface ReconcileResult {
  runId: string;
  shopId: string;
  membersChecked: number;
  ordersChecked: number;
  differenceCount: number;
  differences: Difference[];
}

/** Which members a check covers: a range of ids (after, upTo], or a list (re-checks). */
type MemberFilter = { after: string; upTo: string | null } | { ids: readonly string[] };

/** Reconciles one shop; stores the run and its differences. */
export async function reconcileShop(db: Db, shopId: string, options: { batchSize?: number; now?: Date } = {}): Promise<ReconcileResult> {
  const batchSize = options.batchSize ?? RECONCILE_BATCH;
  const run = await db.reconcileRun.create({ data: { shopId, startedAt: options.now ?? new Date() }, select: { id: true } });
  const result: ReconcileResult = { runId: run.id, shopId, membersChecked: 0, ordersChecked: 0, differenceCount: 0, differences: [] };
  try {
    const postgres = isPostgres(db);
    for (let after = ""; ; ) {
      const upTo = await rangeEnd(db, shopId, after, batchSize);
      const filter: MemberFilter = { after, upTo };
      // On PostgreSQL each range is read in one snapshot; on SQLite (and for a write landing
      // between two reads) a difference is confirmed by checking its member again.
      const batch = postgres
        ? await inSnapshot(db, (tx) => checkMembers(tx, shopId, filter))
        : await checkMembers(db, shopId, filter);
      result.membersChecked += batch.members;
      result.ordersChecked += batch.orders;
      if (batch.differences.length > 0) {
        const recheckIds = [...new Set(batch.differences.map((d) => d.memberId).filter((id): id is string => id !== null))];
        const confirmed = (await checkMembers(db, shopId, { ids: recheckIds })).differences;
        record(result, confirmed);
      }
      if (upTo === null) break;
      after = upTo;
    }
    const guests = await checkGuestOrders(db, shopId);
    result.ordersChecked += guests.orders;
    record(result, guests.differences);
    await finish(db, result);
    if (result.differenceCount > MAX_STORED_DIFFERENCES) {
      log.warn("reconcile differences beyond those stored", { shopId, runId: run.id, differenceCount: result.differenceCount, stored: MAX_STORED_DIFFERENCES });
    }
    log.info("reconcile done", { shopId, runId: run.id, membersChecked: result.membersChecked, ordersChecked: result.ordersChecked, differenceCount: result.differenceCount });
    return result;
  } catch (error) {
    const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
    await db.reconcileRun.update({ where: { id: run.id }, data: { status: "failed", finishedAt: new Date(), error: message, ...counts(result) } });
    log.error("reconcile failed", { shopId, runId: run.id, error: message });
    throw error;
  }
}

/** Reconciles every shop whose last run is older than RECONCILE_EVERY_MS (the daily task). */
export async function reconcileDueShops(db: Db, now = new Date()): Promise<ReconcileResult[]> {
  await db.reconcileRun.deleteMany({ where: { startedAt: { lt: new Date(now.getTime() - KEEP_RUNS_MS) } } });
  const recent = await db.reconcileRun.findMany({
    where: { startedAt: { gt: new Date(now.getTime() - RECONCILE_EVERY_MS) } },
    select: { shopId: true },
    distinct: ["shopId"],
  });
  const skip = new Set(recent.map((r) => r.shopId));
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { id: true }, orderBy: { id: "asc" } });
  const results: ReconcileResult[] = [];
  for (const shop of shops) {
    if (skip.has(shop.id)) continue;
    try {
      results.push(await reconcileShop(db, shop.id, { now }));
    } catch {
      // Logged and stored as a failed run by reconcileShop; the next shop goes on.
    }
  }
  return results;
}

/** Reconciles every installed shop now (`npm run reconcile`). */
export async function reconcileAllShops(db: Db, options: { batchSize?: number } = {}): Promise<ReconcileResult[]> {
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { id: true }, orderBy: { id: "asc" } });
  const results: ReconcileResult[] = [];
  for (const shop of shops) results.push(await reconcileShop(db, shop.id, options));
  return results;
}

export interface ReconcileSummary {
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  membersChecked: number;
  ordersChecked: number;
  differenceCount: number;
  differences: { kind: string; memberId: string | null; orderGid: string | null; expected: string; actual: string }[];
}

/** The shop's latest finished (or failed) run, with its first differences, for Home. */
export async function latestReconcileRun(db: Db, shopId: string, take = 5): Promise<ReconcileSummary | null> {
  const run = await db.reconcileRun.findFirst({
    where: { shopId, status: { in: ["done", "failed"] } },
    orderBy: { startedAt: "desc" },
    include: { differences: { take, orderBy: { createdAt: "asc" }, select: { kind: true, memberId: true, orderGid: true, expected: true, actual: true } } },
  });
  if (!run) return null;
  const { status, startedAt, finishedAt, membersChecked, ordersChecked, differenceCount, differences } = run;
  return { status, startedAt, finishedAt, membersChecked, ordersChecked, differenceCount, differences };
}

/** latestReconcileRun by shop domain (Home's loader). */
export async function latestReconcileRunForShop(shopDomain: string, db: Db = getDb()): Promise<ReconcileSummary | null> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  return shop ? latestReconcileRun(db, shop.id) : null;
}

function record(result: ReconcileResult, differences: readonly Difference[]): void {
  for (const d of differences) {
    result.differenceCount++;
    if (result.differences.length >= MAX_STORED_DIFFERENCES) continue;
    result.differences.push(d);
    log.error("reconcile difference", { shopId: result.shopId, runId: result.runId, kind: d.kind, memberId: d.memberId, orderGid: d.orderGid, expected: d.expected, actual: d.actual });
  }
}

function counts(result: ReconcileResult) {
  return { membersChecked: result.membersChecked, ordersChecked: result.ordersChecked, differenceCount: result.differenceCount };
}

async function finish(db: Db, result: ReconcileResult): Promise<void> {
  for (let i = 0; i < result.differences.length; i += 100) {
    await db.reconcileDifference.createMany({
      data: result.differences.slice(i, i + 100).map((d) => ({
        runId: result.runId,
        shopId: result.shopId,
        kind: d.kind,
        memberId: d.memberId,
        orderGid: d.orderGid,
        expected: JSON.stringify(d.expected),
        actual: JSON.stringify(d.actual),
      })),
    });
  }
  await db.reconcileRun.update({ where: { id: result.runId }, data: { status: "done", finishedAt: new Date(), ...counts(result) } });
}

/** A PostgreSQL transaction whose reads all see one snapshot (the SQLite client's types know only Serializable). */
function inSnapshot<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const transaction = db.$transaction.bind(db) as unknown as (fn: (tx: Tx) => Promise<T>, options: { isolationLevel: string; timeout: number }) => Promise<T>;
  return transaction(work, { isolationLevel: "RepeatableRead", timeout: 300_000 });
}

/** The last member id of the range that starts after `after` (null: the range runs to the end). */
async function rangeEnd(db: Db, shopId: string, after: string, batchSize: number): Promise<string | null> {
  const sql = new Sql(isPostgres(db));
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "Member" WHERE "shopId" = ${sql.p(shopId)} AND "id" > ${sql.p(after)} ORDER BY "id" LIMIT 1 OFFSET ${sql.p(batchSize - 1)}`,
    ...sql.params,
  );
  return rows[0]?.id ?? null;
}

function memberCondition(sql: Sql, column: string, filter: MemberFilter): string {
  if ("ids" in filter) return `${column} IN (${sql.list(filter.ids)})`;
  return `${column} > ${sql.p(filter.after)}${filter.upTo === null ? "" : ` AND ${column} <= ${sql.p(filter.upTo)}`}`;
}

const num = (v: number | bigint | null | undefined) => Number(v ?? 0);

/** An OrderRecord row as raw SQL returns it (SQLite: booleans as 0/1, integers as number or bigint). */
interface OrderRow {
  orderGid: string;
  memberId: string;
  paid: boolean | number;
  cancelled: boolean | number;
  taxesIncluded: boolean | number;
  grossMinor: bigint | number;
  editRemovedMinor: bigint | number;
  orderTotalMinor: bigint | number;
  earnPoints: number | bigint | null;
  earnSpendMinor: bigint | number | null;
  multiplierPermille: number | bigint | null;
  earnByLine: boolean | number;
  earnMode: string | null;
  earnMinSpendMinor: bigint | number | null;
  pointsTarget: number | bigint;
  pointsCredited: number | bigint;
  pointsPending: number | bigint;
}

async function checkMembers(db: Db | Tx, shopId: string, filter: MemberFilter): Promise<{ members: number; orders: number; differences: Difference[] }> {
  if ("ids" in filter && filter.ids.length === 0) return { members: 0, orders: 0, differences: [] };
  const postgres = isPostgres(db);
  const differences: Difference[] = [];

  // 1. Balances, set-based: only the members whose cached balances differ come back.
  let sql = new Sql(postgres);
  const earning = sql.list(EARNING_KINDS);
  const memberWhere = `m."shopId" = ${sql.p(shopId)} AND ${memberCondition(sql, 'm."id"', filter)}`;
  const ledgerPoints = `COALESCE(SUM(l."delta"), 0)`;
  const ledgerPending = `COALESCE(SUM(l."pendingDelta"), 0)`;
  const ledgerLifetime = `COALESCE(SUM(CASE WHEN l."kind" IN (${earning}) THEN l."delta" + l."pendingDelta" ELSE 0 END), 0)`;
  const balanceRows = await db.$queryRawUnsafe<{ id: string; points: number; pendingPoints: number; lifetimePoints: number; lp: number | bigint; lpp: number | bigint; llt: number | bigint }[]>(
    `SELECT m."id", m."points", m."pendingPoints", m."lifetimePoints", ${ledgerPoints} AS "lp", ${ledgerPending} AS "lpp", ${ledgerLifetime} AS "llt"
     FROM "Member" m LEFT JOIN "LedgerEntry" l ON l."memberId" = m."id"
     WHERE ${memberWhere}
     GROUP BY m."id", m."points", m."pendingPoints", m."lifetimePoints"
     HAVING m."points" <> ${ledgerPoints} OR m."pendingPoints" <> ${ledgerPending} OR m."lifetimePoints" <> ${ledgerLifetime}
     ORDER BY m."id"`,
    ...sql.params,
  );
  for (const r of balanceRows) {
    const ledger: Balance = { points: num(r.lp), pendingPoints: num(r.lpp), lifetimePoints: num(r.llt) };
    const cached: Balance = { points: num(r.points), pendingPoints: num(r.pendingPoints), lifetimePoints: num(r.lifetimePoints) };
    differences.push({ kind: "balance", memberId: r.id, orderGid: null, expected: { ...ledger }, actual: { ...cached } });
  }
  sql = new Sql(postgres);
  const countRows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
    `SELECT COUNT(*) AS "n" FROM "Member" m WHERE m."shopId" = ${sql.p(shopId)} AND ${memberCondition(sql, 'm."id"', filter)}`,
    ...sql.params,
  );

  // 2. Orders of these members, their refunds and their ledger rows; the points computed in
  // TypeScript by the order path's own formula.
  // The columns StoredOrder and StoredRefund name (OrderRow is checked against them at the
  // call below): a field the earning rules come to need fails the typecheck here until it is
  // selected. (SELECT o.* would follow by itself, at 30–50 % more time per run.)
  // Raw SQL, not Prisma: a range's 5,000 orders and their refunds in two statements, with
  // no per-row mapping (Prisma findMany with IN lists of order ids: 12–15 s for 200,000
  // members on the bench machine; these two statements: 4–7 s).
  sql = new Sql(postgres);
  const orderRows = await db.$queryRawUnsafe<OrderRow[]>(
    `SELECT o."orderGid", o."memberId", o."paid", o."cancelled", o."taxesIncluded", o."grossMinor", o."editRemovedMinor", o."orderTotalMinor", o."earnPoints",
            o."earnSpendMinor", o."multiplierPermille", o."earnByLine", o."earnMode", o."earnMinSpendMinor", o."pointsTarget", o."pointsCredited", o."pointsPending"
     FROM "OrderRecord" o WHERE o."shopId" = ${sql.p(shopId)} AND ${memberCondition(sql, 'o."memberId"', filter)}`,
    ...sql.params,
  );
  const orders = orderRows.map((o) => ({
    ...o,
    paid: Boolean(o.paid),
    cancelled: Boolean(o.cancelled),
    taxesIncluded: Boolean(o.taxesIncluded),
    earnByLine: Boolean(o.earnByLine),
    earnPoints: o.earnPoints === null ? null : Number(o.earnPoints),
    multiplierPermille: o.multiplierPermille === null ? null : Number(o.multiplierPermille),
    pointsTarget: Number(o.pointsTarget),
    pointsCredited: Number(o.pointsCredited),
    pointsPending: Number(o.pointsPending),
  }));
  sql = new Sql(postgres);
  const refundRows = await db.$queryRawUnsafe<{ orderGid: string; subtotalMinor: bigint | number; taxMinor: bigint | number; adjustmentMinor: bigint | number }[]>(
    `SELECT r."orderGid", r."subtotalMinor", r."taxMinor", r."adjustmentMinor"
     FROM "OrderRefund" r JOIN "OrderRecord" o ON o."shopId" = r."shopId" AND o."orderGid" = r."orderGid"
     WHERE o."shopId" = ${sql.p(shopId)} AND ${memberCondition(sql, 'o."memberId"', filter)}`,
    ...sql.params,
  );
  const refunds = new Map<string, StoredRefund[]>();
  for (const r of refundRows) refunds.set(r.orderGid, [...(refunds.get(r.orderGid) ?? []), r]);
  sql = new Sql(postgres);
  const orderKinds = sql.list(ORDER_KINDS);
  const ledgerRows = await db.$queryRawUnsafe<{ memberId: string; sourceGid: string; earned: number | bigint; pending: number | bigint }[]>(
    `SELECT l."memberId", l."sourceGid",
            COALESCE(SUM(CASE WHEN l."kind" IN (${orderKinds}) THEN l."delta" + l."pendingDelta" ELSE 0 END), 0) AS "earned",
            COALESCE(SUM(l."pendingDelta"), 0) AS "pending"
     FROM "LedgerEntry" l
     WHERE l."shopId" = ${sql.p(shopId)} AND ${memberCondition(sql, 'l."memberId"', filter)}
       AND l."kind" IN (${orderKinds}, ${sql.p("pending_released")}) AND l."sourceGid" IS NOT NULL
     GROUP BY l."memberId", l."sourceGid"`,
    ...sql.params,
  );
  const ledgerByOrder = new Map(ledgerRows.map((r) => [`${r.memberId} ${r.sourceGid}`, { earned: num(r.earned), pending: num(r.pending) }]));
  // Orders earning by line (0033): their lines and refund lines, by the same formula.
  const byLine = await readLineTerms(db, shopId, orders.filter((o) => o.earnByLine).map((o) => o.orderGid));
  for (const order of orders) {
    const lines = byLine.get(order.orderGid);
    const { points } = order.earnByLine
      ? computeStoredLineOrderTarget(order, refunds.get(order.orderGid) ?? [], lines?.lines ?? [], lines?.refundLines ?? [])
      : computeStoredOrderTarget(order, refunds.get(order.orderGid) ?? []);
    const key = `${order.memberId} ${order.orderGid}`;
    const ledger = ledgerByOrder.get(key) ?? { earned: 0, pending: 0 };
    ledgerByOrder.delete(key);
    if (order.pointsCredited !== points || order.pointsTarget !== points || ledger.earned !== points || ledger.pending !== order.pointsPending) {
      differences.push({
        kind: "order",
        memberId: order.memberId,
        orderGid: order.orderGid,
        expected: { points, pointsPending: ledger.pending },
        actual: { pointsTarget: order.pointsTarget, pointsCredited: order.pointsCredited, ledgerPoints: ledger.earned, pointsPending: order.pointsPending },
      });
    }
  }
  // Order rows in the ledger without an order Kanta knows of (for that member).
  for (const [key, ledger] of ledgerByOrder) {
    if (ledger.earned === 0 && ledger.pending === 0) continue;
    const [memberId, orderGid] = key.split(" ") as [string, string];
    differences.push({ kind: "order", memberId, orderGid, expected: { points: 0, pointsPending: 0 }, actual: { ledgerPoints: ledger.earned, pointsPending: ledger.pending } });
  }
  return { members: num(countRows[0]?.n), orders: orders.length, differences };
}

/** Orders without a member earn nothing and hold no points. */
async function checkGuestOrders(db: Db, shopId: string): Promise<{ orders: number; differences: Difference[] }> {
  const [orders, wrong] = await Promise.all([
    db.orderRecord.count({ where: { shopId, memberId: null } }),
    db.orderRecord.findMany({
      where: { shopId, memberId: null, OR: [{ pointsCredited: { not: 0 } }, { pointsPending: { not: 0 } }, { pointsTarget: { not: 0 } }] },
      select: { orderGid: true, pointsTarget: true, pointsCredited: true, pointsPending: true },
      take: MAX_STORED_DIFFERENCES,
    }),
  ]);
  return {
    orders,
    differences: wrong.map((o) => ({
      kind: "order" as const,
      memberId: null,
      orderGid: o.orderGid,
      expected: { points: 0, pointsPending: 0 },
      actual: { pointsTarget: o.pointsTarget, pointsCredited: o.pointsCredited, pointsPending: o.pointsPending },
    })),
  };
}
