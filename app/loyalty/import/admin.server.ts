import { getDb, type Db } from "../../db.server";
import type { AuditActor } from "../audit/audit";
import { listShopTiers } from "../members/list.server";
import { ImportError } from "./state.server";
import { createImportFromUpload } from "./upload.server";
import {
  getImportView,
  listImports,
  listProblemRows,
  retryImport,
  saveImportSettings,
  startImport,
  type ImportSettingsInput,
} from "./import.server";

// The Import members pages' door into the room (routes use no Prisma): the shop's domain
// first, the database last. docs/decisions/0019-member-import.md

export { ImportError };

export function uploadImportFile(input: { shopDomain: string; fileName: string; data: AsyncIterable<Uint8Array>; staff: string }, db: Db = getDb()) {
  return createImportFromUpload(db, input);
}

export function listShopImports(shopDomain: string, db: Db = getDb()) {
  return listImports(db, shopDomain);
}

/** An import's page: the import, a page of its bad rows, and the program's tier names. */
export async function getImportPage(shopDomain: string, importId: string, page: number, db: Db = getDb()) {
  const [view, problems, tiers] = await Promise.all([getImportView(db, shopDomain, importId), listProblemRows(db, shopDomain, importId, page), listShopTiers(shopDomain, db)]);
  return { view, problems, tierNames: tiers.map((t) => t.name) };
}

export function saveShopImportSettings(shopDomain: string, importId: string, input: ImportSettingsInput, actor: AuditActor, db: Db = getDb()) {
  return saveImportSettings(db, shopDomain, importId, input, new Date(), actor);
}

export function startShopImport(shopDomain: string, importId: string, actor: AuditActor, db: Db = getDb()) {
  return startImport(db, shopDomain, importId, new Date(), actor);
}

export function retryShopImport(shopDomain: string, importId: string, actor: AuditActor, db: Db = getDb()) {
  return retryImport(db, shopDomain, importId, new Date(), actor);
}
