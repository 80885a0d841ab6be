import type { Db, Tx } from "../db.server";

// Raw SQL for the batch paths where Prisma's per-statement cost matters (the tier review,
// batched ledger appends): numbered parameters for either database. Everything else goes
// through Prisma.

/** A raw statement's parameters, numbered for the database ($1 on PostgreSQL, ?1 on SQLite). */
export class Sql {
  readonly params: unknown[] = [];
  constructor(readonly postgres: boolean) {}
  p(value: unknown): string {
    this.params.push(value);
    return `${this.postgres ? "$" : "?"}${this.params.length}`;
  }
  list(values: readonly unknown[]): string {
    return values.map((v) => this.p(v)).join(", ");
  }
}

export function isPostgres(tx: Db | Tx): boolean {
  return (tx as unknown as { _activeProvider?: string })._activeProvider === "postgresql";
}
