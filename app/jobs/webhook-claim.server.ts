import { queryPreparedPg, type Db, type Tx } from "../db.server";
import { isPostgres, Sql } from "../loyalty/sql.server";
import { leaseUntil } from "./backoff";
import type { ClaimedEvent } from "./webhook-job.server";

// Claiming inbox events for a batch (app/jobs/webhook-batch.server.ts, docs/decisions/0030):
// the due events among those asked for, plus the oldest other due ones, marked
// `processing` with a lease. PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers take
// disjoint sets (one prepared statement, 0044); SQLite: its one writer.

const DUE_STATUSES = ["pending", "retrying", "processing"];

export interface BatchOptions {
  /** Events to claim (those due; others are "skipped"). */
  ids?: readonly string[];
  /** How many more due events to claim beyond `ids`, oldest first. */
  fill?: number;
  now?: Date;
}

/**
 * Claims the due events among `ids`, plus up to `fill` other due events, for this worker:
 * status `processing`, the lease as nextAttemptAt, attempts + 1 (as processWebhookEvent's
 * claim). Returned in arrival order.
 */
export async function claimWebhookEvents(db: Db, options: BatchOptions & { now: Date }): Promise<ClaimedEvent[]> {
  const ids = [...new Set(options.ids ?? [])];
  const fill = options.fill ?? 0;
  if (ids.length === 0 && fill <= 0) return [];
  const now = options.now;
  const claimed = await claimPostgres(db, ids, fill, now);
  if (claimed) return claimed;
  const rows = await db.$transaction(
    async (tx) => {
      const chosen = isPostgres(tx) ? await lockDuePostgres(tx, ids, fill, now) : await findDue(tx, ids, fill, now);
      if (chosen.length === 0) return [];
      await markClaimed(tx, chosen, now);
      return tx.webhookEvent.findMany({
        where: { id: { in: chosen }, status: "processing" },
        select: { id: true, shopDomain: true, topic: true, webhookId: true, eventId: true, payload: true, attempts: true, receivedAt: true },
      });
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
  rows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows.map(({ receivedAt: _receivedAt, ...event }) => event);
}

/**
 * PostgreSQL: the whole claim in one prepared statement outside a transaction (lock the due
 * rows, skipping those another worker is claiming; mark them; return them): one round trip
 * where the transaction below takes five (0044). Null where queryPreparedPg is off (SQLite,
 * KANTA_PG_PREPARED=0): the caller claims in a transaction.
 */
async function claimPostgres(db: Db, ids: readonly string[], fill: number, now: Date): Promise<ClaimedEvent[] | null> {
  const rows = await queryPreparedPg(
    db,
    `WITH asked AS (
       SELECT "id" FROM "WebhookEvent" WHERE "id" = ANY($1::text[]) AND "status" = ANY($2::text[]) AND "nextAttemptAt" <= $3::timestamp
       FOR UPDATE SKIP LOCKED
     ), more AS (
       SELECT "id" FROM "WebhookEvent" WHERE "status" = ANY($2::text[]) AND "nextAttemptAt" <= $3::timestamp AND NOT ("id" = ANY($1::text[]))
       ORDER BY "nextAttemptAt", "receivedAt" LIMIT $4 FOR UPDATE SKIP LOCKED
     )
     UPDATE "WebhookEvent" AS w SET "status" = 'processing', "nextAttemptAt" = $5::timestamp, "attempts" = w."attempts" + 1
     FROM (SELECT "id" FROM asked UNION ALL SELECT "id" FROM more) AS c
     WHERE w."id" = c."id"
     RETURNING w."id", w."shopDomain", w."topic", w."webhookId", w."eventId", w."payload", w."attempts",
       extract(epoch FROM w."receivedAt")::float8 AS "receivedAt"`,
    [ids, DUE_STATUSES, now, fill, leaseUntil(now)],
  );
  if (!rows) return null;
  const events = rows as unknown as (ClaimedEvent & { receivedAt: number })[];
  events.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return events.map(({ receivedAt: _receivedAt, ...event }) => event);
}

/** PostgreSQL: due rows locked by this transaction, skipping rows another worker is claiming. */
async function lockDuePostgres(tx: Tx, ids: readonly string[], fill: number, now: Date): Promise<string[]> {
  const chosen: string[] = [];
  if (ids.length > 0) {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT "id" FROM "WebhookEvent" WHERE "id" = ANY($1::text[]) AND "status" = ANY($2::text[]) AND "nextAttemptAt" <= $3 FOR UPDATE SKIP LOCKED`,
      ids,
      DUE_STATUSES,
      now,
    );
    chosen.push(...rows.map((r) => r.id));
  }
  if (fill > 0) {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT "id" FROM "WebhookEvent" WHERE "status" = ANY($1::text[]) AND "nextAttemptAt" <= $2 AND NOT ("id" = ANY($3::text[]))
       ORDER BY "nextAttemptAt", "receivedAt" LIMIT $4 FOR UPDATE SKIP LOCKED`,
      DUE_STATUSES,
      now,
      ids,
      fill,
    );
    chosen.push(...rows.map((r) => r.id));
  }
  return chosen;
}

/**
 * The chosen events: status `processing`, the lease as nextAttemptAt, attempts + 1, if still
 * due. Found by id: on SQLite the due conditions are kept from the index ("+"), whose
 * planner would otherwise scan every due event of the inbox through (status, nextAttemptAt)
 * to update 50 of them (18 ms a claim with 5,000 due, 3 ms by id).
 */
async function markClaimed(tx: Tx, ids: readonly string[], now: Date): Promise<void> {
  const postgres = isPostgres(tx);
  const sql = new Sql(postgres);
  const set = `"status" = 'processing', "nextAttemptAt" = ${sql.p(leaseUntil(now))}, "attempts" = "attempts" + 1`;
  const where = postgres
    ? `"id" = ANY(${sql.p(ids)}::text[]) AND "status" = ANY(${sql.p(DUE_STATUSES)}::text[]) AND "nextAttemptAt" <= ${sql.p(now)}`
    : `"id" IN (${sql.list(ids)}) AND +"status" IN (${sql.list(DUE_STATUSES)}) AND +"nextAttemptAt" <= ${sql.p(now)}`;
  await tx.$executeRawUnsafe(`UPDATE "WebhookEvent" SET ${set} WHERE ${where}`, ...sql.params);
}

/** SQLite: one writer, so a read then an update in one transaction claims safely. */
async function findDue(tx: Tx, ids: readonly string[], fill: number, now: Date): Promise<string[]> {
  const due = { status: { in: DUE_STATUSES }, nextAttemptAt: { lte: now } };
  const chosen: string[] = [];
  if (ids.length > 0) chosen.push(...(await tx.webhookEvent.findMany({ where: { ...due, id: { in: [...ids] } }, select: { id: true } })).map((r) => r.id));
  if (fill > 0) {
    const more = await tx.webhookEvent.findMany({ where: { ...due, id: { notIn: [...ids] } }, orderBy: [{ nextAttemptAt: "asc" }, { receivedAt: "asc" }], select: { id: true }, take: fill });
    chosen.push(...more.map((r) => r.id));
  }
  return chosen;
}
