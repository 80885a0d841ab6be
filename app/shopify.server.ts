import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { syncShopDetails } from "./shopify/shop.server";

// The only caller of shopifyApp(): OAuth, session storage, webhook and app proxy
// verification. Webhook subscriptions are declared in shopify.app.toml (app-specific
// subscriptions), so nothing is registered from here.

export const API_VERSION = ApiVersion.July26;

function createShopify() {
  const env = getEnv();
  return shopifyApp({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION,
    scopes: env.SCOPES.split(","),
    appUrl: env.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(getDb()),
    distribution: AppDistribution.AppStore,
    logger: { level: env.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Info },
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      afterAuth: async ({ admin, session }) => {
        await syncShopDetails(session.shop, admin);
      },
    },
    ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
  });
}

type Shopify = ReturnType<typeof createShopify>;
let instance: Shopify | undefined;

export function getShopify(): Shopify {
  instance ??= createShopify();
  return instance;
}

export function resetShopify(): void {
  instance = undefined;
}
