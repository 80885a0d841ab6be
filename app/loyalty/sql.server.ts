import { PREPARED, type Db, type Tx } from "../db.server";

// Raw SQL for the batch paths where Prisma's per-statement cost matters (the tier review,
// batched ledger appends): numbered parameters for either database. Everything else goes
// through Prisma.

/** A raw statement's parameters, numbered for the database ($1 on PostgreSQL, ?1 on SQLite). */
export class Sql {
  readonly params: unknown[] = [];
  /**
   * `inOrder`: the caller places every parameter in the text in the order it adds it (a
   * multi-row VALUES list), so SQLite gets plain "?". Numbered "?N" makes SQLite's parser
   * search the numbers seen so far for each one: quadratic, 77 ms to prepare one INSERT of
   * 250 order records, 1 ms with "?".
   */
  constructor(
    readonly postgres: boolean,
    readonly inOrder = false,
  ) {}
  p(value: unknown): string {
    this.params.push(value);
    return this.postgres ? `$${this.params.length}` : this.inOrder ? "?" : `?${this.params.length}`;
  }
  list(values: readonly unknown[]): string {
    return values.map((v) => this.p(v)).join(", ");
  }
}

export function isPostgres(tx: Db | Tx): boolean {
  return (tx as unknown as { _activeProvider?: string })._activeProvider === "postgresql";
}

/**
 * Parameters per multi-row INSERT: under PostgreSQL's 65,535 and SQLite's 32,766, and a
 * statement a few hundred KB at most.
 */
const MAX_PARAMS = 20_000;

/**
 * `rows` into `table` in few statements: the batch paths' createMany without Prisma's query
 * compiler, whose cost grows with the rows (~40 % of a batch drain's CPU). Every row names the
 * same columns, the id and timestamps included (Prisma fills `@default(cuid())`,
 * `@default(now())` and `@updatedAt` itself, so the database has no default for them); values
 * are bound as parameters, so Dates, BigInts and booleans are stored as Prisma stores them
 * (tests/integration/batch-equivalence.test.ts and sql-writes.test.ts read them back through
 * Prisma, the latter in a process whose time zone is not UTC).
 *
 * On PostgreSQL one statement per 5,000 rows, `INSERT … SELECT * FROM unnest($1::text[], …)`:
 * each column one array parameter, so the text does not vary with the rows and runs as a
 * prepared statement (PREPARED); a multi-row VALUES list of 250 rows was planned on every
 * call and took twice as long (0044). On SQLite multi-row VALUES lists.
 *
 * `onConflict`: what follows `ON CONFLICT` (e.g. `("shopId", "key") DO NOTHING`);
 * `returning`: columns of the inserted rows to answer with (quoted names).
 */
export async function insertRows<R extends Record<string, unknown> = Record<string, unknown>>(
  tx: Db | Tx,
  table: string,
  rows: readonly Record<string, unknown>[],
  options: { onConflict?: string; returning?: readonly string[] } = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length) throw new Error(`insertRows(${table}): every row names the same columns`);
  }
  const tail = `${options.onConflict ? ` ON CONFLICT ${options.onConflict}` : ""}${options.returning?.length ? ` RETURNING ${options.returning.map((c) => `"${c}"`).join(", ")}` : ""}`;
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) `;
  const out: R[] = [];
  const run = async (text: string, params: unknown[]) => {
    if (options.returning?.length) out.push(...(await tx.$queryRawUnsafe<R[]>(text, ...params)));
    else await tx.$executeRawUnsafe(text, ...params);
  };
  const types = isPostgres(tx) ? await pgColumnTypes(tx, table, columns) : null;
  if (types) {
    const text = `${PREPARED}${head}SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(", ")})${tail}`;
    for (let i = 0; i < rows.length; i += UNNEST_ROWS) {
      const chunk = rows.slice(i, i + UNNEST_ROWS);
      await run(text, columns.map((c) => chunk.map((row) => toPgArrayElement(row[c]))));
    }
    return out;
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const sql = new Sql(isPostgres(tx), true);
    const values = rows.slice(i, i + perStatement).map((row) => `(${columns.map((c) => sql.p(row[c] ?? null)).join(", ")})`);
    await run(`${head}VALUES ${values.join(", ")}${tail}`, sql.params);
  }
  return out;
}

/** Rows per `unnest` INSERT on PostgreSQL: the arrays of a statement stay a few MB at most. */
const UNNEST_ROWS = 5_000;

/** Each table's column types on PostgreSQL (udt names: text, int4, timestamp, …), read once per process. */
const pgTypes = new Map<string, Promise<Map<string, string>>>();

/**
 * The array types of `columns` for an `unnest` INSERT, or null when one is itself an array
 * (`unnest` would flatten it) or unknown: those tables keep VALUES lists.
 */
async function pgColumnTypes(tx: Db | Tx, table: string, columns: readonly string[]): Promise<string[] | null> {
  let known = pgTypes.get(table);
  if (!known) {
    known = tx
      .$queryRawUnsafe<{ name: string; type: string }[]>(
        `SELECT column_name AS "name", udt_name AS "type" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
        table,
      )
      .then((found) => new Map(found.map((c) => [c.name, c.type])));
    pgTypes.set(table, known);
    known.catch(() => pgTypes.delete(table));
  }
  const byName = await known;
  const types = columns.map((c) => byName.get(c));
  return types.every((t): t is string => t !== undefined && /^[a-z0-9]+$/.test(t)) ? types : null;
}

/**
 * One value of an `unnest` array as Prisma binds the column's scalar: a Date as its UTC time
 * without a zone (the columns are `timestamp(3)`), a BigInt as text. Converted here so that
 * every array is plain strings, numbers, booleans and nulls, whatever Prisma's raw-parameter
 * handling would make of a Date or BigInt inside an array.
 */
export function toPgArrayElement(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString().slice(0, -1);
  if (typeof value === "bigint") return value.toString();
  return value;
}

let idCounter = 0;

/** 8 random base-36 digits: the counter and the time keep ids of one process apart, this keeps processes apart. */
function randomPart(): string {
  return Math.floor(Math.random() * 36 ** 8).toString(36).padStart(8, "0");
}

/**
 * A row id for raw inserts, ordered like Prisma's cuid (a "c", the time, a counter, then
 * random), so rows written together keep their order where ids break ties of createdAt.
 */
export function rowId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(8, "0")}${idCounter.toString(36).padStart(4, "0")}${randomPart()}${randomPart()}`;
}
