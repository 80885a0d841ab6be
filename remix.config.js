import path from "node:path";

// Two builds that never share a folder (scripts/build.mjs sets KANTA_BUILD):
// - production (`npm run build`): build/ and public/build/, only app/routes;
// - local mode (`npm run local`, the browser tests): build-local/ and public/build-local/,
//   with local mode's routes from app/local/routes added. A production build has no route
//   that could serve them, whatever the environment says when it runs.
// KANTA_BUILD_OUT puts the output under another folder (the production-install test).
const local = process.env.KANTA_BUILD === "local";
const out = process.env.KANTA_BUILD_OUT ?? ".";
const name = local ? "build-local" : "build";

/** Local mode's stand-ins for Shopify (docs/decisions/0011-local-code-out-of-production.md). */
function localRoutes(defineRoutes) {
  return defineRoutes((route) => {
    route("local/app-bridge.js", "local/routes/local.app-bridge[.]js.ts");
    route("local/emulator", "local/routes/local.emulator.tsx");
    route("local/extension-assets/:name", "local/routes/local.extension-assets.$name.tsx");
    route("local/extensions/:handle", "local/routes/local.extensions.$handle.tsx");
    route("local/extensions/:handle/bundle.js", "local/routes/local.extensions.$handle.bundle[.]js.tsx");
    route("local/extension-host/:file", "local/routes/local.extension-host.$file.tsx");
    route("local/pos-host/:file", "local/routes/local.pos-host.$file.tsx");
    route("local/pos/discount", "local/routes/local.pos.discount.tsx");
    route("local/products", "local/routes/local.products.tsx");
    route("local/product-image/:file", "local/routes/local.product-image.$file.tsx");
    route("local/demo-checkout/confirm", "local/routes/local.demo-checkout.confirm.tsx");
    route("local/mail", "local/routes/local.mail._index.tsx");
    route("local/mail/:id", "local/routes/local.mail.$id.tsx");
    route("local/storefront", "local/routes/local.storefront.tsx");
    route("local/storefront/rewards", "local/routes/local.storefront.rewards.tsx");
    route("local/storefront/product", "local/routes/local.storefront.product.tsx");
    route("apps/kanta/*", "local/routes/apps.kanta.$.tsx");
    route("cart/update.js", "local/routes/cart.update[.]js.ts");
    route("cart/add.js", "local/routes/cart.add[.]js.ts");
    route("cart", "local/routes/cart.tsx");
    route("discount/:code", "local/routes/discount.$code.tsx");
  });
}

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  appDirectory: "app",
  serverModuleFormat: "esm",
  serverPlatform: "node",
  serverBuildPath: path.join(out, name, "index.js"),
  assetsBuildDirectory: path.join(out, "public", name),
  publicPath: `/${name}/`,
  routes: local ? localRoutes : undefined,
  // JSON imports from node_modules must be bundled: Node ESM needs an import attribute
  // for them, which the classic compiler cannot emit.
  serverDependenciesToBundle: [/^@shopify\/polaris\/locales\//],
  browserNodeBuiltinsPolyfill: { modules: {} },
  // React Router v7's behaviour, opted into now (no warnings at build). v3_singleFetch also
  // needs the Future type augmentation in app/remix.env.d.ts and a `headers` export
  // (boundary.headers) on every route that authenticates an admin request.
  future: {
    v3_fetcherPersist: true,
    v3_lazyRouteDiscovery: true,
    v3_relativeSplatPath: true,
    v3_singleFetch: true,
    v3_throwAbortReason: true,
  },
};
