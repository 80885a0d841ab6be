import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import reactHooks from "eslint-plugin-react-hooks";

const root = import.meta.dirname;

// Which part of app/ may import which (DESIGN.md "Layout"). Resolved paths, so relative
// imports at any depth count; static and dynamic imports alike.
const directions = [
  {
    target: "app/loyalty",
    from: ["app/jobs", "app/webhooks", "app/routes", "app/local"],
    message: "The domain (app/loyalty) never imports jobs, webhooks, routes or local mode: they call it.",
  },
  {
    target: "app/shopify",
    from: ["app/routes", "app/jobs"],
    message: "The Shopify gateway is called by routes and jobs; it does not call them.",
  },
  {
    target: "app/jobs",
    from: ["app/routes"],
    message: "Jobs call the domain and the Shopify gateway, never a route.",
  },
  {
    target: "app/webhooks",
    from: ["app/routes"],
    message: "Webhook handlers call the domain, never a route.",
  },
  {
    target: "app/klaviyo",
    from: ["app/routes", "app/jobs", "app/webhooks", "app/local", "app/loyalty"],
    message: "The Klaviyo gateway is called by jobs and routes; it knows no domain, job or route.",
  },
  {
    target: "app/components",
    from: ["app/routes", "app/jobs", "app/webhooks", "app/local"],
    message: "Components are UI pieces used by routes; they import no route, job, webhook or local-mode code.",
  },
];

// Local mode (app/local) never reaches a production bundle: outside app/local it is loaded by
// dynamic import only, behind the KANTA_LOCAL check. Type-only imports are erased and allowed.
const localModeSource = "/(^|\\/)local(\\/|$)/";
const noStaticLocalImport = [
  `ImportDeclaration[importKind!='type'][source.value=${localModeSource}]`,
  `ExportNamedDeclaration[exportKind!='type'][source.value=${localModeSource}]`,
  `ExportAllDeclaration[exportKind!='type'][source.value=${localModeSource}]`,
].map((selector) => ({ selector, message: "app/local is local mode only: load it with a dynamic import() behind the KANTA_LOCAL check." }));

export default tseslint.config(
  { ignores: ["build/", "build-extensions/", "public/build/", "build-local/", "public/build-local/", "node_modules/", ".cache/", "tests/.tmp/", ".scratch/", "extensions/**/assets/*.min.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Import graph of the app: no cycles, and the allowed directions between its parts.
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "import-x": importX },
    settings: {
      // Without these the plugin reads only .js files, and no-cycle sees no TypeScript imports at all.
      "import-x/extensions": [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/external-module-folders": ["node_modules", "node_modules/@types"],
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: directions }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/local/**"],
    rules: {
      "no-restricted-syntax": ["error", ...noStaticLocalImport],
    },
  },
  {
    // The two classic hooks rules (the React Compiler rules of the plugin's preset are for React 19).
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    // STYLE.md rule 1: routes are thin; persistence lives in app/loyalty/*.server.ts.
    files: ["app/routes/**", "app/local/routes/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/db.server", "@prisma/client"], message: "Routes call app/loyalty; they do not use Prisma." }] }],
    },
  },
  {
    // STYLE.md rules 2 and 3: the domain is pure; only app/shopify talks to Shopify.
    files: ["app/loyalty/**/!(*.server).ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/*.server", "@prisma/client", "@shopify/*"], message: "Pure domain modules import no persistence or Shopify code." }] }],
    },
  },
  {
    // Local mode's code (app/local) is reached only through the dynamic import in
    // app/shopify/admin.server.ts, which production builds compile out (docs/decisions/0011).
    files: ["app/**"],
    ignores: ["app/local/**"],
    // (typescript-eslint's copy of the rule, so the rules above and below still apply here.)
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ group: ["**/local/*", "~/local/*"], message: "Only local mode loads app/local: use localAdminGraphql (app/shopify/admin.server.ts)." }] }],
    },
  },
  {
    // STYLE.md rule 4: the classic compiler silently empties .server imports in browser code.
    files: ["app/components/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/*.server"], message: "Components run in the browser: no .server imports." }] }],
    },
  },
);
