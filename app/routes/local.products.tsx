import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../env.server";
import { LOCAL_SHOP } from "../shopify/admin.server";
import { PRODUCTS_WITH_VARIANTS } from "../shopify/documents";
import { getEmulator } from "../shopify/emulator.server";
import { runAdminQuery } from "../shopify/graphql";

// Local mode's product catalogue for the stand-in resource picker (scripts/local/app-bridge.js):
// the emulator's products, asked for through the Admin API like any other query, so the
// answer is checked against Shopify's schema. GET /local/products?query=socks. Not served
// outside local mode.

interface ProductsData {
  products: { nodes: { id: string; title: string; variants: { nodes: { id: string; title: string; price: string }[] } }[] };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const query = (new URL(request.url).searchParams.get("query") ?? "").slice(0, 100);
  const emulator = await getEmulator();
  const data = await runAdminQuery<ProductsData>(emulator.client(LOCAL_SHOP), PRODUCTS_WITH_VARIANTS, { first: 50, query: query || null });
  const products = data.products.nodes.map((p) => ({ id: p.id, title: p.title, variants: p.variants.nodes }));
  return Response.json({ products }, { headers: { "Cache-Control": "no-store" } });
};
