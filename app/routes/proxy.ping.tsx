import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonHeaders, requireProxyReader } from "../shopify/proxy.server";

// GET /apps/kanta/ping on the storefront -> /proxy/ping here: the app proxy reaches Kanta
// and Shopify's signature verifies with this deployment's secret (npm run doctor asks it).
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireProxyReader(request);
  return new Response(JSON.stringify({ ok: true, app: "kanta", shop }), { status: 200, headers: jsonHeaders });
};
