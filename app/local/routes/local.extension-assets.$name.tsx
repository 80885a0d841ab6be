import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { readExtensionAsset } from "../storefront.server";

// The extension's assets, as Shopify's CDN would serve them (local mode only).
export const loader = async ({ params }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const asset = await readExtensionAsset(params.name ?? "");
  if (!asset) return new Response("Not found", { status: 404 });
  return new Response(asset.body, { headers: { "Content-Type": asset.type, "Cache-Control": "public, max-age=300" } });
};
