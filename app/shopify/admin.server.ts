import { isLocalMode } from "../env.server";
import { getShopify } from "../shopify.server";
import type { AdminGraphql } from "./graphql";

export const LOCAL_SHOP = "kanta-demo.myshopify.com";

export interface AdminContext {
  shop: string;
  graphql: AdminGraphql;
  local: boolean;
}

/**
 * The merchant's session for /app routes. In local mode (never in production, see
 * env.server.ts) the demo shop is signed in and the Admin API is the local emulator.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  if (isLocalMode()) {
    const { getEmulator } = await import("./emulator.server");
    const emulator = await getEmulator();
    return { shop: LOCAL_SHOP, graphql: emulator.client(LOCAL_SHOP), local: true };
  }
  const { admin, session } = await getShopify().authenticate.admin(request);
  return { shop: session.shop, graphql: admin.graphql as AdminGraphql, local: false };
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
