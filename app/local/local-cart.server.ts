import { log } from "../log.server";
import { DEMO_PRODUCTS } from "./demo-shop";

// Local mode's storefront cart, kept in a cookie: what the widget's AJAX Cart API calls
// (/cart/update.js, /cart/add.js) and /discount/<code> change, and what /cart shows.
// https://shopify.dev/docs/api/ajax/reference/cart

export const LOCAL_CART_COOKIE = "kanta_local_cart";

export interface LocalCart {
  attributes: Record<string, string>;
  /** Variant numeric id -> quantity. */
  items: { id: string; quantity: number }[];
  /** The code applied with /discount/<code>, as Shopify's storefront keeps it in the cart. */
  discountCode: string | null;
}

export function readLocalCart(request: Request): LocalCart {
  const raw = new RegExp(`${LOCAL_CART_COOKIE}=([^;]*)`).exec(request.headers.get("cookie") ?? "")?.[1];
  const empty: LocalCart = { attributes: {}, items: [], discountCode: null };
  if (!raw) return empty;
  try {
    const parsed = JSON.parse(decodeURIComponent(raw)) as Partial<LocalCart>;
    return {
      attributes: parsed.attributes ?? {},
      items: Array.isArray(parsed.items) ? parsed.items.filter((i) => typeof i?.id === "string" && Number.isInteger(i.quantity) && i.quantity > 0) : [],
      discountCode: typeof parsed.discountCode === "string" ? parsed.discountCode : null,
    };
  } catch (error) {
    // A malformed cookie (edited by hand, or from an older build) is an empty cart, as the storefront would start one.
    log.debug("local cart cookie ignored", { error: error instanceof Error ? error.name : typeof error });
    return empty;
  }
}

export function localCartCookie(cart: LocalCart): string {
  return `${LOCAL_CART_COOKIE}=${encodeURIComponent(JSON.stringify(cart))}; Path=/; SameSite=Lax; Max-Age=1209600`;
}

/** A demo variant by its numeric id: its product's title, the variant's title and price (minor units). */
export function demoVariant(id: string): { title: string; priceMinor: number; gid: string } | null {
  for (const p of DEMO_PRODUCTS) {
    for (const v of p.variants) {
      if (v.id.endsWith(`/${id}`)) {
        return { title: v.title === "Default Title" ? p.title : `${p.title} – ${v.title}`, priceMinor: Math.round(Number(v.price) * 100), gid: v.id };
      }
    }
  }
  return null;
}

/** The cart as /cart/*.js answers it (the fields the widget reads). */
export function cartJson(cart: LocalCart): string {
  const items = cart.items.map((i) => {
    const v = demoVariant(i.id);
    return { id: Number(i.id), variant_id: Number(i.id), quantity: i.quantity, title: v?.title ?? "", price: v?.priceMinor ?? 0 };
  });
  return JSON.stringify({ token: "local-cart", item_count: items.reduce((n, i) => n + i.quantity, 0), items, attributes: cart.attributes });
}
