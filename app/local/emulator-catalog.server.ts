import type { EmulatedProduct } from "./emulator.server";

// The catalogue for the Admin API emulator (./emulator.server.ts): products (with type,
// vendor and their collections), collections (with their products), paged as Shopify pages
// them (first/after, pageInfo). Kanta reads it for the earning rules by product and
// collection (app/shopify/catalog.server.ts, docs/decisions/0033-earning-by-what-is-bought.md).

/** A collection: its products by id (custom and smart collections look the same to a reader). */
export interface EmulatedCollection {
  id: string;
  title: string;
  handle: string;
  productIds: string[];
}

type Args = Record<string, unknown>;

function page<T>(items: readonly T[], args: Args, defaultFirst = 50) {
  const first = typeof args.first === "number" ? args.first : defaultFirst;
  const start = typeof args.after === "string" && args.after ? Number(Buffer.from(args.after, "base64").toString()) + 1 : 0;
  const slice = items.slice(start, start + first);
  const cursor = (i: number) => Buffer.from(String(start + i)).toString("base64");
  return {
    nodes: slice,
    edges: slice.map((node, i) => ({ node, cursor: cursor(i) })),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? cursor(0) : null,
      endCursor: slice.length ? cursor(slice.length - 1) : null,
    },
  };
}

export class EmulatedCatalog {
  private collectionsByShop = new Map<string, EmulatedCollection[]>();

  constructor(private readonly productsOf: (shopDomain: string) => EmulatedProduct[]) {}

  /** Adds or replaces a collection (by id). */
  setCollection(shopDomain: string, collection: EmulatedCollection) {
    const list = (this.collectionsByShop.get(shopDomain) ?? []).filter((c) => c.id !== collection.id);
    list.push({ ...collection, productIds: [...collection.productIds] });
    this.collectionsByShop.set(shopDomain, list);
  }

  removeCollection(shopDomain: string, collectionId: string) {
    this.collectionsByShop.set(shopDomain, (this.collectionsByShop.get(shopDomain) ?? []).filter((c) => c.id !== collectionId));
  }

  collections(shopDomain: string): EmulatedCollection[] {
    return (this.collectionsByShop.get(shopDomain) ?? []).map((c) => ({ ...c, productIds: [...c.productIds] }));
  }

  private collectionNode(shopDomain: string, c: EmulatedCollection) {
    return {
      __typename: "Collection",
      id: c.id,
      title: c.title,
      handle: c.handle,
      products: (a: Args) => page(this.productsOf(shopDomain).filter((p) => c.productIds.includes(p.id)).map((p) => this.productNode(shopDomain, p)), a),
    };
  }

  productNode(shopDomain: string, p: EmulatedProduct) {
    const byId = (a: string, b: string) => a.localeCompare(b);
    return {
      __typename: "Product",
      id: p.id,
      title: p.title,
      productType: p.productType ?? "",
      vendor: p.vendor ?? "Kanta Demo",
      variants: (a: { first?: number }) => ({ nodes: p.variants.slice(0, a.first ?? 250) }),
      collections: (a: Args) =>
        page(
          (this.collectionsByShop.get(shopDomain) ?? [])
            .filter((c) => c.productIds.includes(p.id))
            .sort((x, y) => byId(x.id, y.id))
            .map((c) => this.collectionNode(shopDomain, c)),
          a,
        ),
    };
  }

  /** Root fields: products (title words in `query`, sorted by TITLE or ID), product, collections, collection. */
  resolvers(): Record<string, (args: Args, shop: { myshopifyDomain: string }) => unknown> {
    return {
      products: (args, shop) => {
        // Shopify's search syntax, reduced to what local mode needs: words in the title.
        const words = String(args.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
        const list = this.productsOf(shop.myshopifyDomain)
          .filter((p) => words.every((w) => p.title.toLowerCase().includes(w)))
          .sort((a, b) => (args.sortKey === "ID" ? a.id.localeCompare(b.id) : a.title.localeCompare(b.title)));
        return page(list.map((p) => this.productNode(shop.myshopifyDomain, p)), args);
      },
      product: (args, shop) => {
        const p = this.productsOf(shop.myshopifyDomain).find((x) => x.id === args.id);
        return p ? this.productNode(shop.myshopifyDomain, p) : null;
      },
      collections: (args, shop) =>
        page(
          [...(this.collectionsByShop.get(shop.myshopifyDomain) ?? [])].sort((a, b) => a.id.localeCompare(b.id)).map((c) => this.collectionNode(shop.myshopifyDomain, c)),
          args,
        ),
      collection: (args, shop) => {
        const c = (this.collectionsByShop.get(shop.myshopifyDomain) ?? []).find((x) => x.id === args.id);
        return c ? this.collectionNode(shop.myshopifyDomain, c) : null;
      },
    };
  }
}
