import { createHash, randomUUID } from "node:crypto";
import type { Db, Tx } from "../../db.server";
import { appendLedgerEntriesOnce } from "../ledger/append.server";
import type { LedgerEntryInput } from "../ledger/entries";
import { isExcludedByTags } from "../program/defaults";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { Sql, isPostgres } from "../sql.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { startOfLocalDay, toTierPeriod } from "../tiers/rules";
import { firstLine, readCsv } from "./csv";
import {
  checkRow,
  mappingProblem,
  parseMapping,
  recognise,
  sniffDelimiter,
  SOURCE_NAMES,
  type CheckedRow,
  type ColumnMapping,
  type ImportSource,
} from "./layouts";
import { importLedgerKey, nextReviewAt, type ImportCounts, type ImportMode, type TierMode } from "./rules";

// Importing members: the upload (stored in the database in chunks, hashed, its header row
// recognised), the check (the dry run: every row read, validated and matched against the
// shop's Shopify customers in staging tables, by SQL joins), and the import (batches of rows
// applied in one transaction each, resumable, idempotent by ledger keys made of the file's
// hash and the row's line). The jobs that run the check and the import are in
// app/jobs/member-import.server.ts. docs/decisions/0019-member-import.md

/** The largest file the upload accepts (scripts/body-limits.mjs `import` holds the request to this). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** And the most data rows. */
export const MAX_IMPORT_ROWS = 1_000_000;
const CHUNK_BYTES = 1024 * 1024;
const INSERT_ROWS = 500;

/**
 * Lets the event loop turn between batches. SQLite's driver answers without waiting on I/O,
 * so a long check or import would otherwise run on microtasks alone and starve the HTTP
 * requests the same process serves (the in-process job runner).
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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

export type ImportStatus = "uploading" | "uploaded" | "checking" | "checked" | "importing" | "done" | "failed";

/**
 * Stores an uploaded file (streamed: at most a chunk held) and recognises its layout. The
 * import is `uploaded`, with its suggested mapping, for the merchant to confirm.
 */
export async function createImportFromUpload(
  db: Db,
  input: { shopDomain: string; fileName: string; data: AsyncIterable<Uint8Array>; staff: string; maxBytes?: number },
): Promise<string> {
  const shop = await db.shop.findUnique({ where: { domain: input.shopDomain }, select: { id: true } });
  if (!shop) throw new ImportError("Unknown shop");
  const maxBytes = input.maxBytes ?? MAX_IMPORT_BYTES;
  const created = await db.memberImport.create({
    data: { shopId: shop.id, fileName: input.fileName.slice(0, 200) || "members.csv", fileHash: "", fileBytes: 0, delimiter: ",", headers: "[]", source: "other", mapping: "{}", status: "uploading", staff: input.staff },
  });
  const hash = createHash("sha256");
  let total = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let head: Buffer | null = null;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const bytes = Buffer.concat(pending);
    if (!head) head = bytes.subarray(0, 64 * 1024);
    await db.memberImportChunk.create({ data: { importId: created.id, seq: seq++, bytes } });
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const part of input.data) {
      total += part.byteLength;
      if (total > maxBytes) throw new ImportError(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Split it into smaller files.`);
      hash.update(part);
      pending.push(Buffer.from(part));
      pendingBytes += part.byteLength;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    if (total === 0 || !head) throw new ImportError("The file is empty.");
    const delimiter = sniffDelimiter(firstLine(head));
    let first: string[] | null = null;
    for await (const item of readCsv(fileChunks(db, created.id), delimiter)) {
      if ("cells" in item) {
        first = item.cells;
        break;
      }
    }
    if (!first) throw new ImportError("The file has no rows.");
    const recognised = recognise(first);
    await db.memberImport.update({
      where: { id: created.id },
      data: {
        fileHash: hash.digest("hex"),
        fileBytes: total,
        delimiter,
        hasHeader: recognised.hasHeader,
        headers: JSON.stringify(recognised.headers.map((h) => h.slice(0, 100))),
        source: recognised.source,
        mapping: JSON.stringify(recognised.mapping),
        status: "uploaded",
      },
    });
    return created.id;
  } catch (error) {
    await db.memberImport.delete({ where: { id: created.id } }).catch(() => undefined);
    throw error;
  }
}

/** The stored file, chunk by chunk. */
export async function* fileChunks(db: Db, importId: string): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const chunk = await db.memberImportChunk.findUnique({ where: { importId_seq: { importId, seq } }, select: { bytes: true } });
    if (!chunk) return;
    yield chunk.bytes;
  }
}

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

type ImportRow = NonNullable<Awaited<ReturnType<Db["memberImport"]["findUnique"]>>>;

async function setPhase(db: Db, id: string, data: { phase?: string; progressDone?: number; progressTotal?: number }) {
  await db.memberImport.update({ where: { id }, data });
}

/**
 * The dry run: reads every row of the file, checks it under the mapping, loads the shop's
 * customers (the bulk lookup's stream, and the members Kanta already has), matches rows to
 * customers, and counts what the import would do. Changes no member and no balance; safe to
 * re-run from the start (it does, after a crash).
 */
export async function runImportCheck(db: Db, importId: string, customers: AsyncIterable<ShopCustomer>, options: ImportRunOptions = {}): Promise<ImportCounts> {
  const imp = await db.memberImport.findUniqueOrThrow({ where: { id: importId } });
  const postgres = isPostgres(db);
  await db.memberImportRow.deleteMany({ where: { importId } });
  await db.memberImportCustomer.deleteMany({ where: { importId } });
  await setPhase(db, importId, { phase: "reading", progressDone: 0, progressTotal: imp.fileBytes });

  // 1. The rows, checked one by one, stored in batches.
  const mapping = parseMapping(imp.mapping);
  const decimalComma = imp.delimiter === ";";
  let batch: CheckedRow[] = [];
  let rows = 0;
  let bytesRead = 0;
  let lastReport = 0;
  const counted = async function* () {
    for await (const chunk of fileChunks(db, importId)) {
      bytesRead += chunk.byteLength;
      yield chunk;
    }
  };
  const flush = async () => {
    if (batch.length === 0) return;
    await db.memberImportRow.createMany({ data: batch.map((r) => ({ importId, ...r, outcome: r.error ? "bad" : null })) });
    batch = [];
    await yieldToEventLoop();
    if (bytesRead - lastReport >= 4 * CHUNK_BYTES) {
      lastReport = bytesRead;
      await setPhase(db, importId, { progressDone: bytesRead });
      await options.onProgress?.();
    }
  };
  let first = true;
  for await (const item of readCsv(counted(), imp.delimiter)) {
    if (first && imp.hasHeader) {
      first = false;
      continue;
    }
    first = false;
    if (++rows > MAX_IMPORT_ROWS) throw new ImportError(`The file has more than ${MAX_IMPORT_ROWS.toLocaleString("en-US")} rows. Split it into smaller files.`);
    batch.push("error" in item ? { line: item.line, email: null, customerGid: null, points: null, tier: null, name: null, error: item.error } : checkRow(item.cells, item.line, mapping, decimalComma));
    if (batch.length >= INSERT_ROWS) await flush();
  }
  await flush();
  await setPhase(db, importId, { phase: "matching", progressDone: imp.fileBytes });

  // 2. The shop's customers: what Shopify's bulk lookup streams, and the members Kanta has.
  let customerBatch: ShopCustomer[] = [];
  const flushCustomers = async () => {
    if (customerBatch.length === 0) return;
    const unique = new Map(customerBatch.map((c) => [c.customerGid, c]));
    const sql = new Sql(postgres);
    const values = [...unique.values()].map(
      (c) => `(${sql.list([importId, c.customerGid, c.email?.trim().toLowerCase() || null, c.firstName ?? null, c.lastName ?? null, Array.isArray(c.tags) ? c.tags.join(", ") : ((c.tags as string | null | undefined) ?? ""), c.locale ?? null])})`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "MemberImportCustomer" ("importId", "customerGid", "email", "firstName", "lastName", "tags", "locale") VALUES ${values.join(", ")} ON CONFLICT ("importId", "customerGid") DO NOTHING`,
      ...sql.params,
    );
    customerBatch = [];
    await yieldToEventLoop();
  };
  for await (const customer of customers) {
    customerBatch.push(customer);
    if (customerBatch.length >= INSERT_ROWS) {
      await flushCustomers();
      await options.onProgress?.();
    }
  }
  await flushCustomers();
  {
    const sql = new Sql(postgres);
    await db.$executeRawUnsafe(
      `INSERT INTO "MemberImportCustomer" ("importId", "customerGid", "email", "firstName", "lastName", "tags", "locale")
       SELECT ${sql.p(importId)}, m."customerGid", LOWER(TRIM(m."email")), m."firstName", m."lastName", m."tags", m."locale" FROM "Member" m
       WHERE m."shopId" = ${sql.p(imp.shopId)} AND m."status" <> 'redacted'
       ON CONFLICT ("importId", "customerGid") DO NOTHING`,
      ...sql.params,
    );
  }

  // 3. Matching, by join: a row's customer id if it has one, else its email.
  const exec = async (build: (sql: Sql) => string) => {
    const sql = new Sql(postgres);
    const text = build(sql);
    return db.$executeRawUnsafe(text, ...sql.params);
  };
  // A customer id Shopify does not know: the row's email is tried instead (a file from another store), if it has one.
  const unknownId = `"error" IS NULL AND "customerGid" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "MemberImportCustomer" c WHERE c."importId" = "MemberImportRow"."importId" AND c."customerGid" = "MemberImportRow"."customerGid")`;
  await exec(
    (sql) => `UPDATE "MemberImportRow" SET "customerGid" = NULL, "outcome" = 'unknown', "error" = 'No customer with this ID in Shopify'
      WHERE "importId" = ${sql.p(importId)} AND "email" IS NULL AND ${unknownId}`,
  );
  await exec((sql) => `UPDATE "MemberImportRow" SET "customerGid" = NULL WHERE "importId" = ${sql.p(importId)} AND ${unknownId}`);
  await exec(
    (sql) => `UPDATE "MemberImportRow" SET "customerGid" = (SELECT c."customerGid" FROM "MemberImportCustomer" c WHERE c."importId" = "MemberImportRow"."importId" AND c."email" = "MemberImportRow"."email" LIMIT 1)
      WHERE "importId" = ${sql.p(importId)} AND "error" IS NULL AND "customerGid" IS NULL`,
  );
  await exec(
    (sql) => `UPDATE "MemberImportRow" SET "outcome" = 'unknown', "error" = 'No customer with this email in Shopify'
      WHERE "importId" = ${sql.p(importId)} AND "error" IS NULL AND "customerGid" IS NULL`,
  );
  // The same customer twice: the first row counts, later ones are bad rows.
  await exec(
    (sql) => `UPDATE "MemberImportRow" SET "outcome" = 'bad', "error" = 'The same customer is on an earlier line (' || CAST((SELECT MIN(d."line") FROM "MemberImportRow" d WHERE d."importId" = "MemberImportRow"."importId" AND d."customerGid" = "MemberImportRow"."customerGid" AND d."error" IS NULL) AS TEXT) || ')'
      WHERE "importId" = ${sql.p(importId)} AND "error" IS NULL
      AND EXISTS (SELECT 1 FROM "MemberImportRow" d WHERE d."importId" = "MemberImportRow"."importId" AND d."customerGid" = "MemberImportRow"."customerGid" AND d."line" < "MemberImportRow"."line" AND d."error" IS NULL)`,
  );
  // The same email twice among customers not found: reported once as unknown, then as duplicates is noise; leave them unknown.

  // 4. Tiers kept from the file must be the program's.
  const shop = await db.shop.findUniqueOrThrow({ where: { id: imp.shopId }, select: { domain: true } });
  const config = await requireShopConfig(db, shop.domain);
  if (imp.tierMode === "keep" && mapping.tier !== undefined) {
    const names = config.tiers.map((t) => t.name.trim().toLowerCase());
    const known = names.length > 0 ? names : ["\u0000"];
    await exec(
      (sql) => `UPDATE "MemberImportRow" SET "outcome" = 'bad', "error" = 'Unknown tier "' || "tier" || '" (the program''s tiers: ' || ${sql.p(config.tiers.map((t) => t.name).join(", ") || "none")} || ')'
        WHERE "importId" = ${sql.p(importId)} AND "error" IS NULL AND "tier" IS NOT NULL AND LOWER(TRIM("tier")) NOT IN (${sql.list(known)})`,
    );
  }

  // 5. What each good row would do, against the members as they are now.
  const tierCase = tierIdCase(config, imp.tierMode === "keep" && mapping.tier !== undefined);
  await exec((sql) => {
    const mode = sql.p(imp.mode);
    const tierExpr = tierCase(sql);
    // This file's row already paid (the same file imported before): its points change nothing.
    const paid = `EXISTS (SELECT 1 FROM "LedgerEntry" le WHERE le."shopId" = ${sql.p(imp.shopId)} AND le."idempotencyKey" = ${sql.p(importLedgerKey(imp.fileHash, 0).replace(/0$/, ""))} || CAST("MemberImportRow"."line" AS TEXT))`;
    return `UPDATE "MemberImportRow" SET "outcome" = CASE
        WHEN m."id" IS NULL THEN 'new'
        WHEN NOT ${paid} AND ${mode} = 'add' AND COALESCE("MemberImportRow"."points", 0) <> 0 THEN 'updated'
        WHEN NOT ${paid} AND ${mode} = 'set' AND "MemberImportRow"."points" IS NOT NULL AND "MemberImportRow"."points" <> m."points" THEN 'updated'
        WHEN ${tierExpr} IS NOT NULL AND (m."tierId" IS NULL OR m."tierId" <> ${tierExpr}) THEN 'updated'
        ELSE 'unchanged' END
      FROM (SELECT r2."line" AS "line", mm."id" AS "id", mm."points" AS "points", mm."tierId" AS "tierId" FROM "MemberImportRow" r2
            LEFT JOIN "Member" mm ON mm."shopId" = ${sql.p(imp.shopId)} AND mm."customerGid" = r2."customerGid"
            WHERE r2."importId" = ${sql.p(importId)} AND r2."error" IS NULL) m
      WHERE "MemberImportRow"."importId" = ${sql.p(importId)} AND "MemberImportRow"."line" = m."line"`;
  });
  const counts = await countRows(db, importId);
  await db.memberImport.update({
    where: { id: importId },
    data: { status: "checked", phase: null, counts: JSON.stringify(counts), checkedAt: options.now ?? new Date(), progressDone: imp.fileBytes, nextRunAt: null, leaseUntil: null },
  });
  return counts;
}

/** SQL for the tier id a row's tier name stands for (kept tiers only; NULL otherwise). */
function tierIdCase(config: ShopConfig, keep: boolean): (sql: Sql) => string {
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

/**
 * The import: the rows the check found new or changed, in line order, a batch per
 * transaction. Each batch enrols the new members (no sign-up bonus: their balance is the
 * file's), appends one `import` ledger row per member keyed by the file's hash and the
 * line (a second run, or the same file uploaded again, appends nothing), places the tiers
 * the file names, and marks its rows done with the progress, in the same transaction.
 */
export async function runImportApply(db: Db, importId: string, options: ImportRunOptions = {}): Promise<ImportCounts> {
  const imp = await db.memberImport.findUniqueOrThrow({ where: { id: importId } });
  // Within the parameter limits of both databases' `IN (…)` lists.
  const batchSize = Math.min(options.batchSize ?? 400, 400);
  const shopDomain = (await db.shop.findUniqueOrThrow({ where: { id: imp.shopId }, select: { domain: true } })).domain;
  const mapping = parseMapping(imp.mapping);
  const keepTiers = imp.tierMode === "keep" && mapping.tier !== undefined;
  await setPhase(db, importId, { phase: "importing" });
  let batches = 0;
  for (;;) {
    const now = options.now ?? new Date();
    const done = await inTransaction(db, async (tx) => {
      const rows = await tx.memberImportRow.findMany({
        where: { importId, done: false, outcome: { in: ["new", "updated"] } },
        orderBy: { line: "asc" },
        take: batchSize,
      });
      if (rows.length === 0) return 0;
      const config = await requireShopConfig(tx, shopDomain, now.getTime());
      await applyBatch(tx, config, imp, rows, keepTiers, now);
      await tx.memberImportRow.updateMany({ where: { importId, line: { in: rows.map((r) => r.line) } }, data: { done: true } });
      await tx.memberImport.update({ where: { id: importId }, data: { progressDone: { increment: rows.length } } });
      return rows.length;
    });
    if (done === 0) break;
    batches++;
    await yieldToEventLoop();
    await options.onProgress?.();
    if (options.failAfterBatches !== undefined && batches >= options.failAfterBatches) throw new ImportCrash(`crash after ${batches} batches`);
  }
  const counts = await countRows(db, importId);
  await db.$transaction([
    db.memberImportChunk.deleteMany({ where: { importId } }),
    db.memberImportCustomer.deleteMany({ where: { importId } }),
    db.memberImport.update({ where: { id: importId }, data: { status: "done", phase: null, finishedAt: options.now ?? new Date(), nextRunAt: null, leaseUntil: null } }),
  ]);
  return counts;
}

type RowRecord = Awaited<ReturnType<Tx["memberImportRow"]["findMany"]>>[number];

async function applyBatch(tx: Tx, shop: ShopConfig, imp: ImportRow, rows: readonly RowRecord[], keepTiers: boolean, now: Date): Promise<void> {
  const postgres = isPostgres(tx);
  const gids = rows.map((r) => r.customerGid!).filter(Boolean);
  // New members, from the customers the lookup found (no sign-up bonus).
  const customers = await tx.memberImportCustomer.findMany({ where: { importId: imp.id, customerGid: { in: gids } } });
  const existing = new Set((await tx.member.findMany({ where: { shopId: shop.id, customerGid: { in: gids } }, select: { customerGid: true } })).map((m) => m.customerGid));
  const fresh = customers.filter((c) => !existing.has(c.customerGid));
  if (fresh.length > 0) {
    const sql = new Sql(postgres);
    const values = fresh.map(
      (c) =>
        `(${sql.list([randomUUID(), shop.id, c.customerGid, c.email, c.firstName, c.lastName, c.tags, c.locale, isExcludedByTags(c.tags, shop.program.excludedTags) ? "excluded" : "active", shop.entryTierId, now, now, now, now])})`,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO "Member" ("id", "shopId", "customerGid", "email", "firstName", "lastName", "tags", "locale", "status", "tierId", "enrolledAt", "lastActivityAt", "createdAt", "updatedAt")
       VALUES ${values.join(", ")} ON CONFLICT ("shopId", "customerGid") DO NOTHING`,
      ...sql.params,
    );
  }
  const members = new Map(
    (await tx.member.findMany({ where: { shopId: shop.id, customerGid: { in: gids } }, select: { id: true, customerGid: true, points: true, tierId: true, status: true } })).map((m) => [m.customerGid, m]),
  );
  // Points: the difference to the file's balance (set) or the file's points (add).
  const source = SOURCE_NAMES[imp.source as ImportSource] ?? SOURCE_NAMES.other;
  const entries: LedgerEntryInput[] = [];
  for (const row of rows) {
    const member = members.get(row.customerGid!);
    if (!member || member.status === "redacted" || row.points === null) continue;
    const delta = imp.mode === "add" ? row.points : row.points - member.points;
    if (delta === 0) continue;
    entries.push({
      shopId: shop.id,
      memberId: member.id,
      delta,
      kind: "import",
      idempotencyKey: importLedgerKey(imp.fileHash, row.line),
      sourceGid: member.customerGid,
      actor: imp.staff,
      note: `Imported from ${source} (${imp.fileName}, line ${row.line}${imp.mode === "set" ? `, balance set to ${row.points}` : ""})`,
    });
  }
  await appendLedgerEntriesOnce(tx, entries, now);
  // Tiers the file names, where they differ from the member's: moved there and kept until
  // tierUntil as a merchant's assignment (no entry points: a bulk move, as other apps do).
  // A member already in the file's tier is left to the engine.
  if (!keepTiers) return;
  const byName = new Map(shop.tiers.map((t) => [t.name.trim().toLowerCase(), t]));
  const byId = new Map(shop.tiers.map((t) => [t.id, t]));
  const changes: { member: { id: string; customerGid: string; tierId: string | null }; to: ShopConfig["tiers"][number] }[] = [];
  for (const row of rows) {
    const member = members.get(row.customerGid!);
    const to = row.tier ? byName.get(row.tier.trim().toLowerCase()) : undefined;
    if (!member || !to || member.status === "redacted") continue;
    if (member.tierId !== to.id) changes.push({ member, to });
  }
  const groups = new Map<string, string[]>();
  for (const c of changes) groups.set(c.to.id, [...(groups.get(c.to.id) ?? []), c.member.id]);
  for (const [tierId, ids] of groups) await tx.member.updateMany({ where: { id: { in: ids } }, data: { tierId, tierChangedAt: now, tierManual: true, tierManualUntil: imp.tierUntil } });
  if (changes.length > 0) {
    await tx.tierChange.createMany({
      data: changes.map((c) => ({
        shopId: shop.id,
        memberId: c.member.id,
        customerGid: c.member.customerGid,
        fromTier: c.member.tierId ? (byId.get(c.member.tierId)?.name ?? null) : null,
        toTier: c.to.name,
        reason: "manual",
        actor: imp.staff,
        note: `Imported from ${source} (${imp.fileName})`,
        createdAt: now,
        nextSyncAt: now,
      })),
    });
  }
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
