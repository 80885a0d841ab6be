import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { previewCustomerFromCookie, signedProxyRequest } from "../storefront.server";

// Local mode plays Shopify's app proxy: the storefront preview calls /apps/kanta/<path>
// on its own origin; this signs the call as Shopify would (shop, logged_in_customer_id of
// the preview's customer, timestamp, signature) and forwards it to /proxy/<path>, where
// the app verifies it exactly as in production.
async function forward(request: Request): Promise<Response> {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const signed = signedProxyRequest(request, previewCustomerFromCookie(request));
  // A redirect (the referral link's) goes back to the browser, as Shopify's proxy passes it on.
  const response = await fetch(signed, { redirect: "manual" });
  // fetch has already decoded the body: drop the encoding headers that described it.
  const headers = new Headers(response.headers);
  headers.delete("content-encoding");
  headers.delete("content-length");
  return new Response(response.body, { status: response.status, headers });
}

export const loader = ({ request }: LoaderFunctionArgs) => forward(request);
export const action = ({ request }: ActionFunctionArgs) => forward(request);
