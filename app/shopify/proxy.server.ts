import { getShopify } from "../shopify.server";

// App proxy requests: Shopify signs the query string (including logged_in_customer_id)
// with the app secret. The library checks the signature; the customer id is read only
// from that signed query, never from anything else the browser sends.
// https://shopify.dev/docs/apps/build/online-store/display-dynamic-data#calculate-a-digital-signature

export interface ProxyContext {
  shop: string;
  customerGid: string | null;
}

export async function requireProxyContext(request: Request): Promise<ProxyContext> {
  await getShopify().authenticate.public.appProxy(request); // throws a 400 Response if unsigned or forged
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  if (!shop) throw new Response(JSON.stringify({ error: "missing_shop" }), { status: 400, headers: jsonHeaders });
  const customerId = url.searchParams.get("logged_in_customer_id") ?? "";
  if (customerId !== "" && !/^\d+$/.test(customerId)) {
    throw new Response(JSON.stringify({ error: "bad_customer" }), { status: 400, headers: jsonHeaders });
  }
  return { shop, customerGid: customerId ? `gid://shopify/Customer/${customerId}` : null };
}

export const jsonHeaders = { "Content-Type": "application/json; charset=utf-8" };
