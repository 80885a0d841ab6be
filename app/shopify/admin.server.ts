import { isLocalMode } from "../env.server";
import { getShopify } from "../shopify.server";
import type { AdminGraphql } from "./graphql";
import type { AuditActor } from "../loyalty/audit/audit";

export const LOCAL_SHOP = "kanta-demo.myshopify.com";

export interface AdminContext {
  shop: string;
  graphql: AdminGraphql;
  local: boolean;
  /** Who is acting, for ledger actors: "staff:<email>" (online session), "staff:<shop>" or "local-demo". */
  staff: string;
  /** The staff member for the audit log: Shopify's user id (session token `sub`), name and email when known. */
  actor: AuditActor;
}

/** Local mode's signed-in staff member (the App Bridge stand-in's demo user). */
export const LOCAL_STAFF: AuditActor = { id: "local-demo", name: "Demo Staff", email: "staff@kanta-demo.example" };

/**
 * Who is acting. Kanta uses offline tokens (background jobs need them), so the session is the
 * shop's and carries no user; the embedded request's session token does: its `sub` is the
 * staff member's Shopify user id. An online session (if one is ever configured) adds the
 * name and email from `associated_user`. See docs/decisions/0021-audit-log-and-export.md.
 */
export function staffActor(
  sessionToken: { sub?: unknown } | undefined,
  user: { id?: number | bigint; first_name?: string; last_name?: string; email?: string } | undefined,
): AuditActor {
  const sub = typeof sessionToken?.sub === "string" && sessionToken.sub !== "" ? sessionToken.sub : null;
  const id = sub ?? (user?.id !== undefined ? String(user.id) : null);
  const name = [user?.first_name, user?.last_name].filter(Boolean).join(" ") || null;
  return { id, name, email: user?.email ?? null };
}

/**
 * The merchant's session for /app routes. In local mode (never in production, see
 * env.server.ts) the demo shop is signed in and the Admin API is the local emulator.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  if (isLocalMode()) {
    return { shop: LOCAL_SHOP, graphql: await localAdminGraphql(LOCAL_SHOP), local: true, staff: "local-demo", actor: LOCAL_STAFF };
  }
  const { admin, session, sessionToken } = await getShopify().authenticate.admin(request);
  const user = session.onlineAccessInfo?.associated_user;
  const actor = staffActor(sessionToken, user);
  const email = user?.email;
  return {
    shop: session.shop,
    graphql: admin.graphql as AdminGraphql,
    local: false,
    staff: `staff:${email ?? session.shop}`,
    actor,
  };
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
