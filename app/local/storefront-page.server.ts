import { existsSync } from "node:fs";
import path from "node:path";
import { EXTENSION_DIR, PREVIEW_CUSTOMER_COOKIE, renderExtensionBlock, type PreviewCustomer, type PreviewProduct } from "./storefront.server";

// The demo store page around the widget (local mode only). Plain HTML and inline CSS, no
// external requests, so Lighthouse runs on it measure the widget and nothing else.

export interface PreviewMember {
  id: string;
  firstName: string | null;
  name: string;
  email: string | null;
  points: number;
  /** The customer's tags in the emulator (tier and member tags), for Liquid's customer.tags. */
  tags?: string[];
}

/** A product page (members-only products, 0034): the product and the price it shows. */
export interface PreviewProductPage {
  product: PreviewProduct;
  price: string;
  timeZone: string;
}

const LOCALES = ["en", "fi", "da", "sv"] as const;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const PRODUCTS = [
  { name: "Linen tote", price: "39,00 €", hue: 28 },
  { name: "Birch candle", price: "24,00 €", hue: 140 },
  { name: "Wool blanket", price: "129,00 €", hue: 210 },
  { name: "Ceramic mug", price: "18,00 €", hue: 350 },
];

/** The customer the preview shows: `?customer=<id>|guest`, else the last one chosen (cookie). */
export function previewCustomerId(request: Request): string | null {
  const requested = new URL(request.url).searchParams.get("customer");
  const cookieCustomer = /kanta_preview_customer=(\d+)/.exec(request.headers.get("cookie") ?? "")?.[1] ?? null;
  return requested === "guest" ? null : (requested ?? cookieCustomer);
}

export async function renderStorefrontPage(request: Request, members: PreviewMember[], page: "home" | "rewards" | "product", productPage?: PreviewProductPage): Promise<Response> {
  const url = new URL(request.url);
  const customerId = previewCustomerId(request);
  const member = members.find((m) => m.id === customerId) ?? null;
  const localeParam = url.searchParams.get("locale") ?? "en";
  const locale = (LOCALES as readonly string[]).includes(localeParam) ? localeParam : "en";
  const withWidget = url.searchParams.get("widget") !== "0";
  const customer: PreviewCustomer | null = member ? { id: member.id, first_name: member.firstName, email: member.email, tags: member.tags ?? [] } : null;

  const embedFile = "app-embed.liquid";
  const blockFile = "rewards-page.liquid";
  const embed =
    withWidget && existsSync(path.join(EXTENSION_DIR, "blocks", embedFile))
      ? (await renderExtensionBlock(embedFile, { locale, customer })).html
      : "";
  const rewardsBlock =
    page === "rewards" && existsSync(path.join(EXTENSION_DIR, "blocks", blockFile))
      ? (await renderExtensionBlock(blockFile, { locale, customer })).html
      : "";

  const membersOnlyBlock =
    page === "product" && productPage
      ? (await renderExtensionBlock("members-only.liquid", { locale, customer, product: productPage.product, timeZone: productPage.timeZone })).html
      : "";

  const keep = (extra: Record<string, string>) => {
    const q = new URLSearchParams({ customer: member ? member.id : "guest", locale, ...(withWidget ? {} : { widget: "0" }), ...(productPage ? { product: String(productPage.product.id) } : {}), ...extra });
    return `?${q.toString()}`;
  };
  const customerLinks = [
    `<a href="${keep({ customer: "guest" })}" ${member ? "" : 'aria-current="true"'}>Guest</a>`,
    ...members.map(
      (m) => `<a href="${keep({ customer: m.id })}" ${m.id === member?.id ? 'aria-current="true"' : ""}>${escape(m.name)} · ${m.points}</a>`,
    ),
  ].join("");
  const localeLinks = LOCALES.map((l) => `<a href="${keep({ locale: l })}" ${l === locale ? 'aria-current="true"' : ""}>${l}</a>`).join("");

  const productMain = productPage
    ? `<section class="product"><div class="img" style="background:linear-gradient(135deg,hsl(45 70% 80%),hsl(8 70% 62%))" role="img" aria-label="${escape(productPage.product.title)}"></div>
       <div><h1>${escape(productPage.product.title)}</h1><p class="price">${escape(productPage.price)}</p>
       <form method="post" action="/cart/add" class="product-form"><input type="hidden" name="id" value="${productPage.product.id}">${membersOnlyBlock}<button type="submit" name="add" class="cta">Add to cart</button><div class="shopify-payment-button"><button type="button" class="buy-now">Buy it now</button></div></form></div></section>`
    : "";
  const main =
    page === "product"
      ? `<div class="shopify-section">${productMain}</div>`
      : page === "rewards"
      ? `<section class="rewards-page"><h1>Rewards</h1>${rewardsBlock || "<p>The rewards block is not built yet.</p>"}</section>`
      : `<section class="hero"><div><p class="eyebrow">New in</p><h1>Made for long Nordic evenings</h1><p>Natural materials, made to last. Members earn 1 point for every euro.</p><a class="cta" href="/local/storefront/rewards${keep({})}">See rewards</a></div></section>
         <section class="grid" aria-label="Products">${PRODUCTS.map(
           (p) => `<article class="card"><div class="img" style="background:linear-gradient(135deg,hsl(${p.hue} 35% 82%),hsl(${p.hue} 30% 66%))" role="img" aria-label="${escape(p.name)}"></div><h2>${escape(p.name)}</h2><p>${p.price}</p></article>`,
         ).join("")}</section>`;

  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Kanta Demo — storefront preview</title>
<meta name="description" content="Local preview of the Kanta rewards widget in a demo store.">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
*{box-sizing:border-box}body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1c1c1c;background:#faf8f5}
.preview{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;padding:6px 16px;background:#1a1a1a;color:#d6d6d6;font-size:12px}
.preview strong{color:#fff}.preview nav{display:flex;flex-wrap:wrap;gap:4px}.preview a{color:#d6d6d6;text-decoration:none;padding:2px 8px;border-radius:6px}
.preview a[aria-current]{background:#3a3a3a;color:#fff}
header.store{display:flex;justify-content:space-between;align-items:center;padding:18px 24px;border-bottom:1px solid #e8e4dd;background:#fff}
header.store .logo{font-weight:700;letter-spacing:.08em;text-decoration:none;color:inherit}header.store nav a{margin-left:18px;color:#1c1c1c;text-decoration:none}
.hero{padding:64px 24px;background:#efe9df}.hero div{max-width:560px;margin:0 auto;text-align:center}.hero h1{font-size:clamp(28px,5vw,44px);line-height:1.1;margin:.2em 0}
.eyebrow{text-transform:uppercase;letter-spacing:.12em;font-size:12px;color:#6b6257}.cta{display:inline-block;margin-top:12px;padding:12px 22px;background:#1c1c1c;color:#fff;border-radius:8px;text-decoration:none}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:20px;max-width:1100px;margin:40px auto;padding:0 24px}
.card h2{font-size:16px;margin:10px 0 2px}.card p{margin:0;color:#5c5c5c}.img{aspect-ratio:4/5;border-radius:8px}
.rewards-page{max-width:760px;margin:40px auto;padding:0 24px}
.product{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:32px;max-width:1000px;margin:40px auto;padding:0 24px}.product h1{margin:0 0 4px}.price{font-size:20px;margin:0 0 16px}
.product-form{display:flex;flex-direction:column;gap:10px;max-width:380px}.product-form .cta{border:0;font:inherit;cursor:pointer}.buy-now{width:100%;padding:12px;border-radius:8px;border:1px solid #1c1c1c;background:#ffd60a;font:inherit}
@media (max-width:700px){.product{grid-template-columns:1fr;gap:16px;margin-top:16px}}
footer{padding:40px 24px;text-align:center;color:#6b6257;font-size:14px;border-top:1px solid #e8e4dd}
</style>
</head>
<body>
<div class="preview" role="region" aria-label="Local preview controls"><strong>Kanta local preview</strong><nav aria-label="Preview as">${customerLinks}</nav><nav aria-label="Language">${localeLinks}</nav><nav aria-label="Other previews"><a href="/local/extensions/kanta-rewards-page${member ? `?customer=${member.id}&locale=${locale}` : ""}">Customer account</a></nav></div>
<header class="store"><a class="logo" href="/local/storefront${keep({})}">KANTA DEMO</a><nav aria-label="Store"><a href="/local/storefront${keep({})}">Shop</a><a href="/local/storefront/rewards${keep({})}">Rewards</a></nav></header>
<main>${main}</main>
<footer>© Kanta Demo · a local preview; nothing here is a real store</footer>
${embed}
</body>
</html>`;
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  headers.append("Set-Cookie", `${PREVIEW_CUSTOMER_COOKIE}=${member ? member.id : ""}; Path=/; SameSite=Lax; HttpOnly${member ? "" : "; Max-Age=0"}`);
  return new Response(html, { headers });
}
