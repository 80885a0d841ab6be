import type { Db } from "../../db.server";
import { requireShopConfig } from "../program/shop-config.server";
import { Sql, isPostgres } from "../sql.server";
import { readCsv } from "./csv";
import { checkRow, parseMapping, type CheckedRow } from "./layouts";
import { importLedgerKey, type ImportCounts } from "./rules";
import { ImportError, countRows, setPhase, tierIdCase, yieldToEventLoop, type ImportRunOptions, type ShopCustomer } from "./state.server";
import { CHUNK_BYTES, MAX_IMPORT_ROWS, fileChunks } from "./upload.server";

// The check of a member import (the dry run): every row read and validated under the
// mapping, matched against the shop's customers in staging tables by SQL joins, counted.
// Changes no member and no balance. docs/decisions/0019-member-import.md

const INSERT_ROWS = 500;

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
