import { isLocalMode } from "../env.server";
import { getShopify } from "../shopify.server";
import type { AdminGraphql } from "./graphql";

export const LOCAL_SHOP = "kanta-demo.myshopify.com";

export interface AdminContext {
  shop: string;
  graphql: AdminGraphql;
  local: boolean;
  /** Who is acting, for ledger actors: "staff:<email>" (online session), "staff:<shop>" or "local-demo". */
  staff: string;
}

/**
 * The merchant's session for /app routes. In local mode (never in production, see
 * env.server.ts) the demo shop is signed in and the Admin API is the local emulator.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  if (isLocalMode()) {
    const { getEmulator } = await import("./emulator.server");
    const emulator = await getEmulator();
    return { shop: LOCAL_SHOP, graphql: emulator.client(LOCAL_SHOP), local: true, staff: "local-demo" };
  }
  const { admin, session } = await getShopify().authenticate.admin(request);
  const email = session.onlineAccessInfo?.associated_user?.email;
  return { shop: session.shop, graphql: admin.graphql as AdminGraphql, local: false, staff: `staff:${email ?? session.shop}` };
}

/** Admin API for background work (no request): the shop's offline session. */
export async function getAdminGraphqlForShop(shop: string): Promise<AdminGraphql> {
  if (isLocalMode()) {
    const { getEmulator } = await import("./emulator.server");
    return (await getEmulator()).client(shop);
  }
  const { admin } = await getShopify().unauthenticated.admin(shop);
  return admin.graphql as AdminGraphql;
}
