/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  appDirectory: "app",
  serverModuleFormat: "esm",
  serverPlatform: "node",
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
