import type { LoaderFunctionArgs } from "@remix-run/node";
import { ProgramNotFoundError, getCustomerView } from "../loyalty/storefront/customer-view.server";
import { markWidgetSeen } from "../loyalty/program/overview.server";
import { jsonHeaders, requireProxyContext } from "../shopify/proxy.server";

// GET /apps/kanta/customer on the storefront -> /proxy/customer here.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerGid } = await requireProxyContext(request);
  // The widget is on in the theme: the Home setup guide's step is done (written once).
  await markWidgetSeen(shop);
  try {
    const view = await getCustomerView(shop, customerGid);
    return new Response(JSON.stringify(view), {
      headers: { ...jsonHeaders, "Cache-Control": "private, no-store" },
    });
  } catch (error) {
    if (error instanceof ProgramNotFoundError) {
      return new Response(JSON.stringify({ error: "program_not_found" }), { status: 404, headers: jsonHeaders });
    }
    throw error;
  }
};
