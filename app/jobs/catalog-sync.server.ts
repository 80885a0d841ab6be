import type { Db } from "../db.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { fetchCatalogCollectionsPage, fetchCatalogProduct, fetchCatalogProductsPage, fetchCollectionProducts } from "../shopify/catalog.server";
import type { AdminGraphql } from "../shopify/graphql";
import { pruneCatalog, removeCatalogCollection, removeCatalogProduct, setCollectionMembers, upsertCatalogCollections, upsertCatalogProducts } from "../loyalty/catalog/catalog.server";
import { inTransaction } from "../loyalty/tx.server";
import { afterShopifyFailure, errorText } from "./backoff";

// The catalogue's sync (app/loyalty/catalog, 0033): a full sync of every product with its
// collections, then every collection, when asked for (install, Settings, the seeds) and
// once a day after the last one; and the webhooks' single-product and single-collection
// refreshes (products/update and collections/update carry no membership).

type GraphqlFor = (shopDomain: string) => Promise<AdminGraphql>;

/** A full catalogue is re-read this long after the last full sync (webhooks keep it current meanwhile). */
export const CATALOG_RESYNC_MS = 24 * 60 * 60_000;

/** Reads the whole catalogue of one shop into Kanta's copy, removing what Shopify no longer has. */
export async function syncCatalog(db: Db, shop: { id: string; domain: string }, graphql: AdminGraphql, now: Date): Promise<{ products: number; collections: number }> {
  // syncedAt of every row seen is set to `startedAt`; rows older than it were not seen.
  const startedAt = new Date(Math.max(now.getTime(), Date.now()));
  let products = 0;
  let collections = 0;
  for (let after: string | null = null; ; ) {
    const page = await fetchCatalogProductsPage(graphql, after);
    await inTransaction(db, async (tx) => upsertCatalogProducts(tx, shop.id, page.products, startedAt));
    products += page.products.length;
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  for (let after: string | null = null; ; ) {
    const page = await fetchCatalogCollectionsPage(graphql, after);
    await upsertCatalogCollections(db, shop.id, page.collections, startedAt);
    collections += page.collections.length;
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  await inTransaction(db, async (tx) => pruneCatalog(tx, shop.id, startedAt));
  return { products, collections };
}

/** Shops whose sync was asked for, is due again after a failure, or is a day old; each synced in turn. */
export async function runDueCatalogSyncs(db: Db, now: Date, options: { graphqlFor?: GraphqlFor } = {}): Promise<number> {
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const due = await db.catalogSync.findMany({
    where: {
      shop: { uninstalledAt: null },
      OR: [
        { status: "requested" },
        { status: "failed", nextAttemptAt: { lte: now } },
        { status: "done", finishedAt: { lte: new Date(now.getTime() - CATALOG_RESYNC_MS) } },
      ],
    },
    include: { shop: { select: { id: true, domain: true } } },
    take: 10,
  });
  let synced = 0;
  for (const row of due) {
    const claimed = await db.catalogSync.updateMany({ where: { id: row.id, status: row.status, requestedAt: row.requestedAt }, data: { status: "running", startedAt: now, attempts: { increment: 1 } } });
    if (claimed.count !== 1) continue;
    try {
      const counts = await syncCatalog(db, row.shop, await graphqlFor(row.shop.domain), now);
      await db.catalogSync.update({ where: { id: row.id }, data: { status: "done", finishedAt: new Date(), ...counts, attempts: 0, lastError: null, nextAttemptAt: null } });
      synced++;
    } catch (error) {
      const verdict = afterShopifyFailure({ attempts: row.attempts + 1, now, error });
      log.warn("catalog sync failed", { shop: row.shop.domain, error: errorText(error) });
      await db.catalogSync.update({
        where: { id: row.id },
        data: { status: "failed", lastError: verdict.error, nextAttemptAt: verdict.status === "retry" ? verdict.nextAttemptAt : new Date(now.getTime() + CATALOG_RESYNC_MS) },
      });
    }
  }
  return synced;
}

/** products/update: the product's collections as Shopify has them now (its fields came with the webhook). */
export async function refreshCatalogProduct(db: Db, shop: { id: string; domain: string }, productGid: string, now: Date, graphqlFor: GraphqlFor = getAdminGraphqlForShop): Promise<void> {
  const product = await fetchCatalogProduct(await graphqlFor(shop.domain), productGid);
  if (!product) return removeCatalogProduct(db, shop.id, productGid);
  await inTransaction(db, async (tx) => upsertCatalogProducts(tx, shop.id, [product], now));
}

/** collections/update: the collection's products as Shopify lists them now. */
export async function refreshCatalogCollection(db: Db, shop: { id: string; domain: string }, collectionGid: string, now: Date, graphqlFor: GraphqlFor = getAdminGraphqlForShop): Promise<void> {
  const found = await fetchCollectionProducts(await graphqlFor(shop.domain), collectionGid);
  if (!found) return removeCatalogCollection(db, shop.id, collectionGid);
  await inTransaction(db, async (tx) => setCollectionMembers(tx, shop.id, found.collection, found.productGids, now));
}
