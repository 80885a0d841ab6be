import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "build-local/", "public/build-local/", "node_modules/", ".cache/", "tests/.tmp/", "extensions/**/assets/*.min.js"] },
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
