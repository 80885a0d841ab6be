import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { listPreviewMembers } from "../../loyalty/program/overview.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { PREVIEW_LANGUAGES, listPreviewTargets, renderExtensionPreview, surfaceFor } from "../extension-preview.server";
import { posPreviewSurface } from "../pos-preview.server";
import { previewCustomerId } from "../storefront-page.server";

// GET /local/extensions/<handle>?target=<target>&customer=<id>|guest&locale=en|fi|da|sv
// An extension target's own code, running in the browser inside its surface's chrome, as
// the chosen demo customer (local mode only). app/local/extension-preview.server.ts.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const url = new URL(request.url);
  const targets = listPreviewTargets();
  const handle = params.handle ?? "";
  const ofHandle = targets.filter((t) => t.handle === handle);
  const target = url.searchParams.get("target") ?? ofHandle[0]?.target ?? "";
  const found = ofHandle.find((t) => t.target === target);
  if (!found) return new Response(`No extension ${handle} with target ${target}`, { status: 404 });
  const surface = surfaceFor(target) ?? (posPreviewSurface.matches(target) ? posPreviewSurface : null);
  if (!surface) return new Response(`No preview surface for ${target} yet: add one to PREVIEW_SURFACES`, { status: 404 });
  const customerId = previewCustomerId(request);
  const members = await listPreviewMembers(LOCAL_SHOP, { selected: customerId });
  // No customer named: the first demo member (a signed-in customer is what these surfaces show).
  const chosen = url.searchParams.get("customer") === "guest" ? null : (members.find((m) => m.id === customerId) ?? members[0] ?? null);
  const localeParam = url.searchParams.get("locale") ?? "en";
  const language = (PREVIEW_LANGUAGES as readonly string[]).includes(localeParam) ? localeParam : "en";
  return renderExtensionPreview(
    { request, url, shop: LOCAL_SHOP, handle, target, customerGid: chosen ? `gid://shopify/Customer/${chosen.id}` : null, language, targets },
    surface,
    members,
  );
};
