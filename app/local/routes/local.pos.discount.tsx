import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { previewDiscount } from "../pos-preview.server";

// GET /local/pos/discount?code=…: the POS preview's cart asks whether a code exists in the
// Admin API emulator (as POS asks Shopify when a code is added to the cart). Local mode only.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const code = new URL(request.url).searchParams.get("code") ?? "";
  return Response.json(await previewDiscount(LOCAL_SHOP, code.slice(0, 100)));
};
