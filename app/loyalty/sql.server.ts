import type { Db, Tx } from "../db.server";

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
 * `rows` into `table` with multi-row INSERTs: the batch paths' createMany without Prisma's
 * query compiler, whose cost grows with the rows (~40 % of a batch drain's CPU). Every row
 * names the same columns, the id and timestamps included (Prisma fills `@default(cuid())`,
 * `@default(now())` and `@updatedAt` itself, so the database has no default for them);
 * values are bound as parameters, so Dates, BigInts and booleans are stored as Prisma
 * stores them (tests/integration/batch-equivalence.test.ts reads them back through Prisma).
 */
export async function insertRows(tx: Db | Tx, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length) throw new Error(`insertRows(${table}): every row names the same columns`);
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  const postgres = isPostgres(tx);
  for (let i = 0; i < rows.length; i += perStatement) {
    const sql = new Sql(postgres, true);
    const values = rows.slice(i, i + perStatement).map((row) => `(${columns.map((c) => sql.p(row[c] ?? null)).join(", ")})`);
    await tx.$executeRawUnsafe(head + values.join(", "), ...sql.params);
  }
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
