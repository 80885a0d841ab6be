// The `shopify` global each target's module sees (the file Shopify's CLI generates).
import "@shopify/ui-extensions";

declare module "./src/ThankYou.tsx" {
  const shopify: import("@shopify/ui-extensions/purchase.thank-you.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/OrderStatus.tsx" {
  const shopify: import("@shopify/ui-extensions/customer-account.order-status.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}

// Shopify's CLI replaces process.env.APP_URL with the app's URL when it bundles (src/backend.ts).
declare global {
  const process: { env: Record<string, string | undefined> };
}
