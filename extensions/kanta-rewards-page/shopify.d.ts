// The `shopify` global this extension's target gets (as Shopify's CLI generates it).
import "@shopify/ui-extensions";

declare module "./src/RewardsPage.tsx" {
  const shopify: import("@shopify/ui-extensions/customer-account.page.render").Api;
  const globalThis: { shopify: typeof shopify };
}
