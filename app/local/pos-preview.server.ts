import { getEmulator } from "./emulator.server";
import { escapePreviewHtml as esc, previewUrl, signLocalSessionToken, type PreviewContext, type PreviewSurface } from "./extension-preview.server";

// Local mode's POS surface for the extension preview host (extension-preview.server.ts):
// extensions/kanta-pos's own code runs inside a tablet-like POS chrome (the smart grid for
// the tile, the customer's details for the block, a full-screen modal for the modals) with
// POS's part of the `shopify` stand-in: session (a token signed as POS signs it: `sub` the
// staff member), the cart (a demo cart with the chosen member on it, kept in sessionStorage,
// every change the extension makes shown beside it), customer, action.presentModal and
// window.close. The functions are in app/local/pos-host/pos-host.js. docs/decisions/0027-pos.md

/** The demo staff member signed in to POS (the token's `sub`). */
export const PREVIEW_STAFF_ID = "gid://shopify/User/7001";

const numericId = (gid: string | null) => (gid ? Number(gid.split("/").pop()) : null);

function posChrome(ctx: PreviewContext): { title: string; html: string } {
  const customer = ctx.customerGid?.split("/").pop() ?? "guest";
  const link = (target: string) => {
    const t = ctx.targets.find((x) => x.handle === ctx.handle && x.target === target);
    return t ? previewUrl(t.handle, t.target, { customer, locale: ctx.language }) : "#";
  };
  const modal = ctx.target.endsWith(".modal.render") || ctx.target === "pos.customer-details.action.render";
  const cartPanel = `<aside class="pos-cart" aria-label="Cart"><h2>Cart</h2><div id="pos-cart-body"></div><h3>What the extension did to the cart</h3><ol id="pos-cart-log" class="pos-log"></ol></aside>`;
  const header = `<header class="pos-top"><span class="pos-brand">Point of Sale</span><span class="pos-where">Kanta Demo · Helsinki store</span><span class="pos-staff">Staff: Demo Staff</span></header>`;
  let screen: string;
  if (ctx.target === "pos.home.tile.render") {
    const tile = (title: string, sub: string) => `<div class="pos-native-tile"><strong>${esc(title)}</strong><span>${esc(sub)}</span></div>`;
    screen = `<main class="pos-screen"><h1 class="pos-h1">Home</h1><div class="pos-grid">${tile("Add custom sale", "")}${tile("Apply discount", "")}${tile("Ship to customer", "")}<div class="pos-tile-slot">{{extension}}</div>${tile("Gift card", "Sell or check balance")}${tile("Orders", "")}</div></main>`;
  } else if (ctx.target === "pos.customer-details.block.render" || ctx.target === "pos.customer-details.action.menu-item.render") {
    const menu = ctx.target === "pos.customer-details.action.menu-item.render";
    screen = `<main class="pos-screen"><h1 class="pos-h1">Customer</h1><section class="pos-card"><h2>Demo customer</h2><p class="pos-sub">customer@example.org · Finland</p></section>${
      menu ? `<section class="pos-card pos-menu"><h2>More actions</h2><div class="pos-menu-item">Edit customer</div><div class="pos-menu-slot">{{extension}}</div></section>` : `{{extension}}`
    }<section class="pos-card"><h2>Orders</h2><p class="pos-sub">Order history appears here in POS.</p></section></main>`;
  } else if (modal) {
    const back = ctx.target === "pos.home.modal.render" ? link("pos.home.tile.render") : link("pos.customer-details.block.render");
    screen = `<main class="pos-screen pos-modal" data-close="${esc(back)}"><div class="pos-modal-bar"><a class="pos-close" href="${esc(back)}" aria-label="Close">✕</a><span>Kanta rewards</span></div>{{extension}}</main>`;
  } else {
    screen = `<main class="pos-screen">{{extension}}</main>`;
  }
  return {
    title: "POS",
    html: `<link rel="stylesheet" href="/local/pos-host/pos.css"><script type="module" src="/local/pos-host/pos-host.js"></script><div class="pos-frame" data-home="${esc(link("pos.home.tile.render"))}" data-home-modal="${esc(link("pos.home.modal.render"))}" data-customer-modal="${esc(link("pos.customer-details.action.render"))}">${header}<div class="pos-body">${screen}${cartPanel}</div></div>`,
  };
}

export const posPreviewSurface: PreviewSurface = {
  name: "Point of Sale",
  matches: (target) => target.startsWith("pos."),
  api: (ctx) => {
    const customerId = numericId(ctx.customerGid);
    return {
      data: {
        // pos-host.js turns these into POS's functions (getSessionToken, cart mutations…).
        __pos: {
          sessionToken: signLocalSessionToken({ shop: ctx.shop, sub: PREVIEW_STAFF_ID }),
          customerId,
          cartKey: `kanta-pos-cart:${ctx.shop}`,
        },
        session: {
          currentSession: { shopId: 1, userId: 7001, shopDomain: ctx.shop, locationId: 1, staffMemberId: 7001, currency: "EUR", posVersion: "preview" },
          staffMember: { id: 7001 },
          deviceId: 1,
        },
        customer: customerId ? { id: customerId } : undefined,
        locale: { value: ctx.language },
        connectivity: { current: { internetConnected: "Connected" } },
      },
      signals: ["session.staffMember", "connectivity.current"],
    };
  },
  chrome: posChrome,
};

/** local mode's answer to "does this discount code exist in Shopify?" (the emulator's discounts). */
export async function previewDiscount(shop: string, code: string) {
  const found = (await getEmulator()).discounts(shop).find((d) => d.code.toUpperCase() === code.toUpperCase());
  if (!found) return { exists: false as const, code };
  const value = (found.input.customerGets as { value?: { discountAmount?: { amount?: string }; percentage?: number } } | undefined)?.value;
  return {
    exists: true as const,
    code: found.code,
    title: found.title,
    kind: found.typename,
    customers: found.customerGids,
    amount: value?.discountAmount?.amount ?? null,
    percentage: value?.percentage ?? null,
    active: !found.deactivatedAt,
  };
}
