import { z } from "zod";
import { id, parse } from "./payloads";

// products/update, products/delete, collections/update and collections/delete, as the
// catalogue (app/loyalty/catalog) reads them. Neither carries membership: the handler asks
// Shopify for it after the commit (0033).


const product = z.object({
  id,
  admin_graphql_api_id: z.string().nullish(),
  title: z.string().nullish(),
  product_type: z.string().nullish(),
  vendor: z.string().nullish(),
});

const collection = z.object({
  id,
  admin_graphql_api_id: z.string().nullish(),
  title: z.string().nullish(),
  handle: z.string().nullish(),
});


export function toCatalogProduct(payload: unknown) {
  const p = parse(product, payload, "product");
  return { productGid: p.admin_graphql_api_id ?? `gid://shopify/Product/${p.id}`, title: p.title ?? "", productType: p.product_type ?? "", vendor: p.vendor ?? "" };
}

/** products/delete carries the id only. */
export function toDeletedProductGid(payload: unknown): string {
  return `gid://shopify/Product/${parse(z.object({ id }), payload, "product").id}`;
}

export function toCatalogCollection(payload: unknown) {
  const c = parse(collection, payload, "collection");
  return { collectionGid: c.admin_graphql_api_id ?? `gid://shopify/Collection/${c.id}`, title: c.title ?? "", handle: c.handle ?? "" };
}

export function toDeletedCollectionGid(payload: unknown): string {
  return `gid://shopify/Collection/${parse(z.object({ id }), payload, "collection").id}`;
}
