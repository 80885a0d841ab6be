// The `shopify` global each target's module sees (the file Shopify's CLI generates).
import "@shopify/ui-extensions";

declare module "./src/Tile.tsx" {
  const shopify: import("@shopify/ui-extensions/pos.home.tile.render").Api;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/HomeModal.tsx" {
  const shopify: import("@shopify/ui-extensions/pos.home.modal.render").Api;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/CustomerBlock.tsx" {
  const shopify: import("@shopify/ui-extensions/pos.customer-details.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/CustomerMenuItem.tsx" {
  const shopify: import("@shopify/ui-extensions/pos.customer-details.action.menu-item.render").Api;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/CustomerModal.tsx" {
  const shopify: import("@shopify/ui-extensions/pos.customer-details.action.render").Api;
  const globalThis: { shopify: typeof shopify };
}

// Shopify's CLI replaces process.env.APP_URL with the app's URL when it bundles (src/api.ts).
declare global {
  const process: { env: Record<string, string | undefined> };
}
