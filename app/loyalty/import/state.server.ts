import type { Db, Tx } from "../../db.server";
import { type ShopConfig } from "../program/shop-config.server";
import { Sql } from "../sql.server";
import { type ImportCounts } from "./rules";

// What the upload, the check and the apply of a member import share: its errors, the
// progress it records, yielding between batches, and the SQL and counts over its rows.
// docs/decisions/0019-member-import.md

/** Between batches (db.server.ts yieldToEventLoop: SQLite's driver would starve the process's HTTP requests). */
export { yieldToEventLoop } from "../../db.server";

export class ImportError extends Error {
  override name = "ImportError";
}

/** A Shopify customer as the bulk lookup streams it (app/shopify/bulk.server.ts). */
export interface ShopCustomer {
  customerGid: string;
  email: string | null;
  firstName?: string | null;
  lastName?: string | null;
  tags?: string | readonly string[] | null;
  locale?: string | null;
}

export interface ImportRunOptions {
  now?: Date;
  batchSize?: number;
  /** Tests: throw after this many committed batches (a crash mid-run). */
  failAfterBatches?: number;
  /** Called after each committed batch (the job renews its lease). */
  onProgress?: () => Promise<void>;
}

export class ImportCrash extends Error {
  override name = "ImportCrash";
}

export type ImportRow = NonNullable<Awaited<ReturnType<Db["memberImport"]["findUnique"]>>>;

export async function setPhase(db: Db, id: string, data: { phase?: string; progressDone?: number; progressTotal?: number }) {
  await db.memberImport.update({ where: { id }, data });
}

/** SQL for the tier id a row's tier name stands for (kept tiers only; NULL otherwise). */
export function tierIdCase(config: ShopConfig, keep: boolean): (sql: Sql) => string {
  return (sql) => {
    if (!keep || config.tiers.length === 0) return "CAST(NULL AS TEXT)";
    const whens = config.tiers.map((t) => `WHEN ${sql.p(t.name.trim().toLowerCase())} THEN ${sql.p(t.id)}`).join(" ");
    return `(CASE LOWER(TRIM("MemberImportRow"."tier")) ${whens} ELSE NULL END)`;
  };
}

export async function countRows(db: Db | Tx, importId: string): Promise<ImportCounts> {
  const groups = await db.memberImportRow.groupBy({ by: ["outcome"], where: { importId }, _count: { _all: true } });
  const n = (outcome: string) => groups.find((g) => g.outcome === outcome)?._count._all ?? 0;
  return { rows: groups.reduce((s, g) => s + g._count._all, 0), newMembers: n("new"), updated: n("updated"), unchanged: n("unchanged"), unknown: n("unknown"), bad: n("bad") };
}
