import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../../db.server";
import { appendLedgerEntriesOnce } from "../ledger/append.server";
import type { LedgerEntryInput } from "../ledger/entries";
import { isExcludedByTags } from "../program/defaults";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { Sql, isPostgres } from "../sql.server";
import { inTransaction } from "../tx.server";
import { parseMapping, SOURCE_NAMES, type ImportSource } from "./layouts";
import { importLedgerKey, type ImportCounts } from "./rules";
import { ImportCrash, countRows, setPhase, yieldToEventLoop, type ImportRow, type ImportRunOptions } from "./state.server";

// Applying a checked member import: batches of rows in one transaction each, resumable,
// idempotent by ledger keys made of the file's hash and the row's line.
// docs/decisions/0019-member-import.md

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
