// Kanta local mode: a stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js.
// Provides what Kanta's admin uses of the `shopify` global — toast, saveBar,
// resourcePicker, idToken, config — and renders <ui-nav-menu> / <ui-title-bar> as plain
// page chrome. Served only when KANTA_LOCAL=1 (app/local/routes/local.app-bridge[.]js.ts).
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
      show: function (id) { var el = document.getElementById(id); return el && el.show ? el.show() : Promise.resolve(); },
      hide: function (id) { var el = document.getElementById(id); return el && el.hide ? el.hide() : Promise.resolve(); },
      toggle: function (id) { return saveBars[id] ? this.hide(id) : this.show(id); },
      leaveConfirmation: function () { return Promise.resolve(); },
    },
    resourcePicker: function (options) {
      // Offline there is no Shopify catalogue: the picker lists the Admin API emulator's
      // products (/local/products) in a small dialog and resolves like Shopify's picker:
      // [{ id, title, variants: [{ id, title, price }] }] with the chosen variant, or
      // undefined when cancelled. A preset window.__kantaDemoSelection skips the dialog.
      options = options || {};
      if (window.__kantaDemoSelection) {
        var preset = window.__kantaDemoSelection;
        return Promise.resolve(options.multiple ? preset : preset.slice(0, 1));
      }
      return fetch("/local/products", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { products: [] }; })
        .then(function (body) { return pickResource(body.products || [], options); });

      // The stand-in resource picker's dialog: one radio per variant (per product when it has
      // only its default variant), Select / Cancel, Escape cancels (native <dialog>).
      function pickResource(products, options) {
        return new Promise(function (resolve) {
          var font = "font:14px/20px -apple-system,BlinkMacSystemFont,'San Francisco','Segoe UI',Roboto,sans-serif;";
          var dialog = document.createElement("dialog");
          dialog.setAttribute("aria-labelledby", "kanta-picker-title");
          dialog.style.cssText = font + "border:0;border-radius:12px;padding:0;width:min(440px,calc(100vw - 32px));box-shadow:0 8px 32px rgba(0,0,0,.3);color:#303030";
          var title = (options.action === "select" ? "Select " : "Add ") + (options.type === "variant" ? "variant" : options.type || "product");
          var rows = [];
          products.forEach(function (p, i) {
            var variants = p.variants || [];
            var single = variants.length === 1 && variants[0].title === "Default Title";
            var perVariant = !(options.filter && options.filter.variants === false) && !single;
            (perVariant ? variants : variants.slice(0, 1)).forEach(function (v, j) {
              rows.push({ product: p, variant: v, label: perVariant ? p.title + " – " + v.title : p.title, price: v.price, key: i + "-" + j });
            });
          });
          dialog.innerHTML =
            "<form method=dialog style='margin:0'>" +
            "<h2 id=kanta-picker-title style='margin:0;padding:16px;font-size:16px;border-bottom:1px solid #e3e3e3'></h2>" +
            "<fieldset style='border:0;margin:0;padding:8px 0;max-height:50vh;overflow:auto'><legend class=kp-sr style='position:absolute;clip:rect(0 0 0 0)'></legend></fieldset>" +
            "<div style='display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3'>" +
            "<button type=button value=cancel style='" + font + "padding:6px 12px;border-radius:8px;border:1px solid #c9c9c9;background:#fff;cursor:pointer'>Cancel</button>" +
            "<button type=submit value=select disabled style='" + font + "font-weight:600;padding:6px 12px;border-radius:8px;border:0;background:#303030;color:#fff;cursor:pointer'>Select</button></div></form>";
          dialog.querySelector("h2").textContent = title;
          dialog.querySelector("legend").textContent = "Products";
          var list = dialog.querySelector("fieldset");
          var selectButton = dialog.querySelector("button[type=submit]");
          if (!rows.length) list.appendChild(document.createTextNode("No products in the local catalogue."));
          rows.forEach(function (row) {
            var label = document.createElement("label");
            label.style.cssText = "display:flex;gap:10px;align-items:center;padding:8px 16px;cursor:pointer";
            var input = document.createElement("input");
            input.type = "radio";
            input.name = "kanta-picker";
            input.value = row.key;
            input.addEventListener("change", function () { selectButton.disabled = false; });
            var text = document.createElement("span");
            text.style.flex = "1";
            text.textContent = row.label;
            var price = document.createElement("span");
            price.style.color = "#616161";
            price.textContent = row.price || "";
            label.append(input, text, price);
            list.appendChild(label);
          });
          var done = false;
          function finish(value) {
            if (done) return;
            done = true;
            dialog.close();
            dialog.remove();
            resolve(value);
          }
          dialog.querySelector("button[value=cancel]").addEventListener("click", function () { finish(undefined); });
          dialog.addEventListener("close", function () { finish(undefined); }); // Escape
          dialog.querySelector("form").addEventListener("submit", function (event) {
            event.preventDefault();
            var checked = dialog.querySelector("input:checked");
            var row = checked && rows.filter(function (r) { return r.key === checked.value; })[0];
            if (!row) return;
            var v = { id: row.variant.id, title: row.variant.title, price: row.variant.price, displayName: row.product.title + " - " + row.variant.title };
            finish(options.type === "variant"
              ? [Object.assign(v, { product: { id: row.product.id, title: row.product.title } })]
              : [{ id: row.product.id, title: row.product.title, variants: [v] }]);
          });
          document.body.appendChild(dialog);
          dialog.showModal();
        });
      }
    },
    // Shopify's thin loading bar at the top of the admin while a page loads.
    loading: function (on) {
      var bar = document.getElementById("kanta-loading-bar");
      if (!bar) {
        bar = document.createElement("div");
        bar.id = "kanta-loading-bar";
        bar.setAttribute("role", "progressbar");
        bar.setAttribute("aria-label", "Loading");
        bar.style.cssText = "position:fixed;top:0;left:0;height:3px;width:0;z-index:700;background:#2c6ecb;transition:width 2s ease-out;pointer-events:none";
        document.body.appendChild(bar);
      }
      bar.hidden = !on;
      bar.style.width = on ? "80%" : "0";
    },
  };

  function defineOnce(name, ctor) { if (!customElements.get(name)) customElements.define(name, ctor); }

  // The menu: a shadow root around the element's own <a> children (slotted, so the links
  // React rendered stay untouched for hydration and keep Remix's client navigation). It is
  // attached as soon as the parser meets the start tag, so the bar has its final size from
  // the first paint (no layout shift when the links arrive).
  var locationListeners = [];
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      locationListeners.forEach(function (f) { f(); });
      return result;
    };
  });
  window.addEventListener("popstate", function () { locationListeners.forEach(function (f) { f(); }); });
  function currentLinkRules(pathname) {
    // The page's own link, and a section's link on its sub-pages (/app/members/<id>); Home
    // only on itself.
    var paths = [pathname];
    var parts = pathname.split("/");
    for (var i = parts.length - 1; i > 2; i--) paths.push(parts.slice(0, i).join("/"));
    return paths
      .map(function (p) { return '::slotted(a[href="' + p.replace(/["\\]/g, "") + '"])'; })
      .join(",") + "{color:#fff;background:#3a3a3a}";
  }
  defineOnce("ui-nav-menu", class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var root = this.attachShadow({ mode: "open" });
      root.innerHTML =
        "<style>:host{display:block}" +
        "nav{display:flex;gap:4px;flex-wrap:wrap;align-items:center;padding:8px 16px;background:#1a1a1a;" +
        "font:500 13px/20px -apple-system,BlinkMacSystemFont,'San Francisco','Segoe UI',Roboto,sans-serif}" +
        "strong{color:#fff;margin-right:12px}" +
        "::slotted(a){color:#c4c4c4;text-decoration:none;padding:4px 10px;border-radius:6px}" +
        "::slotted(a:focus-visible){outline:2px solid #fff;outline-offset:1px}</style>" +
        "<style data-current></style>" +
        "<nav aria-label=\"Kanta\"><strong>Kanta · local mode</strong><slot></slot></nav>";
      var current = root.querySelector("style[data-current]");
      var update = function () { current.textContent = currentLinkRules(location.pathname); };
      update();
      locationListeners.push(update);
    }
  });
  defineOnce("ui-title-bar", class extends HTMLElement {});
  // The contextual save bar: hidden until show(), then a bar across the top with the
  // page's own Save/Discard <button> children (slotted, so React's handlers run).
  defineOnce("ui-save-bar", class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var root = this.attachShadow({ mode: "open" });
      root.innerHTML =
        "<style>:host{display:none}:host([data-open]){display:block}" +
        "div{position:fixed;top:0;left:0;right:0;z-index:600;display:flex;align-items:center;gap:8px;" +
        "padding:10px 16px;background:#1a1a1a;color:#fff;box-shadow:0 2px 8px rgba(0,0,0,.3);" +
        "font:600 14px/20px -apple-system,BlinkMacSystemFont,'San Francisco','Segoe UI',Roboto,sans-serif}" +
        "span{flex:1}::slotted(button){font:600 13px/20px inherit;padding:6px 12px;border-radius:8px;" +
        "border:1px solid #5c5c5c;background:#303030;color:#fff;cursor:pointer}" +
        "::slotted(button[variant=primary]){background:#fff;color:#1a1a1a;border-color:#fff}" +
        "::slotted(button[disabled]),::slotted(button[loading]){opacity:.6;cursor:default}</style>" +
        "<div role=\"region\" aria-label=\"Unsaved changes\"><span>Unsaved changes</span><slot></slot></div>";
    }
    show() {
      this.setAttribute("data-open", "");
      saveBars[this.id] = true;
      document.documentElement.dataset.kantaSaveBar = this.id;
      this.dispatchEvent(new Event("show"));
      return Promise.resolve();
    }
    hide() {
      var wasOpen = this.hasAttribute("data-open");
      this.removeAttribute("data-open");
      delete saveBars[this.id];
      delete document.documentElement.dataset.kantaSaveBar;
      if (wasOpen) this.dispatchEvent(new Event("hide"));
      return Promise.resolve();
    }
    toggle() { return this.hasAttribute("data-open") ? this.hide() : this.show(); }
  });
  defineOnce("ui-modal", class extends HTMLElement {});
})();
