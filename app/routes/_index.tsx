import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// Shopify opens the app at its root with ?shop=…; local mode opens it directly.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  return redirect(`/app${url.search}`);
};
