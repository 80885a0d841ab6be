import type { Db, Tx } from "../../db.server";

// The shop's catalogue as Kanta keeps it: products (type, vendor, title), collections and
// which product is in which collection. Shopify owns the catalogue; the sync
// (app/jobs/catalog-sync.server.ts) and the products/* and collections/* webhooks keep
// this copy, and the earning rules and member selection read it (0033).

export interface CatalogCollectionInput {
  collectionGid: string;
  title: string;
  handle: string;
}

export interface CatalogProductInput {
  productGid: string;
  title: string;
  productType: string;
  vendor: string;
  /** The product's collections; undefined leaves its memberships as they are (products/update). */
  collections?: CatalogCollectionInput[];
}

export interface CatalogProduct {
  productGid: string;
  title: string;
  productType: string;
  vendor: string;
}

export interface CatalogCollection {
  collectionGid: string;
  title: string;
  handle: string;
}

/** Saves collections (title, handle) as Shopify has them now. */
export async function upsertCatalogCollections(tx: Tx | Db, shopId: string, collections: readonly CatalogCollectionInput[], now: Date): Promise<void> {
  for (const c of collections) {
    await tx.catalogCollection.upsert({
      where: { shopId_collectionGid: { shopId, collectionGid: c.collectionGid } },
      create: { shopId, collectionGid: c.collectionGid, title: c.title, handle: c.handle, syncedAt: now },
      update: { title: c.title, handle: c.handle, syncedAt: now },
    });
  }
}

/**
 * Saves products as Shopify has them now; a product given with its collections has its
 * memberships replaced by them (and the collections saved).
 */
export async function upsertCatalogProducts(tx: Tx | Db, shopId: string, products: readonly CatalogProductInput[], now: Date): Promise<void> {
  for (const p of products) {
    await tx.catalogProduct.upsert({
      where: { shopId_productGid: { shopId, productGid: p.productGid } },
      create: { shopId, productGid: p.productGid, title: p.title, productType: p.productType, vendor: p.vendor, syncedAt: now },
      update: { title: p.title, productType: p.productType, vendor: p.vendor, syncedAt: now },
    });
    if (!p.collections) continue;
    await upsertCatalogCollections(tx, shopId, p.collections, now);
    const wanted = new Set(p.collections.map((c) => c.collectionGid));
    await tx.catalogMembership.deleteMany({ where: { shopId, productGid: p.productGid, collectionGid: { notIn: [...wanted] } } });
    const have = await tx.catalogMembership.findMany({ where: { shopId, productGid: p.productGid }, select: { collectionGid: true } });
    const missing = [...wanted].filter((gid) => !have.some((h) => h.collectionGid === gid));
    if (missing.length) await tx.catalogMembership.createMany({ data: missing.map((collectionGid) => ({ shopId, productGid: p.productGid, collectionGid })) });
  }
}

/** A product Shopify deleted: it and its memberships go (order lines keep its id). */
export async function removeCatalogProduct(tx: Tx | Db, shopId: string, productGid: string): Promise<void> {
  await tx.catalogMembership.deleteMany({ where: { shopId, productGid } });
  await tx.catalogProduct.deleteMany({ where: { shopId, productGid } });
}

/** A collection Shopify deleted: it and its memberships go (rules naming it then match nothing). */
export async function removeCatalogCollection(tx: Tx | Db, shopId: string, collectionGid: string): Promise<void> {
  await tx.catalogMembership.deleteMany({ where: { shopId, collectionGid } });
  await tx.catalogCollection.deleteMany({ where: { shopId, collectionGid } });
}

/** A collection's products as Shopify lists them now (collections/update, the full sync). */
export async function setCollectionMembers(tx: Tx | Db, shopId: string, collection: CatalogCollectionInput, productGids: readonly string[], now: Date): Promise<void> {
  await upsertCatalogCollections(tx, shopId, [collection], now);
  const wanted = new Set(productGids);
  await tx.catalogMembership.deleteMany({ where: { shopId, collectionGid: collection.collectionGid, productGid: { notIn: [...wanted] } } });
  const have = new Set((await tx.catalogMembership.findMany({ where: { shopId, collectionGid: collection.collectionGid }, select: { productGid: true } })).map((m) => m.productGid));
  const missing = [...wanted].filter((gid) => !have.has(gid));
  if (missing.length) await tx.catalogMembership.createMany({ data: missing.map((productGid) => ({ shopId, productGid, collectionGid: collection.collectionGid })) });
}

/** Removes what a full sync did not see (products and collections deleted while no webhook came). */
export async function pruneCatalog(tx: Tx | Db, shopId: string, syncStartedAt: Date): Promise<void> {
  const goneProducts = await tx.catalogProduct.findMany({ where: { shopId, syncedAt: { lt: syncStartedAt } }, select: { productGid: true } });
  for (const p of goneProducts) await removeCatalogProduct(tx, shopId, p.productGid);
  const goneCollections = await tx.catalogCollection.findMany({ where: { shopId, syncedAt: { lt: syncStartedAt } }, select: { collectionGid: true } });
  for (const c of goneCollections) await removeCatalogCollection(tx, shopId, c.collectionGid);
}

/** Each product's collections (products the catalogue does not know map to []). */
export async function collectionsOfProducts(db: Tx | Db, shopId: string, productGids: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(productGids.map((gid) => [gid, []]));
  if (productGids.length === 0) return result;
  const rows = await db.catalogMembership.findMany({ where: { shopId, productGid: { in: [...new Set(productGids)] } }, select: { productGid: true, collectionGid: true }, orderBy: { collectionGid: "asc" } });
  for (const r of rows) result.get(r.productGid)?.push(r.collectionGid);
  return result;
}

/** The products in any of these collections. */
export async function productsInCollection(db: Tx | Db, shopId: string, collectionGids: string | readonly string[]): Promise<string[]> {
  const gids = typeof collectionGids === "string" ? [collectionGids] : [...collectionGids];
  if (gids.length === 0) return [];
  const rows = await db.catalogMembership.findMany({ where: { shopId, collectionGid: { in: gids } }, select: { productGid: true }, distinct: ["productGid"], orderBy: { productGid: "asc" } });
  return rows.map((r) => r.productGid);
}

/** Products by title (the rule editor's picker in local mode, member selection): `query` matches title, type or vendor. */
export async function listCatalogProducts(db: Tx | Db, shopId: string, options: { query?: string; take?: number } = {}): Promise<CatalogProduct[]> {
  const rows = await db.catalogProduct.findMany({ where: { shopId }, orderBy: { title: "asc" }, select: { productGid: true, title: true, productType: true, vendor: true } });
  const q = options.query?.trim().toLowerCase();
  const matched = q ? rows.filter((r) => [r.title, r.productType, r.vendor].some((v) => v.toLowerCase().includes(q))) : rows;
  return matched.slice(0, options.take ?? 250);
}

export async function listCatalogCollections(db: Tx | Db, shopId: string): Promise<CatalogCollection[]> {
  return db.catalogCollection.findMany({ where: { shopId }, orderBy: { title: "asc" }, select: { collectionGid: true, title: true, handle: true } });
}

export async function getCatalogProducts(db: Tx | Db, shopId: string, productGids: readonly string[]): Promise<CatalogProduct[]> {
  if (productGids.length === 0) return [];
  return db.catalogProduct.findMany({ where: { shopId, productGid: { in: [...new Set(productGids)] } }, select: { productGid: true, title: true, productType: true, vendor: true } });
}

// -- The full sync's state (one CatalogSync row per shop) ----------------------------------

/** Asks for a full sync (install, Settings, a rule saved on a catalogue never synced). */
export async function requestCatalogSync(db: Tx | Db, shopId: string, now: Date): Promise<void> {
  await db.catalogSync.upsert({
    where: { shopId },
    create: { shopId, status: "requested", requestedAt: now },
    update: { status: "requested", requestedAt: now, attempts: 0, lastError: null },
  });
}

export async function catalogSyncState(db: Tx | Db, shopId: string) {
  return db.catalogSync.findUnique({ where: { shopId } });
}
