import type { EmulatedCustomer, EmulatedOrder, EmulatedProduct, EmulatedShop } from "./emulator.server";
import type { EmulatedCollection } from "./emulator-catalog.server";

// The demo shop local mode and the tests run against: its details and its catalogue.

export const DEMO_SHOP: EmulatedShop = {
  name: "Kanta Demo",
  myshopifyDomain: "kanta-demo.myshopify.com",
  currencyCode: "EUR",
  ianaTimezone: "Europe/Helsinki",
};

/** A demo variant's picture, drawn by local mode (/local/product-image/<variant id>.svg). */
export function demoProductImageUrl(variantGid: string): string {
  return `/local/product-image/${variantGid.split("/").pop()}.svg`;
}

/** The demo shop's catalogue: a few products, some with several variants. */
export const DEMO_PRODUCTS: readonly EmulatedProduct[] = [
  {
    id: "gid://shopify/Product/8812000000001",
    title: "Birch soap bar",
    productType: "Bath",
    vendor: "Kanta Demo",
    variants: [{ id: "gid://shopify/ProductVariant/4470000000011", title: "Default Title", price: "8.90" }],
  },
  {
    id: "gid://shopify/Product/8812000000002",
    title: "Linen tote bag",
    productType: "Bags",
    vendor: "Kanta Demo",
    variants: [
      { id: "gid://shopify/ProductVariant/4470000000021", title: "Natural", price: "24.50" },
      { id: "gid://shopify/ProductVariant/4470000000022", title: "Black", price: "24.50" },
    ],
  },
  {
    id: "gid://shopify/Product/8812000000003",
    title: "Wool socks",
    productType: "Clothing",
    vendor: "Kanta Demo",
    variants: [
      { id: "gid://shopify/ProductVariant/4470000000031", title: "S", price: "19.00" },
      { id: "gid://shopify/ProductVariant/4470000000032", title: "M", price: "19.00" },
      { id: "gid://shopify/ProductVariant/4470000000033", title: "L", price: "19.00" },
    ],
  },
  {
    id: "gid://shopify/Product/8812000000004",
    title: "Stoneware mug",
    productType: "Kitchen",
    vendor: "Kanta Demo",
    variants: [{ id: "gid://shopify/ProductVariant/4470000000041", title: "Default Title", price: "16.00" }],
  },
  {
    id: "gid://shopify/Product/8812000000005",
    title: "Tar scented candle",
    productType: "Candles",
    vendor: "Nordic Wick",
    variants: [{ id: "gid://shopify/ProductVariant/4470000000051", title: "Default Title", price: "22.00" }],
  },
  {
    id: "gid://shopify/Product/8812000000006",
    title: "Birch scented candle",
    productType: "Candles",
    vendor: "Nordic Wick",
    variants: [
      { id: "gid://shopify/ProductVariant/4470000000061", title: "Small", price: "14.00" },
      { id: "gid://shopify/ProductVariant/4470000000062", title: "Large", price: "26.00" },
    ],
  },
];

/** The demo shop's collections: "Candles" (the earning rules' example: "2x on Candles"), "Bath" and "Gifts". */
export const DEMO_COLLECTIONS: readonly EmulatedCollection[] = [
  { id: "gid://shopify/Collection/5150000000001", title: "Candles", handle: "candles", productIds: ["gid://shopify/Product/8812000000005", "gid://shopify/Product/8812000000006"] },
  { id: "gid://shopify/Collection/5150000000002", title: "Bath", handle: "bath", productIds: ["gid://shopify/Product/8812000000001"] },
  {
    id: "gid://shopify/Collection/5150000000003",
    title: "Gifts",
    handle: "gifts",
    productIds: ["gid://shopify/Product/8812000000002", "gid://shopify/Product/8812000000004", "gid://shopify/Product/8812000000006"],
  },
];

const FIRST_NAMES = ["Aada", "Eino", "Helmi", "Leo", "Linnea", "Oliver", "Saga", "Noah", "Ella", "Elias", "Freja", "William", "Iida", "Lucas", "Maja", "Hugo", "Sofia", "Oskar", "Alma", "Emil"];
const LAST_NAMES = ["Mäkinen", "Nieminen", "Hansen", "Nielsen", "Johansson", "Karlsson", "Laine", "Heikkinen", "Andersen", "Berg", "Koskinen", "Lund", "Salo", "Dahl", "Järvinen"];

/** A small deterministic generator (the same shop every start). */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export const DEMO_EXISTING_CUSTOMER_COUNT = 240;

/**
 * The demo shop's customers and orders from before Kanta was installed (the emulator
 * answers bulk queries with them; the seeds run the enrolment). 240 customers at
 * example.org (the seeded members are at example.com), every 20th tagged "wholesale" (the
 * demo excludes that tag); about half ordered in the last 55 days, a few enough for Silver
 * (250 €) or Gold (750 €: customers 73, 153 and 233); some orders are older than the
 * 60-day window. Dates are
 * relative to `now`, so they always fall inside it.
 */
export function demoExistingCustomers(now: Date): { customers: EmulatedCustomer[]; orders: EmulatedOrder[] } {
  const rnd = seeded(14);
  const day = 86_400_000;
  const customers: EmulatedCustomer[] = [];
  const orders: EmulatedOrder[] = [];
  const prices = DEMO_PRODUCTS.flatMap((p) => p.variants.map((v) => v.price));
  for (let i = 1; i <= DEMO_EXISTING_CUSTOMER_COUNT; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = LAST_NAMES[(i * 7) % LAST_NAMES.length]!;
    const id = `gid://shopify/Customer/${7_391_000_000_000 + i}`;
    const customer: EmulatedCustomer = {
      id,
      email: `${first}.${last}.${i}@example.org`.toLowerCase().replace(/ä/g, "a").replace(/ö/g, "o"),
      phone: null,
      numberOfOrders: 0,
      addresses: [],
      firstName: first,
      lastName: last,
      tags: i % 20 === 0 ? ["wholesale"] : i % 7 === 0 ? ["newsletter"] : [],
      locale: i % 4 === 0 ? "fi" : "en",
      createdAt: new Date(now.getTime() - (200 + Math.floor(rnd() * 700)) * day),
    };
    // Who ordered, and how much: most a little, one in 30 enough for Silver, one in 80 for
    // Gold (offset from the wholesale ones, every 20th, who are excluded).
    const big = (i + 7) % 80 === 0 ? 820 : (i + 11) % 30 === 0 ? 290 : 0;
    const ordered = big > 0 || rnd() < 0.45;
    const count = big > 0 ? 2 : ordered ? 1 + Math.floor(rnd() * 3) : 0;
    for (let n = 0; n < count; n++) {
      const orderNo = orders.length + 1;
      const lines: EmulatedOrder["lines"] = [];
      if (big > 0) {
        lines.push({ id: `gid://shopify/LineItem/${7_393_000_000_000 + orderNo * 10}`, quantity: 1, unitPrice: (big / 2).toFixed(2) });
      } else {
        const lineCount = 1 + Math.floor(rnd() * 2);
        for (let l = 0; l < lineCount; l++) {
          lines.push({ id: `gid://shopify/LineItem/${7_393_000_000_000 + orderNo * 10 + l}`, quantity: 1 + Math.floor(rnd() * 2), unitPrice: prices[Math.floor(rnd() * prices.length)]! });
        }
      }
      const createdAt = new Date(now.getTime() - (1 + Math.floor(rnd() * 54)) * day - Math.floor(rnd() * day));
      // Every 9th order is older than the window: it counts for nothing.
      const old = orderNo % 9 === 0 && big === 0;
      const refunded = orderNo % 23 === 0;
      orders.push({
        id: `gid://shopify/Order/${7_392_000_000_000 + orderNo}`,
        name: `#${2000 + orderNo}`,
        customerId: id,
        createdAt: old ? new Date(createdAt.getTime() - 90 * day) : createdAt,
        financialStatus: refunded ? "REFUNDED" : "PAID",
        currencyCode: DEMO_SHOP.currencyCode,
        taxesIncluded: true,
        // A refunded order's units are all gone (currentQuantity 0): it counts for nothing.
        lines: refunded ? lines.map((l) => ({ ...l, currentQuantity: 0 })) : lines,
      });
    }
    customer.numberOfOrders = count;
    customers.push(customer);
  }
  return { customers, orders };
}
