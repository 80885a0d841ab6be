import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { listPreviewMembers } from "../../loyalty/program/overview.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { previewCustomerId, renderStorefrontPage } from "../storefront-page.server";

// GET /local/storefront?customer=<id>|guest&locale=en|fi|da|sv&widget=0
// A demo store page with the theme app extension's app embed, as a shopper sees it.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const members = await listPreviewMembers(LOCAL_SHOP, { selected: previewCustomerId(request) });
  return renderStorefrontPage(request, members, "home");
};
