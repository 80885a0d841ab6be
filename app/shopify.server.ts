import "@shopify/shopify-app-remix/adapters/node";
import { shopifyApi } from "@shopify/shopify-api";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { getDb } from "./db.server";
import { getEnv, getLogLevel } from "./env.server";
import { log } from "./log.server";
import { syncShopDetails } from "./shopify/shop.server";

// The only caller of shopifyApp(): OAuth, session storage, webhook and app proxy
// verification. Webhook subscriptions are declared in shopify.app.toml (app-specific
// subscriptions), so nothing is registered from here. Also the only caller of shopifyApi(),
// for webhook intake (getShopifyApi below).

export const API_VERSION = ApiVersion.July26;

/**
 * The library's logs go through Kanta's logger, at Kanta's level (KANTA_LOG_LEVEL). Its Info
 * messages are per request ("Authenticating app proxy request" on every widget call), so they
 * are Kanta's debug; below debug the library is not even asked to write them. Its warnings
 * and errors are Kanta's warnings.
 */
export function shopifyLogger() {
  const debug = getLogLevel() === "debug";
  return {
    level: debug ? LogSeverity.Debug : LogSeverity.Warning,
    timestamps: false,
    log: (severity: LogSeverity, message: string) => {
      const fields = { source: "shopify-app-remix" };
      // The library's errors are a caller's (a bad HMAC, an expired token): Kanta's own errors
      // are logged where Kanta handles them.
      if (severity === LogSeverity.Error || severity === LogSeverity.Warning) log.warn(message, fields);
      else log.debug(message, fields);
    },
  };
}

/** What shopifyApp() and shopifyApi() are both configured with: one app, one secret, one version. */
function appConfig() {
  const env = getEnv();
  return {
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION,
    scopes: env.SCOPES.split(","),
    appUrl: env.SHOPIFY_APP_URL,
    logger: shopifyLogger(),
    ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
  };
}

function createShopify() {
  return shopifyApp({
    ...appConfig(),
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(getDb()),
    distribution: AppDistribution.AppStore,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      afterAuth: async ({ admin, session }) => {
        await syncShopDetails(session.shop, admin);
      },
    },
  });
}

/**
 * @shopify/shopify-api configured as shopifyApp() configures it (which keeps its own instance
 * to itself), for what needs the library's configuration or checks without the app's context:
 * the API secret that webhook intake and the storefront reads verify signatures with (by the
 * library's rules, app/shopify/webhook-signature.ts and proxy-signature.ts, 0044).
 */
function createShopifyApi() {
  const { appUrl, ...config } = appConfig();
  const url = new URL(appUrl);
  return shopifyApi({ ...config, hostName: url.host, hostScheme: url.protocol === "http:" ? "http" : "https", isEmbeddedApp: true });
}

type Shopify = ReturnType<typeof createShopify>;
type ShopifyApi = ReturnType<typeof createShopifyApi>;
let instance: Shopify | undefined;
let apiInstance: ShopifyApi | undefined;

export function getShopify(): Shopify {
  instance ??= createShopify();
  return instance;
}

export function getShopifyApi(): ShopifyApi {
  apiInstance ??= createShopifyApi();
  return apiInstance;
}

export function resetShopify(): void {
  instance = undefined;
  apiInstance = undefined;
}
