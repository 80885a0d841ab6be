// Local mode's POS part of the extension preview host (served at /local/pos-host/pos-host.js;
// the generic host is app/local/extension-host/host.js). It runs before host.js and adds, to
// the `shopify` global host.js builds, what POS targets use: session.getSessionToken (a
// token signed as POS signs it, `sub` the staff member), the cart (a demo cart kept in
// sessionStorage, so the tile, its modal and the customer's details share it) with its
// mutations, customer, action.presentModal and window.close; and POS's own components
// (<s-tile>, <s-pos-block>, <s-scroll-box>). Every change the extension makes to the cart is
// listed beside it; a code is checked against the Admin API emulator, as POS asks Shopify.
// docs/decisions/0027-pos.md

const config = window.__kantaPreview;
const pos = config.data.__pos;
const frame = document.querySelector(".pos-frame");
const customerGid = (id) => `gid://shopify/Customer/${id}`;

// ---- The cart ------------------------------------------------------------------------------

const LINES = [
  { uuid: "line-1", title: "Linen tote", variantTitle: "Natural", quantity: 1, price: 24.5 },
  { uuid: "line-2", title: "Filter coffee 250 g", variantTitle: null, quantity: 2, price: 8.9 },
];

function loadState() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(pos.cartKey) ?? "null");
    if (saved && saved.customerId === pos.customerId) return saved;
  } catch {
    /* a fresh cart */
  }
  return { customerId: pos.customerId, discounts: [], log: [] };
}
let state = loadState();

const money = (n) => new Intl.NumberFormat("en", { style: "currency", currency: "EUR" }).format(n);

function toCart() {
  const subtotal = LINES.reduce((s, l) => s + l.price * l.quantity, 0);
  let off = 0;
  for (const d of state.discounts) off += d.amountOff;
  const grand = Math.max(0, subtotal - off);
  return {
    cartDiscount: state.discounts[0] ? { amount: String(state.discounts[0].amountOff), discountDescription: state.discounts[0].title, type: "Code" } : undefined,
    cartDiscounts: state.discounts.map((d) => ({ amount: String(d.amountOff), discountDescription: d.title, type: "Code" })),
    customer: state.customerId ? { id: state.customerId } : undefined,
    lineItems: LINES.map((l) => ({ uuid: l.uuid, title: l.title, variantTitle: l.variantTitle, quantity: l.quantity, price: l.price, taxable: true, isGiftCard: false, discounts: [], properties: {}, discountAllocations: [] })),
    properties: {},
    subtotal: subtotal.toFixed(2),
    taxTotal: "0.00",
    grandTotal: grand.toFixed(2),
    editable: true,
  };
}

const listeners = new Set();
const current = {
  get value() {
    return toCart();
  },
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

function commit(entry) {
  if (entry) state.log.push({ at: new Date().toISOString(), ...entry });
  sessionStorage.setItem(pos.cartKey, JSON.stringify(state));
  const cart = toCart();
  listeners.forEach((l) => l(cart));
  renderCart();
}

async function addCartCodeDiscount(code) {
  const r = await fetch(`/local/pos/discount?code=${encodeURIComponent(code)}`);
  const found = await r.json();
  const refuse = (why) => {
    commit({ call: `addCartCodeDiscount("${code}")`, outcome: `refused: ${why}`, ok: false });
    throw new Error(`Discount code ${code} ${why}`);
  };
  if (!found.exists) return refuse("does not exist in Shopify");
  if (!found.active) return refuse("is no longer active");
  if (found.customers && !(state.customerId && found.customers.includes(customerGid(state.customerId)))) return refuse("is for another customer");
  if (state.discounts.some((d) => d.code === found.code)) return refuse("is already on the cart");
  const subtotal = LINES.reduce((s, l) => s + l.price * l.quantity, 0);
  const amountOff = found.amount ? Number(found.amount) : found.percentage ? Math.round(subtotal * found.percentage * 100) / 100 : 0;
  state.discounts.push({ code: found.code, title: found.title, amountOff });
  commit({ call: `addCartCodeDiscount("${code}")`, outcome: `applied: ${found.title} (−${money(amountOff)}), the code exists in Shopify for this customer`, ok: true });
}

const cart = {
  current,
  addCartCodeDiscount,
  async applyCartDiscount(type, title, amount) {
    commit({ call: `applyCartDiscount("${type}", "${title}", ${amount ?? "undefined"})`, outcome: "not used by Kanta", ok: false });
  },
  async removeCartDiscount() {
    state.discounts = [];
    commit({ call: "removeCartDiscount()", outcome: "discounts removed", ok: true });
  },
  async removeAllDiscounts() {
    state.discounts = [];
    commit({ call: "removeAllDiscounts()", outcome: "discounts removed", ok: true });
  },
  async setCustomer(customer) {
    state.customerId = customer.id;
    commit({ call: `setCustomer({ id: ${customer.id} })`, outcome: "customer set", ok: true });
  },
  async removeCustomer() {
    state.customerId = null;
    commit({ call: "removeCustomer()", outcome: "customer removed", ok: true });
  },
};

function renderCart() {
  const body = document.getElementById("pos-cart-body");
  const log = document.getElementById("pos-cart-log");
  if (!body || !log) return;
  const c = toCart();
  const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);
  body.innerHTML = `
    <p class="pos-cart-customer">${state.customerId ? `Customer · <span data-testid="pos-cart-customer">${state.customerId}</span>` : "No customer"}</p>
    <ul class="pos-lines">${LINES.map((l) => `<li><span>${esc(l.title)}${l.quantity > 1 ? ` × ${l.quantity}` : ""}</span><span>${money(l.price * l.quantity)}</span></li>`).join("")}</ul>
    <ul class="pos-lines pos-discounts" data-testid="pos-cart-discounts">${state.discounts.map((d) => `<li><span>Discount <code>${esc(d.code)}</code><br><small>${esc(d.title)}</small></span><span>−${money(d.amountOff)}</span></li>`).join("")}</ul>
    <p class="pos-total"><span>Total</span><span data-testid="pos-cart-total">${money(Number(c.grandTotal))}</span></p>`;
  log.innerHTML = state.log.length
    ? state.log.map((e) => `<li class="${e.ok ? "ok" : "refused"}"><code>${esc(e.call)}</code><br>${esc(e.outcome)}</li>`).join("")
    : `<li class="empty">Nothing yet.</li>`;
}
document.addEventListener("DOMContentLoaded", renderCart);
renderCart();

// ---- The rest of POS's API ------------------------------------------------------------------

function presentModal() {
  const to = config.target.startsWith("pos.customer-details.") ? frame.dataset.customerModal : frame.dataset.homeModal;
  if (to && to !== "#") location.assign(to);
}
window.close = () => {
  const to = document.querySelector(".pos-modal")?.dataset.close ?? frame.dataset.home;
  location.assign(to || "#");
};

const posApi = {
  session: { ...config.data.session, getSessionToken: async () => pos.sessionToken },
  cart,
  action: { presentModal },
};

// host.js assigns globalThis.shopify; POS's part is added as it is assigned.
let value;
Object.defineProperty(globalThis, "shopify", {
  configurable: true,
  get: () => value,
  set(next) {
    const staff = next.session?.staffMember;
    value = Object.assign(next, posApi);
    if (staff) value.session.staffMember = staff;
    delete value.__pos;
  },
});

// ---- POS's components ---------------------------------------------------------------------

class STile extends HTMLElement {
  static observedAttributes = ["heading", "subheading", "itemcount", "disabled"];
  connectedCallback() {
    this.render();
    this.addEventListener(
      "click",
      (event) => {
        if (this.hasAttribute("disabled")) {
          event.stopImmediatePropagation();
          event.preventDefault();
        }
      },
      { capture: true },
    );
  }
  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }
  render() {
    if (!this.shadowRoot) {
      const s = this.attachShadow({ mode: "open" });
      s.innerHTML = `<style>
        :host{display:block;height:100%}
        button{all:unset;box-sizing:border-box;display:flex;flex-direction:column;justify-content:space-between;width:100%;height:100%;min-height:112px;padding:14px 16px;border-radius:12px;background:#fff;border:1px solid #dcdcdc;cursor:pointer;font:inherit;color:#1a1a1a;position:relative}
        button:focus-visible{outline:3px solid #005bd3;outline-offset:2px}
        button:disabled{cursor:default;background:#f3f3f3;color:#8a8a8a}
        .h{font-weight:650;font-size:16px}
        .s{font-size:14px;color:#616161}
        .n{position:absolute;top:12px;right:12px;min-width:24px;height:24px;padding:0 7px;border-radius:12px;background:#005bd3;color:#fff;font:600 13px/24px system-ui;text-align:center}
        .n[hidden]{display:none}
      </style><button type="button" part="tile"><span class="h"></span><span class="s"></span><span class="n" aria-hidden="true"></span></button>`;
    }
    const s = this.shadowRoot;
    const count = Number(this.getAttribute("itemcount") || 0);
    s.querySelector(".h").textContent = this.getAttribute("heading") ?? "";
    s.querySelector(".s").textContent = this.getAttribute("subheading") ?? "";
    const n = s.querySelector(".n");
    n.textContent = String(count);
    n.hidden = !count;
    const b = s.querySelector("button");
    b.disabled = this.hasAttribute("disabled");
    b.setAttribute("aria-label", [this.getAttribute("heading"), this.getAttribute("subheading"), count ? `${count} available` : ""].filter(Boolean).join(", "));
  }
}

class SPosBlock extends HTMLElement {
  static observedAttributes = ["heading"];
  connectedCallback() {
    this.render();
  }
  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }
  render() {
    if (!this.shadowRoot) {
      const s = this.attachShadow({ mode: "open" });
      s.innerHTML = `<style>
        :host{display:block;background:#fff;border-radius:12px;border:1px solid #e3e3e3;padding:16px 20px}
        header{display:flex;align-items:center;justify-content:space-between;gap:12px;margin-bottom:10px}
        h2{margin:0;font-size:16px;font-weight:650;white-space:nowrap}
      </style><section><header><h2></h2><slot name="secondary-actions"></slot></header><slot></slot></section>`;
    }
    const h = this.shadowRoot.querySelector("h2");
    h.textContent = this.getAttribute("heading") ?? "";
    this.shadowRoot.querySelector("section").setAttribute("aria-label", h.textContent);
  }
}

if (!customElements.get("s-tile")) customElements.define("s-tile", STile);
if (!customElements.get("s-pos-block")) customElements.define("s-pos-block", SPosBlock);
if (!customElements.get("s-scroll-box")) customElements.define("s-scroll-box", class extends HTMLElement {});
