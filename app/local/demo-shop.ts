import type { EmulatedProduct, EmulatedShop } from "./emulator.server";

// The demo shop local mode and the tests run against: its details and its catalogue.

export const DEMO_SHOP: EmulatedShop = {
  name: "Kanta Demo",
  myshopifyDomain: "kanta-demo.myshopify.com",
  currencyCode: "EUR",
  ianaTimezone: "Europe/Helsinki",
};

/** The demo shop's catalogue: a few products, some with several variants. */
export const DEMO_PRODUCTS: readonly EmulatedProduct[] = [
  {
    id: "gid://shopify/Product/8812000000001",
    title: "Birch soap bar",
    variants: [{ id: "gid://shopify/ProductVariant/4470000000011", title: "Default Title", price: "8.90" }],
  },
  {
    id: "gid://shopify/Product/8812000000002",
    title: "Linen tote bag",
    variants: [
      { id: "gid://shopify/ProductVariant/4470000000021", title: "Natural", price: "24.50" },
      { id: "gid://shopify/ProductVariant/4470000000022", title: "Black", price: "24.50" },
    ],
  },
  {
    id: "gid://shopify/Product/8812000000003",
    title: "Wool socks",
    variants: [
      { id: "gid://shopify/ProductVariant/4470000000031", title: "S", price: "19.00" },
      { id: "gid://shopify/ProductVariant/4470000000032", title: "M", price: "19.00" },
      { id: "gid://shopify/ProductVariant/4470000000033", title: "L", price: "19.00" },
    ],
  },
  {
    id: "gid://shopify/Product/8812000000004",
    title: "Stoneware mug",
    variants: [{ id: "gid://shopify/ProductVariant/4470000000041", title: "Default Title", price: "16.00" }],
  },
];
