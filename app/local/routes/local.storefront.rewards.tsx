import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { listPreviewMembers } from "../../loyalty/program/overview.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { previewCustomerId, renderStorefrontPage } from "../storefront-page.server";

// GET /local/storefront/rewards: a "Rewards" page with the extension's app block.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const members = await listPreviewMembers(LOCAL_SHOP, { selected: previewCustomerId(request) });
  return renderStorefrontPage(request, members, "rewards");
};
