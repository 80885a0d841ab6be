import { DEMO_PRODUCTS, DEMO_SHOP } from "./demo-shop";
import { newestOrderOf } from "../loyalty/orders/points-on-order.server";
import { applyOrderSnapshot } from "../loyalty/orders/orders.server";
import { getDb } from "../db.server";

// Local mode's preview surfaces for extensions/kanta-order-points (docs/decisions/0026):
// the thank-you page after a demo checkout (purchase.thank-you.block.render: OrderConfirmationApi
// and the checkout's lines, cost and discounts) and the order status page in customer accounts
// (customer-account.order-status.block.render: the order). Plugged into the preview host's
// PREVIEW_SURFACES (app/local/extension-preview.server.ts), ahead of its generic customer
// account surface. Structural types: this module does not import the host (no cycle).

interface SurfaceContext {
  url: URL;
  shop: string;
  customerGid: string | null;
  language: string;
  handle: string;
  target: string;
}

interface Surface {
  name: string;
  matches(target: string): boolean;
  api(ctx: SurfaceContext): { data: Record<string, unknown>; signals: string[] } | Promise<{ data: Record<string, unknown>; signals: string[] }>;
  chrome(ctx: SurfaceContext): { title: string; html: string };
}

/**
 * The demo checkout's order reaches Kanta: the order path's own applyOrderSnapshot with the
 * snapshot orders/paid would carry (the demo lines, paid now, the customer's), so the
 * thank-you block's next answer is the real figure.
 */
export async function confirmDemoOrder(shopDomain: string, orderId: string, customerId: string): Promise<void> {
  const now = new Date();
  const lines = DEMO_CHECKOUT_LINES.map(({ product, quantity }, i) => ({
    lineItemId: `gid://shopify/LineItem/${orderId}${i}`,
    quantity,
    currentQuantity: quantity,
    unitPriceMinor: Math.round(Number(product.variants[0]!.price) * 100),
    discountMinor: 0,
    taxMinor: 0,
    nonEarning: false,
  }));
  await applyOrderSnapshot(
    getDb(),
    shopDomain,
    {
      orderGid: `gid://shopify/Order/${orderId}`,
      name: `#KNT${orderId.slice(-6)}`,
      customerGid: `gid://shopify/Customer/${customerId}`,
      currencyCode: DEMO_SHOP.currencyCode,
      updatedAt: now,
      processedAt: now,
      financialStatus: "paid",
      cancelled: false,
      taxesIncluded: false,
      lines,
      refunds: [],
      discountCodes: [],
      totalMinor: lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0) + 490,
    },
    { paidSignal: true, now },
  );
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const money = (amount: number) => ({ amount, currencyCode: DEMO_SHOP.currencyCode });

/** The demo checkout's cart: a soap bar, two tote bags and a mug (what the thank-you page shows). */
export const DEMO_CHECKOUT_LINES = [
  { product: DEMO_PRODUCTS[0]!, quantity: 1 },
  { product: DEMO_PRODUCTS[1]!, quantity: 2 },
  { product: DEMO_PRODUCTS[3]!, quantity: 1 },
];

function demoLines() {
  return DEMO_CHECKOUT_LINES.map(({ product, quantity }, i) => {
    const variant = product.variants[0]!;
    const total = Math.round(Number(variant.price) * quantity * 100) / 100;
    return {
      id: `gid://shopify/CartLine/${i + 1}`,
      quantity,
      title: product.title,
      merchandise: { type: "variant", id: variant.id, title: variant.title, product: { id: product.id, vendor: DEMO_SHOP.name, productType: "" }, selectedOptions: [], requiresShipping: true },
      cost: { totalAmount: money(total) },
      attributes: [],
      discountAllocations: [],
      lineComponents: [],
      parentRelationship: null,
    };
  });
}

/** The demo checkout's order: ?order=<number> names one, else a new one (a fresh checkout each time). */
function demoOrderId(url: URL): string {
  const given = url.searchParams.get("order");
  return given && /^\d{1,20}$/.test(given) ? given : String(5_559_000_000_000 + (Date.now() % 1_000_000_000));
}

function totals() {
  const lines = demoLines();
  const subtotal = Math.round(lines.reduce((s, l) => s + l.cost.totalAmount.amount, 0) * 100) / 100;
  const shipping = 4.9;
  return { lines, subtotal, shipping, total: Math.round((subtotal + shipping) * 100) / 100 };
}

const euros = (amount: number, language: string) => new Intl.NumberFormat(language, { style: "currency", currency: DEMO_SHOP.currencyCode }).format(amount);

const STYLE = `<style>
.ty { max-width: 1100px; margin: 0 auto; background: #fff; display: grid; grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr); min-height: calc(100vh - 48px); }
.ty-main { padding: 32px 40px 64px; display: flex; flex-direction: column; gap: 16px; }
.ty-aside { background: #f5f5f5; border-left: 1px solid #e3e3e3; padding: 32px 32px 64px; }
.ty-shop { font-size: 20px; font-weight: 650; margin: 0 0 8px; }
.ty-confirmed { display: flex; gap: 12px; align-items: center; }
.ty-check { width: 40px; height: 40px; border-radius: 50%; border: 2px solid #1773b0; color: #1773b0; display: grid; place-items: center; font-size: 20px; flex: none; }
.ty-confirmed p { margin: 0; color: #707070; font-size: 14px; }
.ty-confirmed h1 { margin: 0; font-size: 22px; font-weight: 650; }
.ty-card { border: 1px solid #dedede; border-radius: 8px; padding: 16px 18px; background: #fff; }
.ty-card h2 { margin: 0 0 6px; font-size: 16px; font-weight: 650; }
.ty-card p { margin: 0; color: #545454; font-size: 14px; }
.ty-line { display: grid; grid-template-columns: 56px 1fr auto; gap: 12px; align-items: center; padding: 8px 0; font-size: 14px; }
.ty-thumb { width: 56px; height: 56px; border-radius: 8px; background: #e8e8e8; border: 1px solid #dcdcdc; position: relative; }
.ty-qty { position: absolute; top: -8px; right: -8px; background: #666; color: #fff; border-radius: 10px; font-size: 12px; min-width: 20px; height: 20px; display: grid; place-items: center; }
.ty-sum { display: flex; justify-content: space-between; font-size: 14px; padding: 4px 0; }
.ty-total { font-size: 18px; font-weight: 650; padding-top: 12px; }
.ty-demo { font-size: 13px; color: #707070; }
.ty-demo { margin: 0; }
.ty-demo button { font: inherit; font-size: 13px; padding: 6px 12px; border-radius: 8px; border: 1px solid #c9c9c9; background: #fff; color: #303030; cursor: pointer; }
.ty-demo button:hover { background: #f3f3f3; }
.ty .kanta-extension s-section { border: 1px solid #dedede; }
@media (max-width: 760px) {
  .ty { grid-template-columns: 1fr; }
  .ty-aside { order: -1; border-left: 0; border-bottom: 1px solid #e3e3e3; padding: 20px 16px; }
  .ty-main { padding: 20px 16px 48px; }
}
</style>`;

/** The order id api() chose for a page, for its chrome (the host calls api() first, chrome() after). */
const chosenOrderId = new WeakMap<SurfaceContext, string>();

export const thankYouSurface: Surface = {
  name: "Thank-you page",
  matches: (target) => target.startsWith("purchase.thank-you."),
  api: (ctx) => {
    const { lines, subtotal, shipping, total } = totals();
    const orderId = demoOrderId(ctx.url);
    chosenOrderId.set(ctx, orderId);
    return {
      data: {
        orderConfirmation: { order: { id: `gid://shopify/Order/${orderId}` }, number: `KNT${orderId.slice(-6)}`, isFirstOrder: false },
        lines,
        cost: { subtotalAmount: money(subtotal), totalShippingAmount: money(shipping), totalTaxAmount: money(0), totalAmount: money(total) },
        discountAllocations: [],
        discountCodes: [],
        buyerIdentity: { customer: ctx.customerGid ? { id: ctx.customerGid } : undefined, email: ctx.customerGid ? "customer@example.org" : "guest@example.org", phone: undefined, purchasingCompany: undefined },
        shop: { id: "gid://shopify/Shop/1", name: DEMO_SHOP.name, storefrontUrl: `${ctx.url.origin}/local/storefront`, myshopifyDomain: ctx.shop },
      },
      signals: ["orderConfirmation", "lines", "cost.subtotalAmount", "cost.totalShippingAmount", "cost.totalTaxAmount", "cost.totalAmount", "discountAllocations", "discountCodes", "buyerIdentity.customer", "buyerIdentity.email", "buyerIdentity.phone", "buyerIdentity.purchasingCompany"],
    };
  },
  chrome: (ctx) => {
    const { lines, subtotal, shipping, total } = totals();
    const orderId = chosenOrderId.get(ctx) ?? demoOrderId(ctx.url);
    const lineHtml = lines
      .map((l) => `<div class="ty-line"><span class="ty-thumb" aria-hidden="true"><span class="ty-qty">${l.quantity}</span></span><span>${escapeHtml(l.title)}</span><span>${euros(l.cost.totalAmount.amount, ctx.language)}</span></div>`)
      .join("");
    const again = new URLSearchParams(ctx.url.searchParams);
    again.delete("order");
    const html = `${STYLE}<div class="ty">
<main class="ty-main">
  <p class="ty-shop">${escapeHtml(DEMO_SHOP.name)}</p>
  <div class="ty-confirmed"><span class="ty-check" aria-hidden="true">✓</span><div><p>Confirmation #KNT${escapeHtml(orderId.slice(-6))}</p><h1>Thank you!</h1></div></div>
  <section class="ty-card"><h2>Your order is confirmed</h2><p>You’ll receive a confirmation email with your order number shortly.</p></section>
  {{extension}}
  <section class="ty-card"><h2>Order details</h2><p>Payment: Visa ending in 4242 · ${euros(total, ctx.language)}</p><p>Shipping: Standard</p></section>
  <p class="ty-demo">Demo checkout: order ${escapeHtml(orderId)}. <a href="?${escapeHtml(again.toString())}">Check out again</a></p>
  ${
    ctx.customerGid
      ? `<form class="ty-demo" method="post" action="/local/demo-checkout/confirm"><input type="hidden" name="order" value="${escapeHtml(orderId)}"><input type="hidden" name="customer" value="${escapeHtml(ctx.customerGid.split("/").pop()!)}"><input type="hidden" name="locale" value="${escapeHtml(ctx.language)}"><button type="submit">Shopify confirms the order (orders/paid)</button></form>`
      : ""
  }
</main>
<aside class="ty-aside" aria-label="Order summary">
  ${lineHtml}
  <div class="ty-sum"><span>Subtotal</span><span>${euros(subtotal, ctx.language)}</span></div>
  <div class="ty-sum"><span>Shipping</span><span>${euros(shipping, ctx.language)}</span></div>
  <div class="ty-sum ty-total"><span>Total</span><span>${euros(total, ctx.language)}</span></div>
</aside>
</div>`;
    return { title: "Thank you", html };
  },
};

const ORDER_STYLE = `<style>
.os { max-width: 1040px; margin: 0 auto; padding: 24px 24px 64px; display: grid; grid-template-columns: minmax(0, 1.5fr) minmax(0, 1fr); gap: 16px; align-items: start; }
.os-head { grid-column: 1 / -1; display: flex; flex-direction: column; gap: 4px; }
.os-head a { font-size: 14px; color: #1773b0; text-decoration: none; }
.os-head h1 { margin: 0; font-size: 24px; font-weight: 650; }
.os-head p { margin: 0; color: #707070; font-size: 14px; }
.os-col { display: flex; flex-direction: column; gap: 16px; }
.os-card { background: #fff; border-radius: 12px; padding: 20px; }
.os-card h2 { margin: 0 0 8px; font-size: 16px; font-weight: 650; }
.os-card p { margin: 0; color: #545454; font-size: 14px; }
.os-badge { display: inline-block; background: #e4f4e8; color: #0c5132; border-radius: 8px; padding: 2px 8px; font-size: 13px; font-weight: 550; }
.os-top { background: #fff; border-bottom: 1px solid #e3e3e3; }
.os-top-inner { max-width: 1040px; margin: 0 auto; padding: 14px 24px; display: flex; gap: 24px; align-items: center; font-size: 14px; }
.os-top-inner strong { font-size: 18px; margin-right: auto; }
.os-top-inner a { color: #303030; text-decoration: none; }
.os-top-inner a[aria-current] { font-weight: 650; }
@media (max-width: 760px) { .os { grid-template-columns: 1fr; padding: 16px 12px 48px; } .os-top-inner { padding: 12px; gap: 14px; } }
</style>`;

type PreviewOrder = { id: string; name: string; processedAt?: string } | null;

/** The order api() chose for a page, for its chrome (the host calls api() first, chrome() after, with the same context). */
const chosenFor = new WeakMap<SurfaceContext, PreviewOrder>();

async function chosenOrder(ctx: SurfaceContext): Promise<PreviewOrder> {
  const given = ctx.url.searchParams.get("order");
  if (given && /^\d{1,20}$/.test(given)) return { id: `gid://shopify/Order/${given}`, name: `#${given.slice(-4)}` };
  if (!ctx.customerGid) return null;
  const newest = await newestOrderOf(ctx.shop, ctx.customerGid);
  return newest ? { id: newest.orderGid, name: newest.name ?? `#${newest.orderGid.slice(-4)}`, processedAt: newest.processedAt?.toISOString() } : null;
}

export const orderStatusSurface: Surface = {
  name: "Order status (customer account)",
  matches: (target) => target.startsWith("customer-account.order-status."),
  api: async (ctx) => {
    const order = await chosenOrder(ctx);
    chosenFor.set(ctx, order);
    return {
      data: {
        order,
        authenticatedAccount: { customer: ctx.customerGid ? { id: ctx.customerGid } : undefined, purchasingCompany: null },
        shop: { id: "gid://shopify/Shop/1", name: DEMO_SHOP.name, storefrontUrl: `${ctx.url.origin}/local/storefront`, myshopifyDomain: ctx.shop },
      },
      signals: ["order", "authenticatedAccount.customer", "authenticatedAccount.purchasingCompany"],
    };
  },
  chrome: (ctx) => {
    const order = chosenFor.get(ctx) ?? null;
    const name = order ? escapeHtml(order.name) : "—";
    const when = order?.processedAt ? new Intl.DateTimeFormat(ctx.language, { day: "numeric", month: "long", year: "numeric" }).format(new Date(order.processedAt)) : "";
    const html = `${ORDER_STYLE}<header class="os-top"><div class="os-top-inner"><strong>${escapeHtml(DEMO_SHOP.name)}</strong><a href="#">Shop</a><a href="#" aria-current="page">Orders</a><a href="#">Profile</a></div></header>
<main class="os">
  <div class="os-head"><a href="#">← Orders</a><h1>Order ${name}</h1><p>${when ? `Confirmed ${escapeHtml(when)}` : "Confirmed"}</p></div>
  <div class="os-col">
    <section class="os-card"><span class="os-badge">Confirmed</span><h2 style="margin-top:10px">Your order is confirmed</h2><p>We’ll let you know when it ships.</p></section>
    {{extension}}
  </div>
  <div class="os-col">
    <section class="os-card"><h2>Contact information</h2><p>customer@example.org</p></section>
    <section class="os-card"><h2>Payment</h2><p>Visa ending in 4242</p></section>
  </div>
</main>`;
    return { title: `Order ${order?.name ?? ""}`.trim(), html };
  },
};
