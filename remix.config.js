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
  future: {},
};
