import { prismaErrorCode, type Db, type Tx } from "../db.server";

/** A concurrent writer changed what this transaction read; run it again. */
export class WriteConflictError extends Error {
  override name = "WriteConflictError";
}

function rawErrorCode(error: unknown): string {
  const meta = (error as { meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } }).meta;
  const code = meta?.code ?? meta?.driverAdapterError?.cause?.originalCode ?? meta?.driverAdapterError?.cause?.code;
  if (typeof code === "string") return code;
  return /Raw query failed\. Code: `(\w+)`/.exec(error instanceof Error ? error.message : "")?.[1] ?? "";
}

function rawErrorMessage(error: unknown): string {
  const meta = (error as { meta?: { message?: unknown } }).meta;
  return typeof meta?.message === "string" ? meta.message : "";
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof WriteConflictError) return true;
  // P2002 unique violation (a concurrent insert of the same key), P2034 write conflict /
  // deadlock, P2028 transaction API error (e.g. the transaction expired while waiting).
  const code = prismaErrorCode(error);
  // P2010: a raw statement failed; retryable when the database says deadlock (40P01),
  // serialization failure (40001) or unique violation (23505) of a concurrent writer.
  if (code === "P2010") return /^(40P01|40001|23505)$/.test(rawErrorCode(error)) || /deadlock detected|could not serialize|SQLITE_BUSY|database is locked|UNIQUE constraint/i.test(rawErrorMessage(error));
  if (code) return code === "P2002" || code === "P2034" || code === "P2028";
  const message = error instanceof Error ? error.message : String(error);
  return /SQLITE_BUSY|database is locked|deadlock detected|could not serialize/i.test(message);
}

/**
 * Runs `work` in a transaction, retrying it from the start when a concurrent writer got
 * there first. Work must be safe to re-run (it re-reads everything it decides on).
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, attempts = 12): Promise<T> {
  // Already inside a transaction (the webhook batch, app/jobs/webhook-batch.server.ts, hands
  // its transaction to the handlers): run in it. A conflict then fails the enclosing
  // transaction, whose owner re-runs the work on its own (docs/decisions/0030).
  if (isTransactionClient(db)) return work(db as Tx);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((tx) => work(tx), { maxWait: 10_000, timeout: 20_000 });
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const backoff = Math.min(200, 2 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}

/** A Prisma interactive-transaction client (it has no $transaction of its own). */
export function isTransactionClient(db: Db | Tx): boolean {
  return typeof (db as { $transaction?: unknown }).$transaction !== "function";
}
