import { getDb } from "../db.server";
import { findShopByDomain } from "../loyalty/program/shops.server";
import { getAdminGraphqlForShop } from "./admin.server";
import { extensionError, requireExtensionSession } from "./extension-session.server";
import type { AdminGraphql } from "./graphql";

// Requests from Kanta's customer-account Rewards page and profile block
// (extensions/kanta-rewards-page, kanta-profile-block): the session token checked by
// ./extension-session.server.ts, then a shop Kanta is installed on and a signed-in customer
// (`sub`, sent only with Level 1 protected customer data access). The shopper is only ever
// the token's `sub`. docs/decisions/0025-customer-account-extensions.md
// https://shopify.dev/docs/api/customer-account-ui-extensions/latest/target-apis/platform-apis/session-token-api

export interface CustomerAccountContext {
  shop: string;
  customerGid: string;
  /** Adds the CORS headers the extension's sandbox (another origin) needs. */
  cors: (response: Response) => Response;
  /** The shop's Admin API (its offline session); asked only by routes that call Shopify. */
  graphql: () => Promise<AdminGraphql>;
}

/**
 * Authenticates a customer-account extension request. Throws a Response: 204 for the CORS
 * preflight (OPTIONS), 401 for a bad token (./extension-session.server.ts), a shop Kanta is
 * not installed on, or no signed-in customer.
 */
export async function requireCustomerAccount(request: Request): Promise<CustomerAccountContext> {
  const { shopDomain: shop, customerGid, cors } = await requireExtensionSession(request, "customerAccount");
  const row = await findShopByDomain(getDb(), shop);
  if (!row || !row.program || row.uninstalledAt) throw extensionError(401, "unauthorized", "Kanta is not installed on this shop.");
  if (!customerGid) throw extensionError(401, "not_signed_in", "Sign in to see your rewards.");
  return { shop, customerGid, cors, graphql: () => getAdminGraphqlForShop(shop) };
}
