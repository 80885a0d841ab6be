// The shop's catalogue as Kanta keeps it (app/loyalty/catalog, docs/decisions/0033-earning-by-what-is-bought.md):
// products with their type, vendor and collections, paged; one product's collections and
// one collection's products, for the products/update and collections/update webhooks.
// Validated against the Admin schema with the other documents (./documents.ts ALL_DOCUMENTS).

const PRODUCT_FIELDS = /* GraphQL */ `
  id
  title
  productType
  vendor
`;

/** Every product with its collections, 100 a page (a product in more than 250 collections is cut there). */
export const CATALOG_PRODUCTS = /* GraphQL */ `
  query KantaCatalogProducts($first: Int!, $after: String) {
    products(first: $first, after: $after, sortKey: ID) {
      nodes {
        ${PRODUCT_FIELDS}
        collections(first: 250) {
          nodes { id title handle }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** Every collection (empty ones too: the rule editor's picker lists them), 250 a page. */
export const CATALOG_COLLECTIONS = /* GraphQL */ `
  query KantaCatalogCollections($first: Int!, $after: String) {
    collections(first: $first, after: $after, sortKey: ID) {
      nodes { id title handle }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** One product and its collections (products/update carries no collections). */
export const CATALOG_PRODUCT = /* GraphQL */ `
  query KantaCatalogProduct($id: ID!) {
    product(id: $id) {
      ${PRODUCT_FIELDS}
      collections(first: 250) {
        nodes { id title handle }
      }
    }
  }
`;

/** One collection's products, 250 a page (collections/update carries no products). */
export const CATALOG_COLLECTION_PRODUCTS = /* GraphQL */ `
  query KantaCatalogCollectionProducts($id: ID!, $first: Int!, $after: String) {
    collection(id: $id) {
      id
      title
      handle
      products(first: $first, after: $after) {
        nodes { id }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

export const CATALOG_DOCUMENTS = { CATALOG_PRODUCTS, CATALOG_COLLECTIONS, CATALOG_PRODUCT, CATALOG_COLLECTION_PRODUCTS };
