import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { demoVariant, readLocalCart } from "../local-cart.server";
import { discountOffLines } from "../emulator-cart-discount.server";

// Local mode's /cart: the cookie cart's lines and the code applied with /discount/<code>,
// priced the way Shopify prices an amount-off code on products (the Admin API emulator's
// copy of the code, ../emulator-cart-discount.server.ts). Enough to see a gift come free.

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const eur = (minor: number) => new Intl.NumberFormat("en", { style: "currency", currency: "EUR" }).format(minor / 100);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const cart = readLocalCart(request);
  const lines = cart.items.flatMap((i) => {
    const v = demoVariant(i.id);
    return v ? [{ variantGid: v.gid, title: v.title, quantity: i.quantity, unitMinor: v.priceMinor }] : [];
  });
  const { getEmulator } = await import("../emulator.server");
  const off = cart.discountCode ? discountOffLines((await getEmulator()).discounts(LOCAL_SHOP), cart.discountCode, lines) : null;
  const subtotal = lines.reduce((n, l) => n + l.unitMinor * l.quantity, 0);
  const rows = lines
    .map((l, i) => `<tr><td>${esc(l.title)}</td><td>${l.quantity}</td><td>${eur(l.unitMinor * l.quantity)}</td><td data-line-discount>${off && off.perLine[i] ? `−${eur(off.perLine[i]!)}` : ""}</td></tr>`)
    .join("");
  const code = cart.discountCode
    ? `<p data-cart-code>Code <strong>${esc(cart.discountCode)}</strong>: ${off ? `−${eur(off.totalMinor)}` : "not applicable to this cart"}</p>`
    : "";
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Cart – Kanta Demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 16px;color:#222}table{width:100%;border-collapse:collapse}td,th{padding:8px;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>Your cart</h1>${lines.length ? `<table><thead><tr><th>Product</th><th>Qty</th><th>Price</th><th>Discount</th></tr></thead><tbody>${rows}</tbody></table>` : "<p>Your cart is empty.</p>"}
${code}<p data-cart-total>Total: <strong>${eur(subtotal - (off?.totalMinor ?? 0))}</strong></p><p><a href="/local/storefront">Continue shopping</a></p></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
};
