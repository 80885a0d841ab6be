// Local mode's host for Kanta's UI extensions (served at /local/extension-host/host.js by
// app/local/routes/local.extension-host.$file.tsx). It plays Shopify's part around an
// extension target's own code:
//  1. `shopify`: the global the target's types describe, from the page's
//     window.__kantaPreview (data + which paths are signals, built per surface by
//     app/local/extension-preview.server.ts) plus functions: sessionToken.get, navigation,
//     i18n, toast, storage, analytics, intents, query.
//  2. Polaris web components (<s-page>, <s-section>, <s-button>…) as small custom elements
//     with the semantics Shopify's give them (headings, buttons, links, progress, copy);
//     host.css makes them look like Shopify's customer-account and checkout UI.
//  3. Loads /local/extensions/<handle>/bundle.js?target=… (the target's module bundled for
//     the browser) and calls its default export, as Shopify's sandbox does.
// docs/decisions/0025-customer-account-extensions.md

const config = window.__kantaPreview;
const root = document.getElementById("kanta-extension-root");
globalThis.__kantaExtensionRoot = root;
globalThis.KANTA_APP_URL = config.appUrl;

// ---- 1. The `shopify` global ---------------------------------------------------------------

function signalLike(initial) {
  let value = initial;
  const listeners = new Set();
  return {
    get value() {
      return value;
    },
    set(next) {
      value = next;
      listeners.forEach((l) => l(next));
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

function setPath(obj, dotted, wrap) {
  const parts = dotted.split(".");
  let node = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    node[parts[i]] ??= {};
    node = node[parts[i]];
  }
  const last = parts[parts.length - 1];
  node[last] = wrap(node[last]);
}

const toasts = document.createElement("div");
toasts.className = "kanta-toasts";
toasts.setAttribute("role", "status");
document.body.append(toasts);

function showToast(message) {
  const el = document.createElement("div");
  el.className = "kanta-toast";
  el.textContent = message;
  toasts.append(el);
  setTimeout(() => el.remove(), 4000);
  return { hide: () => el.remove() };
}

/** `extension:<handle>/` (full page), `shopify:customer-account/…`, or a normal URL. */
function resolveHref(href) {
  if (!href) return null;
  const params = new URLSearchParams(location.search);
  const keep = (target) => `?${new URLSearchParams({ target, customer: params.get("customer") ?? "guest", locale: config.language })}`;
  const ext = /^extension:([^/]+)\/?(.*)$/.exec(href);
  if (ext) return `${config.previewBase}${encodeURIComponent(ext[1])}${keep("customer-account.page.render")}`;
  if (href.startsWith("shopify:")) return "#";
  return href;
}

function navigate(url) {
  const to = resolveHref(String(url));
  if (to && to !== "#") location.assign(to);
  else showToast(`Navigation to ${url} (not part of the preview)`);
}

const storage = new Map();
const data = structuredClone(config.data);
for (const path of config.signals) setPath(data, path, (v) => signalLike(v));

const language = config.language;
const shopify = {
  ...data,
  sessionToken: {
    // Signed by the server for the chosen demo customer (HS256, the local app secret).
    get: async () => config.sessionToken,
  },
  navigation: {
    navigate,
    currentEntry: { key: "preview", url: location.href, getState: () => undefined },
    updateCurrentEntry() {},
    addEventListener() {},
    removeEventListener() {},
  },
  i18n: {
    formatNumber: (n, options) => new Intl.NumberFormat(language, options).format(n),
    formatCurrency: (n, options) => new Intl.NumberFormat(language, { style: "currency", currency: "EUR", ...options }).format(n),
    formatDate: (d, options) => new Intl.DateTimeFormat(language, options).format(new Date(d)),
    translate: (key) => key,
  },
  toast: { show: (message) => showToast(message) },
  storage: {
    read: async (key) => storage.get(key) ?? null,
    write: async (key, value) => void storage.set(key, value),
    delete: async (key) => void storage.delete(key),
  },
  analytics: { publish: async () => true, visitor: async () => ({ type: "success" }) },
  intents: { invoke: async () => ({ code: "closed" }) },
  query: async () => ({ errors: [{ message: "The Storefront API is not part of the local preview." }] }),
  extend() {},
  reload: () => location.reload(),
};
globalThis.shopify = shopify;
// Navigation is also a global in customer-account targets (globals.d.ts).
globalThis.navigation ??= shopify.navigation;

// ---- 2. Polaris web components -------------------------------------------------------------

const sheet = new CSSStyleSheet();
sheet.replaceSync(`
:host{display:block}
.heading{margin:0 0 12px;font-weight:650;color:var(--ca-text)}
h1.heading{font-size:24px;line-height:1.25;margin:0 0 20px}
h2.heading{font-size:16px;line-height:1.4}
button{all:unset;box-sizing:border-box;display:inline-flex;align-items:center;justify-content:center;gap:6px;min-height:40px;padding:0 16px;border-radius:8px;font:inherit;font-weight:600;font-size:14px;cursor:pointer;white-space:nowrap}
:host([inlinesize=fill]) button{width:100%}
button:focus-visible,a:focus-visible{outline:2px solid var(--ca-accent);outline-offset:2px}
:host([variant=primary]) button{background:var(--ca-accent);color:#fff}
:host([variant=primary]) button:hover{background:var(--ca-accent-hover)}
:host(:not([variant=primary])) button{background:#fff;color:var(--ca-text);border:1px solid var(--ca-border-strong)}
:host(:not([variant=primary])) button:hover{background:var(--ca-subdued-bg)}
:host([tone=critical]) button{color:var(--ca-critical)}
button:disabled{opacity:.45;cursor:default}
:host([loading]) button{color:transparent!important;position:relative}
:host([loading]) button::after{content:"";position:absolute;width:16px;height:16px;border:2px solid currentColor;border-color:var(--ca-text) transparent var(--ca-text) var(--ca-text);border-radius:50%;animation:spin .8s linear infinite}
:host([loading][variant=primary]) button::after{border-color:#fff transparent #fff #fff}
@keyframes spin{to{transform:rotate(360deg)}}
a{color:var(--ca-accent);text-decoration:underline;text-underline-offset:2px;font-weight:500;cursor:pointer}
a:hover{color:var(--ca-accent-hover)}
progress{appearance:none;width:100%;height:8px;border:0;border-radius:4px;overflow:hidden;background:var(--ca-progress-bg);display:block}
progress::-webkit-progress-bar{background:var(--ca-progress-bg)}
progress::-webkit-progress-value{background:var(--ca-accent);border-radius:4px}
progress::-moz-progress-bar{background:var(--ca-accent)}
.banner{display:grid;grid-template-columns:20px 1fr;gap:12px;padding:12px 16px;border-radius:12px;background:var(--tone-bg);border:1px solid var(--tone-border)}
.banner .icon{width:20px;height:20px;border-radius:50%;background:var(--tone-icon);color:#fff;font:700 13px/20px system-ui;text-align:center}
.banner .heading{margin:0;font-size:14px;font-weight:650}
.banner .body{display:grid;gap:8px;margin-top:4px}
.banner .body:empty{display:none}
`);

const shadow = (el, html) => {
  if (el.shadowRoot) return el.shadowRoot;
  const s = el.attachShadow({ mode: "open" });
  s.adoptedStyleSheets = [sheet];
  s.innerHTML = html;
  return s;
};

class Base extends HTMLElement {
  static observedAttributes = ["accessibilitylabel", "heading", "disabled", "loading", "value", "max", "href", "gridtemplatecolumns", "gap", "padding", "tone"];
  connectedCallback() {
    this.render();
  }
  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }
  render() {
    const label = this.getAttribute("accessibilitylabel");
    if (label && !this.hasAttribute("aria-label") && this.labelTarget) this.labelTarget().setAttribute("aria-label", label);
  }
}

class SPage extends Base {
  render() {
    const s = shadow(this, `<h1 class="heading" part="heading"></h1><slot></slot>`);
    const h = s.querySelector("h1");
    h.textContent = this.getAttribute("heading") ?? "";
    h.hidden = !h.textContent;
  }
}

class SSection extends Base {
  render() {
    const s = shadow(this, `<h2 class="heading" part="heading"></h2><slot></slot>`);
    const h = s.querySelector("h2");
    h.textContent = this.getAttribute("heading") ?? "";
    h.hidden = !h.textContent;
    // The host is the region, so the extension's (slotted) content is inside it.
    const label = this.getAttribute("accessibilitylabel") || h.textContent;
    if (label) {
      this.setAttribute("role", "region");
      this.setAttribute("aria-label", label);
    } else {
      this.removeAttribute("role");
      this.removeAttribute("aria-label");
    }
  }
}

class SHeading extends Base {
  render() {
    if (!this.hasAttribute("role")) {
      this.setAttribute("role", "heading");
      this.setAttribute("aria-level", "3");
    }
  }
}

class SButton extends Base {
  render() {
    const href = this.getAttribute("href");
    const s = shadow(this, `<button part="button" type="button"><slot></slot></button>`);
    const b = s.querySelector("button");
    b.disabled = this.hasAttribute("disabled") || this.hasAttribute("loading");
    b.setAttribute("aria-busy", this.hasAttribute("loading") ? "true" : "false");
    const label = this.getAttribute("accessibilitylabel");
    if (label) b.setAttribute("aria-label", label);
    else b.removeAttribute("aria-label");
    if (!this._wired) {
      this._wired = true;
      // A click on a disabled or loading button never reaches the extension.
      this.addEventListener(
        "click",
        (event) => {
          if (this.hasAttribute("disabled") || this.hasAttribute("loading")) {
            event.stopImmediatePropagation();
            event.preventDefault();
            return;
          }
          const commandFor = this.getAttribute("commandfor");
          if (commandFor) {
            const target = document.getElementById(commandFor);
            if (target && typeof target.runCommand === "function") target.runCommand(this.getAttribute("command") ?? "--copy");
          }
          const to = this.getAttribute("href");
          if (to) navigate(to);
        },
        { capture: true },
      );
    }
    if (href) b.setAttribute("role", "link");
  }
}

class SLink extends Base {
  render() {
    const s = shadow(this, `<a part="link"><slot></slot></a>`);
    const a = s.querySelector("a");
    const href = this.getAttribute("href");
    const to = resolveHref(href);
    if (to) a.setAttribute("href", to);
    else a.removeAttribute("href");
    const label = this.getAttribute("accessibilitylabel");
    if (label) a.setAttribute("aria-label", label);
    if (!this._wired) {
      this._wired = true;
      a.addEventListener("click", (event) => {
        const raw = this.getAttribute("href");
        if (raw && raw.startsWith("shopify:")) {
          event.preventDefault();
          navigate(raw);
        }
      });
    }
  }
}

class SProgress extends Base {
  render() {
    const s = shadow(this, `<progress part="progress"></progress>`);
    const p = s.querySelector("progress");
    if (this.hasAttribute("max")) p.max = Number(this.getAttribute("max")) || 1;
    if (this.hasAttribute("value")) p.value = Number(this.getAttribute("value")) || 0;
    else p.removeAttribute("value");
    const label = this.getAttribute("accessibilitylabel");
    if (label) p.setAttribute("aria-label", label);
  }
}

const TONE_ICON = { critical: "!", warning: "!", success: "✓", info: "i", auto: "i" };
class SBanner extends Base {
  render() {
    const s = shadow(this, `<div class="banner" part="banner"><span class="icon" aria-hidden="true"></span><div><p class="heading"></p><div class="body"><slot></slot></div></div></div>`);
    const tone = this.getAttribute("tone") || "info";
    s.querySelector(".icon").textContent = TONE_ICON[tone] ?? "i";
    s.querySelector(".heading").textContent = this.getAttribute("heading") ?? "";
    this.setAttribute("role", tone === "critical" ? "alert" : "status");
  }
}

class SClipboardItem extends Base {
  render() {
    this.hidden = true;
  }
  async runCommand() {
    const text = this.getAttribute("text") ?? "";
    try {
      await navigator.clipboard.writeText(text);
      this.dispatchEvent(new Event("copy"));
    } catch {
      // Clipboard permission refused (e.g. a headless browser): the copy still "happened" for the preview.
      this.dispatchEvent(new Event("copy"));
    }
  }
}

class SGrid extends Base {
  render() {
    const columns = this.getAttribute("gridtemplatecolumns");
    if (columns) this.style.gridTemplateColumns = columns;
  }
}

class SSkeleton extends Base {
  render() {
    this.setAttribute("aria-busy", "true");
  }
}

class SPlain extends Base {}

const elements = {
  "s-page": SPage,
  "s-section": SSection,
  "s-heading": SHeading,
  "s-button": SButton,
  "s-link": SLink,
  "s-progress": SProgress,
  "s-banner": SBanner,
  "s-clipboard-item": SClipboardItem,
  "s-grid": SGrid,
  "s-skeleton-paragraph": SSkeleton,
};
for (const [name, cls] of Object.entries(elements)) if (!customElements.get(name)) customElements.define(name, cls);
for (const name of ["s-stack", "s-box", "s-text", "s-paragraph", "s-badge", "s-divider", "s-spinner", "s-image", "s-icon", "s-grid-item", "s-unordered-list", "s-ordered-list", "s-list-item"]) {
  if (!customElements.get(name)) customElements.define(name, class extends SPlain {});
}

// ---- 3. The extension ---------------------------------------------------------------------

const bundle = `${config.previewBase}${encodeURIComponent(config.handle)}/bundle.js?target=${encodeURIComponent(config.target)}`;
try {
  const mod = await import(bundle);
  await mod.default?.();
  root.dataset.state = "rendered";
} catch (error) {
  root.dataset.state = "failed";
  const pre = document.createElement("pre");
  pre.className = "kanta-host-error";
  pre.textContent = `The extension failed to load: ${error && error.stack ? error.stack : error}`;
  root.append(pre);
  console.error(error);
}
