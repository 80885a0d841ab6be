// Kanta local mode: a stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js.
// Provides what Kanta's admin uses of the `shopify` global — toast, saveBar,
// resourcePicker, idToken, config — and renders <ui-nav-menu> / <ui-title-bar> as plain
// page chrome. Served only when KANTA_LOCAL=1 (app/routes/local.app-bridge[.]js.ts).
(function () {
  if (window.shopify) return;
  var toastHost;
  function ensureToastHost() {
    if (toastHost) return toastHost;
    toastHost = document.createElement("div");
    toastHost.setAttribute("role", "status");
    toastHost.setAttribute("aria-live", "polite");
    toastHost.style.cssText =
      "position:fixed;left:50%;bottom:24px;transform:translateX(-50%);z-index:1000;display:flex;flex-direction:column;gap:8px;align-items:center";
    document.body.appendChild(toastHost);
    return toastHost;
  }
  var saveBars = {};
  window.shopify = {
    config: { apiKey: "kanta-local-api-key", shop: "kanta-demo.myshopify.com", locale: "en" },
    environment: { embedded: false, mobile: false, pos: false },
    idToken: function () { return Promise.resolve("local-mode-token"); },
    toast: {
      show: function (message, options) {
        var el = document.createElement("div");
        el.textContent = message;
        el.dataset.kantaToast = options && options.isError ? "error" : "info";
        el.style.cssText =
          "background:" + (options && options.isError ? "#8e1f0b" : "#303030") +
          ";color:#fff;padding:10px 16px;border-radius:8px;font:500 14px/20px -apple-system,BlinkMacSystemFont,'San Francisco','Segoe UI',Roboto,sans-serif;box-shadow:0 4px 12px rgba(0,0,0,.2)";
        ensureToastHost().appendChild(el);
        setTimeout(function () { el.remove(); }, (options && options.duration) || 5000);
        return "toast-" + Date.now();
      },
      hide: function () {},
    },
    saveBar: {
      show: function (id) { saveBars[id] = true; document.documentElement.dataset.kantaSaveBar = id; return Promise.resolve(); },
      hide: function (id) { delete saveBars[id]; delete document.documentElement.dataset.kantaSaveBar; return Promise.resolve(); },
      toggle: function (id) { return saveBars[id] ? this.hide(id) : this.show(id); },
      leaveConfirmation: function () { return Promise.resolve(); },
    },
    resourcePicker: function (options) {
      // Offline there is no product catalogue to browse: the demo picker offers the
      // emulator's demo products when present, else returns no selection.
      var picked = window.__kantaDemoSelection || [];
      return Promise.resolve(options && options.multiple ? picked : picked.slice(0, 1));
    },
    loading: function () {},
  };

  function defineOnce(name, ctor) { if (!customElements.get(name)) customElements.define(name, ctor); }

  // The menu renders into a shadow root: the element's light DOM (the <a> children React
  // rendered) stays untouched, so React's hydration sees exactly what the server sent.
  defineOnce("ui-nav-menu", class extends HTMLElement {
    connectedCallback() {
      // Upgraded as soon as the parser meets the start tag: wait for the <a> children.
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", () => this.render(), { once: true });
      } else {
        this.render();
      }
    }
    render() {
      if (this.shadowRoot) return;
      var root = this.attachShadow({ mode: "open" });
      var style = document.createElement("style");
      style.textContent =
        ":host{display:block}" +
        "nav{display:flex;gap:4px;flex-wrap:wrap;align-items:center;padding:8px 16px;background:#1a1a1a;" +
        "font:500 13px/20px -apple-system,BlinkMacSystemFont,'San Francisco','Segoe UI',Roboto,sans-serif}" +
        "strong{color:#fff;margin-right:12px}" +
        "a{color:#c4c4c4;text-decoration:none;padding:4px 10px;border-radius:6px}" +
        "a[aria-current=page]{color:#fff;background:#3a3a3a}" +
        "a:focus-visible{outline:2px solid #fff;outline-offset:1px}";
      root.appendChild(style);
      var bar = document.createElement("nav");
      bar.setAttribute("aria-label", "Kanta");
      var brand = document.createElement("strong");
      brand.textContent = "Kanta · local mode";
      bar.appendChild(brand);
      Array.prototype.forEach.call(this.querySelectorAll("a"), function (a) {
        var link = document.createElement("a");
        link.href = a.getAttribute("href");
        link.textContent = a.textContent;
        if (location.pathname === link.getAttribute("href")) link.setAttribute("aria-current", "page");
        bar.appendChild(link);
      });
      root.appendChild(bar);
    }
  });
  defineOnce("ui-title-bar", class extends HTMLElement {});
  defineOnce("ui-save-bar", class extends HTMLElement {});
  defineOnce("ui-modal", class extends HTMLElement {});
})();
