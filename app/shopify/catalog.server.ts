import { CATALOG_COLLECTIONS, CATALOG_COLLECTION_PRODUCTS, CATALOG_PRODUCT, CATALOG_PRODUCTS } from "./catalog-documents";
import { runAdminQuery, type AdminGraphql } from "./graphql";

// Reading the shop's catalogue (products, collections, membership) for app/loyalty/catalog.
// Paged queries: a catalogue of a few thousand products is a few dozen requests, paced by
// Shopify's cost limit like any query (0033).

export interface CatalogCollectionFacts {
  collectionGid: string;
  title: string;
  handle: string;
}

export interface CatalogProductFacts {
  productGid: string;
  title: string;
  productType: string;
  vendor: string;
  collections: CatalogCollectionFacts[];
}

interface RawProduct {
  id: string;
  title: string;
  productType: string;
  vendor: string;
  collections: { nodes: { id: string; title: string; handle: string }[] };
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

function toProduct(p: RawProduct): CatalogProductFacts {
  return {
    productGid: p.id,
    title: p.title,
    productType: p.productType ?? "",
    vendor: p.vendor ?? "",
    collections: p.collections.nodes.map((c) => ({ collectionGid: c.id, title: c.title, handle: c.handle })),
  };
}

/** One page of products with their collections; `nextCursor` null after the last page. */
export async function fetchCatalogProductsPage(graphql: AdminGraphql, after: string | null, first = 100): Promise<{ products: CatalogProductFacts[]; nextCursor: string | null }> {
  const data = await runAdminQuery<{ products: { nodes: RawProduct[]; pageInfo: PageInfo } }>(graphql, CATALOG_PRODUCTS, { first, after });
  const { nodes, pageInfo } = data.products;
  return { products: nodes.map(toProduct), nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null };
}

/** One page of collections. */
export async function fetchCatalogCollectionsPage(graphql: AdminGraphql, after: string | null, first = 250): Promise<{ collections: CatalogCollectionFacts[]; nextCursor: string | null }> {
  const data = await runAdminQuery<{ collections: { nodes: { id: string; title: string; handle: string }[]; pageInfo: PageInfo } }>(graphql, CATALOG_COLLECTIONS, { first, after });
  const { nodes, pageInfo } = data.collections;
  return { collections: nodes.map((c) => ({ collectionGid: c.id, title: c.title, handle: c.handle })), nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null };
}

/** One product and its collections; null when Shopify no longer has it. */
export async function fetchCatalogProduct(graphql: AdminGraphql, productGid: string): Promise<CatalogProductFacts | null> {
  const data = await runAdminQuery<{ product: RawProduct | null }>(graphql, CATALOG_PRODUCT, { id: productGid });
  return data.product ? toProduct(data.product) : null;
}

/** A collection and every product in it (all pages); null when Shopify no longer has it. */
export async function fetchCollectionProducts(graphql: AdminGraphql, collectionGid: string): Promise<{ collection: CatalogCollectionFacts; productGids: string[] } | null> {
  const productGids: string[] = [];
  let after: string | null = null;
  let collection: CatalogCollectionFacts | null = null;
  for (;;) {
    const data: { collection: { id: string; title: string; handle: string; products: { nodes: { id: string }[]; pageInfo: PageInfo } } | null } = await runAdminQuery(graphql, CATALOG_COLLECTION_PRODUCTS, {
      id: collectionGid,
      first: 250,
      after,
    });
    if (!data.collection) return null;
    collection = { collectionGid: data.collection.id, title: data.collection.title, handle: data.collection.handle };
    productGids.push(...data.collection.products.nodes.map((p) => p.id));
    const page = data.collection.products.pageInfo;
    if (!page.hasNextPage || !page.endCursor) break;
    after = page.endCursor;
  }
  return { collection, productGids };
}
