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
    return { shop: LOCAL_SHOP, graphql: await localAdminGraphql(LOCAL_SHOP), local: true, staff: "local-demo" };
  }
  const { admin, session } = await getShopify().authenticate.admin(request);
  const email = session.onlineAccessInfo?.associated_user?.email;
  return { shop: session.shop, graphql: admin.graphql as AdminGraphql, local: false, staff: `staff:${email ?? session.shop}` };
}

/** Admin API for background work (no request): the shop's offline session. */
export async function getAdminGraphqlForShop(shop: string): Promise<AdminGraphql> {
  if (isLocalMode()) return localAdminGraphql(shop);
  const { admin } = await getShopify().unauthenticated.admin(shop);
  return admin.graphql as AdminGraphql;
}

/**
 * Local mode's Admin API: the emulator in app/local/. The one place where code that runs in
 * production reaches local-only code, and only through a dynamic import behind a
 * compile-time check. `npm run build` compiles NODE_ENV=production into the server, which
 * drops this branch, so the production server neither bundles nor imports the emulator or
 * its devDependencies (graphql, @shopify/dev-mcp's schema). See
 * docs/decisions/0011-local-code-out-of-production.md.
 */
export async function localAdminGraphql(shop: string): Promise<AdminGraphql> {
  if (process.env.NODE_ENV !== "production") {
    const { getEmulator } = await import("../local/emulator.server");
    return (await getEmulator()).client(shop);
  }
  throw new Error("Local mode is not part of a production build.");
}

/**
 * Local mode's bulk operation result files: the emulator keeps them and gives out URLs under
 * /local/bulk/; reading them needs no HTTP server (tests, jobs). Null when the emulator
 * never gave out that URL. Same compile-time guard as localAdminGraphql.
 */
export async function localBulkResult(url: string): Promise<ReadableStream<Uint8Array> | null> {
  if (process.env.NODE_ENV !== "production") {
    const { getEmulator } = await import("../local/emulator.server");
    return (await getEmulator()).bulkResult(url);
  }
  throw new Error("Local mode is not part of a production build.");
}
