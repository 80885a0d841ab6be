// The `shopify` global this extension's target gets (as Shopify's CLI generates it).
import "@shopify/ui-extensions";

declare module "./src/ProfileBlock.tsx" {
  const shopify: import("@shopify/ui-extensions/customer-account.profile.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}
