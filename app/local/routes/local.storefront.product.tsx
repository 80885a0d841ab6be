import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { listPreviewMembers } from "../../loyalty/program/overview.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { searchProducts } from "../../shopify/products.server";
import { DEMO_SHOP } from "../demo-shop";
import { getEmulator } from "../emulator.server";
import { previewCustomerId, renderStorefrontPage } from "../storefront-page.server";

// GET /local/storefront/product?product=<numeric id>: a product page of the emulator's
// catalogue with the theme block "Members-only product" in its form (0034). The customer's
// tags are the emulator's (what the tier sync wrote), as Liquid's customer.tags.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const emulator = await getEmulator();
  const products = await searchProducts(emulator.client(LOCAL_SHOP), "");
  const wanted = new URL(request.url).searchParams.get("product");
  const product = products.find((p) => p.id.endsWith(`/${wanted}`)) ?? products[0];
  if (!product) return new Response("No products in the demo shop", { status: 404 });
  const members = (await listPreviewMembers(LOCAL_SHOP, { selected: previewCustomerId(request) })).map((m) => ({
    ...m,
    tags: emulator.customerTags(LOCAL_SHOP, `gid://shopify/Customer/${m.id}`),
  }));
  const id = Number(product.id.slice(product.id.lastIndexOf("/") + 1));
  const price = `${(product.variants[0]?.price ?? "0").replace(".", ",")} €`;
  return renderStorefrontPage(request, members, "product", {
    product: { id, title: product.title, handle: product.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"), collections: [] },
    price,
    timeZone: DEMO_SHOP.ianaTimezone,
  });
};
