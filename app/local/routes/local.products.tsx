import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { getEmulator } from "../emulator.server";
import { searchProducts } from "../../shopify/products.server";

// Local mode's product catalogue for the stand-in resource picker (app/local/app-bridge.js):
// the emulator's products, asked for through the Admin API like any other query, so the
// answer is checked against Shopify's schema. GET /local/products?query=socks. Not served
// outside local mode.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const query = (new URL(request.url).searchParams.get("query") ?? "").slice(0, 100);
  const products = await searchProducts((await getEmulator()).client(LOCAL_SHOP), query);
  return Response.json({ products }, { headers: { "Cache-Control": "no-store" } });
};
