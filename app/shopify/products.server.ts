import { PRODUCTS_WITH_VARIANTS } from "./documents";
import { runAdminQuery, type AdminGraphql } from "./graphql";

interface ProductsData {
  products: { nodes: { id: string; title: string; variants: { nodes: { id: string; title: string; price: string }[] } }[] };
}

export interface ProductChoice {
  id: string;
  title: string;
  variants: { id: string; title: string; price: string }[];
}

/** Products with their variants, in the resource picker's payload shape (first 50 matching `query`). */
export async function searchProducts(graphql: AdminGraphql, query: string): Promise<ProductChoice[]> {
  const data = await runAdminQuery<ProductsData>(graphql, PRODUCTS_WITH_VARIANTS, { first: 50, query: query || null });
  return data.products.nodes.map((p) => ({ id: p.id, title: p.title, variants: p.variants.nodes }));
}
