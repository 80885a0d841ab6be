import type { Db } from "../../db.server";
import { requireShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { startOfLocalDay, toTierPeriod } from "../tiers/rules";
import { readCsv } from "./csv";
import { mappingProblem, parseMapping, SOURCE_NAMES, type ColumnMapping, type ImportSource } from "./layouts";
import { nextReviewAt, type ImportCounts, type ImportMode, type TierMode } from "./rules";
import { ImportError, type ImportRow } from "./state.server";
import { fileChunks } from "./upload.server";

// Importing members: the upload (./upload.server.ts: stored in the database in chunks,
// hashed, its header row recognised), the check (./check.server.ts: the dry run, every row
// read, validated and matched against the shop's Shopify customers in staging tables, by SQL
// joins), and the import (./apply.server.ts: batches of rows applied in one transaction each,
// resumable, idempotent by ledger keys made of the file's hash and the row's line). This
// module holds an import's life around them: its settings, start, view, lease and retries,
// and what the three share. The jobs that run the check and the import are in
// app/jobs/member-import.server.ts. docs/decisions/0019-member-import.md


export interface ImportSettingsInput {
  mapping: unknown;
  source: unknown;
  mode: unknown;
  tierMode: unknown;
  tierUntil: unknown;
}

/**
 * The merchant's mapping and options; queues the check (the dry run). Allowed until the
 * import starts; a new mapping throws the previous check away.
 */
export async function saveImportSettings(db: Db, shopDomain: string, importId: string, input: ImportSettingsInput, now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
  const imp = await findShopImport(db, shopDomain, importId);
  if (!["uploaded", "checked", "failed"].includes(imp.status) || imp.startedAt) throw new ImportError("This import has started; its settings can no longer change.");
  const mapping = typeof input.mapping === "string" ? parseMapping(input.mapping) : {};
  const headers = JSON.parse(imp.headers) as string[];
  const problem = mappingProblem(mapping, headers.length);
  if (problem) throw new ImportError(problem);
  const mode: ImportMode = input.mode === "add" ? "add" : input.mode === "set" ? "set" : (() => { throw new ImportError("Choose whether to set or add to balances."); })();
  const tierMode: TierMode = input.tierMode === "rules" ? "rules" : input.tierMode === "keep" ? "keep" : (() => { throw new ImportError("Choose how tiers are placed."); })();
  let tierUntil: Date | null = null;
  if (tierMode === "keep") {
    const shop = await requireShopConfig(db, shopDomain, now.getTime());
    if (typeof input.tierUntil === "string" && input.tierUntil.trim() !== "") {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.tierUntil.trim());
      const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12)) : null;
      if (!day || day.getUTCMonth() !== Number(m![2]) - 1 || day.getUTCDate() !== Number(m![3])) throw new ImportError("Enter a date as YYYY-MM-DD.");
      // Kept through that whole day in the shop's zone, as a staff member's tier assignment is.
      tierUntil = startOfLocalDay(new Date(day.getTime() + 86_400_000), shop.ianaTimezone);
      if (tierUntil <= now) throw new ImportError("Choose a date in the future for the imported tiers.");
    } else tierUntil = nextReviewAt(toTierPeriod(shop.program.tierPeriod), now, shop.ianaTimezone);
  }
  const source = typeof input.source === "string" && (Object.keys(SOURCE_NAMES) as string[]).includes(input.source) ? input.source : imp.source;
  await inTransaction(db, async (tx) => {
    await tx.memberImportRow.deleteMany({ where: { importId } });
    await tx.memberImportCustomer.deleteMany({ where: { importId } });
    await recordAudit(tx, {
      shopId: imp.shopId,
      actor,
      action: "import.check_requested",
      subjectType: "import",
      subjectId: importId,
      subjectLabel: imp.fileName,
      before: null,
      after: { source, mode, tierMode, tierUntil: tierUntil?.toISOString() ?? null, mapping },
    });
    await tx.memberImport.update({
      where: { id: importId },
      data: {
        mapping: JSON.stringify(mapping),
        source,
        mode,
        tierMode,
        tierUntil,
        status: "checking",
        phase: "queued",
        counts: "{}",
        progressDone: 0,
        progressTotal: imp.fileBytes,
        attempts: 0,
        lastError: null,
        nextRunAt: now,
        leaseUntil: null,
      },
    });
  });
}

/** Starts a checked import (the job applies it). */
export async function startImport(db: Db, shopDomain: string, importId: string, now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
  const imp = await findShopImport(db, shopDomain, importId);
  if (imp.status !== "checked") throw new ImportError("Check the file before importing it.");
  const applicable = await db.memberImportRow.count({ where: { importId, outcome: { in: ["new", "updated"] } } });
  if (applicable === 0) throw new ImportError("Nothing in this file would change: no rows to import.");
  await inTransaction(db, async (tx) => {
    const updated = await tx.memberImport.updateMany({
      where: { id: importId, status: "checked" },
      data: { status: "importing", phase: "queued", progressDone: 0, progressTotal: applicable, attempts: 0, lastError: null, nextRunAt: now, startedAt: now, leaseUntil: null },
    });
    if (updated.count !== 1) throw new ImportError("This import has already started.");
    const counts = JSON.parse(imp.counts) as Record<string, unknown>;
    await recordAudit(tx, {
      shopId: imp.shopId,
      actor,
      action: "import.started",
      subjectType: "import",
      subjectId: importId,
      subjectLabel: imp.fileName,
      before: null,
      after: { source: imp.source, mode: imp.mode, tierMode: imp.tierMode, rowsToApply: applicable, counts },
    });
  });
}

export async function findShopImport(db: Db, shopDomain: string, importId: string) {
  const imp = await db.memberImport.findFirst({ where: { id: importId, shop: { domain: shopDomain } } });
  if (!imp) throw new ImportError("This import does not exist.");
  return imp;
}


export interface ImportView {
  id: string;
  fileName: string;
  fileBytes: number;
  source: string;
  sourceName: string;
  status: string;
  phase: string | null;
  headers: string[];
  sample: string[][];
  mapping: ColumnMapping;
  mode: string;
  tierMode: string;
  tierUntil: string | null;
  progress: { done: number; total: number };
  counts: ImportCounts | null;
  lastError: string | null;
  /** Another import of the same file (by content) that finished. */
  sameFileDoneAt: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** An import for its page, with a few rows of the file to help with the mapping. */
export async function getImportView(db: Db, shopDomain: string, importId: string): Promise<ImportView> {
  const imp = await findShopImport(db, shopDomain, importId);
  const sample: string[][] = [];
  if (imp.status === "uploaded" || imp.status === "checked" || imp.status === "checking" || imp.status === "failed") {
    let skipHeader = imp.hasHeader;
    for await (const item of readCsv(fileChunks(db, importId), imp.delimiter)) {
      if (!("cells" in item)) continue;
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      sample.push(item.cells.map((c) => c.slice(0, 60)));
      if (sample.length >= 3) break;
    }
  }
  const same = imp.fileHash
    ? await db.memberImport.findFirst({ where: { shopId: imp.shopId, fileHash: imp.fileHash, status: "done", id: { not: imp.id } }, orderBy: { finishedAt: "desc" }, select: { finishedAt: true } })
    : null;
  const counts = JSON.parse(imp.counts) as Partial<ImportCounts>;
  return {
    id: imp.id,
    fileName: imp.fileName,
    fileBytes: imp.fileBytes,
    source: imp.source,
    sourceName: SOURCE_NAMES[imp.source as ImportSource] ?? SOURCE_NAMES.other,
    status: imp.status,
    phase: imp.phase,
    headers: JSON.parse(imp.headers) as string[],
    sample,
    mapping: parseMapping(imp.mapping),
    mode: imp.mode,
    tierMode: imp.tierMode,
    tierUntil: imp.tierUntil?.toISOString() ?? null,
    progress: { done: imp.progressDone, total: imp.progressTotal },
    counts: counts.rows === undefined ? null : (counts as ImportCounts),
    lastError: imp.lastError,
    sameFileDoneAt: same?.finishedAt?.toISOString() ?? null,
    createdAt: imp.createdAt.toISOString(),
    finishedAt: imp.finishedAt?.toISOString() ?? null,
  };
}

export const BAD_ROWS_PAGE = 50;

/** The bad and unknown rows of a checked import, by line, a page at a time. */
export async function listProblemRows(db: Db, shopDomain: string, importId: string, page: number) {
  await findShopImport(db, shopDomain, importId);
  const where = { importId, outcome: { in: ["bad", "unknown"] } };
  const [total, rows] = await Promise.all([
    db.memberImportRow.count({ where }),
    db.memberImportRow.findMany({ where, orderBy: { line: "asc" }, skip: Math.max(0, page - 1) * BAD_ROWS_PAGE, take: BAD_ROWS_PAGE, select: { line: true, email: true, customerGid: true, error: true, outcome: true } }),
  ]);
  return { total, page: Math.max(1, page), pages: Math.max(1, Math.ceil(total / BAD_ROWS_PAGE)), rows };
}

/** The shop's imports, newest first. */
export async function listImports(db: Db, shopDomain: string) {
  const rows = await db.memberImport.findMany({
    where: { shop: { domain: shopDomain }, status: { not: "uploading" } },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, fileName: true, source: true, status: true, counts: true, createdAt: true, finishedAt: true },
  });
  return rows.map((r) => ({ ...r, sourceName: SOURCE_NAMES[r.source as ImportSource] ?? SOURCE_NAMES.other, counts: JSON.parse(r.counts) as Partial<ImportCounts>, createdAt: r.createdAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null }));
}

/** Claims the next import whose check or import is due (a lease; a dead worker's lease runs out). */
export async function claimDueImport(db: Db, now: Date, leaseUntil: Date): Promise<ImportRow | null> {
  const due = await db.memberImport.findMany({
    where: { status: { in: ["checking", "importing"] }, nextRunAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    orderBy: { nextRunAt: "asc" },
    take: 5,
  });
  for (const imp of due) {
    const claimed = await db.memberImport.updateMany({ where: { id: imp.id, leaseUntil: imp.leaseUntil, status: imp.status }, data: { leaseUntil, attempts: { increment: 1 } } });
    if (claimed.count === 1) return { ...imp, leaseUntil, attempts: imp.attempts + 1 };
  }
  return null;
}

/** After a failed attempt: due again later, or failed for good (its error shown on the page). */
export async function recordImportFailure(db: Db, importId: string, verdict: { status: "dead"; error: string } | { status: "retry"; error: string; nextAttemptAt: Date }): Promise<void> {
  await db.memberImport.update({
    where: { id: importId },
    data:
      verdict.status === "dead"
        ? { status: "failed", phase: null, lastError: verdict.error, nextRunAt: null, leaseUntil: null }
        : { lastError: verdict.error, nextRunAt: verdict.nextAttemptAt, leaseUntil: null },
  });
}

/** A failed import tried again: its import resumes where it stopped, or its check starts over. */
export async function retryImport(db: Db, shopDomain: string, importId: string, now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
  const imp = await findShopImport(db, shopDomain, importId);
  if (imp.status !== "failed") throw new ImportError("Only a failed import can be tried again.");
  await inTransaction(db, async (tx) => {
    await tx.memberImport.update({
      where: { id: importId },
      data: { status: imp.startedAt ? "importing" : "checking", phase: "queued", attempts: 0, lastError: null, nextRunAt: now, leaseUntil: null },
    });
    await recordAudit(tx, { shopId: imp.shopId, actor, action: "import.retried", subjectType: "import", subjectId: importId, subjectLabel: imp.fileName, before: { status: "failed", lastError: imp.lastError }, after: { status: imp.startedAt ? "importing" : "checking" } });
  });
}
