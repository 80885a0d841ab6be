import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { bundleTargetForBrowser } from "../extension-preview.server";

// GET /local/extensions/<handle>/bundle.js?target=<target>: the target's module bundled for
// the browser (esbuild, as scripts/build-extensions.mjs bundles it for Shopify). Local mode only.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const target = new URL(request.url).searchParams.get("target") ?? "";
  const code = await bundleTargetForBrowser(params.handle ?? "", target);
  if (code === null) return new Response("Not found", { status: 404 });
  return new Response(code, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
};
