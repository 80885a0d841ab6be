// npm run doctor [-- --shop <shop>.myshopify.com] [--storefront https://…] [--config shopify.app.toml]
// Checks this deployment's install on a shop against Shopify through the Admin API (the
// shop's offline session): scopes granted, webhook subscriptions and their API version,
// the app proxy, metafield definitions, the theme app embed. Prints what is wrong and how
// to fix it; exits 1 when something is wrong. In local mode (KANTA_LOCAL=1) it asks the
// emulator about the demo shop. In production, from the build: `node build/doctor.js`.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { getDb } from "../app/db.server";
import { getEnv, isLocalMode } from "../app/env.server";
import { API_VERSION } from "../app/shopify.server";
import { LOCAL_SHOP, getAdminGraphqlForShop } from "../app/shopify/admin.server";
import { AppConfigError, formatFindings, readAppConfig, runDoctor } from "../app/shopify/doctor.server";
import { loadLocalEnv } from "./env.mjs";

loadLocalEnv();
const { values } = parseArgs({
  options: {
    shop: { type: "string" },
    storefront: { type: "string" },
    config: { type: "string", default: "shopify.app.toml" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("usage: npm run doctor [-- --shop <shop>.myshopify.com] [--storefront https://<storefront>] [--config shopify.app.toml]");
  process.exit(0);
}
const env = getEnv(); // a misconfigured environment fails here, naming the variable
let config;
try {
  config = readAppConfig(readFileSync(path.resolve(values.config!), "utf8"));
} catch (error) {
  console.error(error instanceof AppConfigError ? error.message : `Cannot read ${values.config}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

let shop = values.shop;
if (!shop && isLocalMode()) shop = LOCAL_SHOP;
if (!shop) {
  const installed = await getDb().shop.findMany({ where: { uninstalledAt: null }, select: { domain: true }, take: 11 });
  if (installed.length !== 1) {
    console.error(installed.length === 0 ? "No shop has installed this deployment yet." : `Several shops use this deployment; name one with --shop: ${installed.map((s) => s.domain).join(", ")}`);
    process.exit(2);
  }
  shop = installed[0]!.domain;
}

const findings = await runDoctor({
  shop,
  graphql: await getAdminGraphqlForShop(shop),
  config,
  apiVersion: API_VERSION,
  appUrl: env.SHOPIFY_APP_URL,
  envScopes: env.SCOPES.split(",").map((s) => s.trim()).filter(Boolean),
  // Local mode plays the storefront's app proxy itself, on its own origin (/apps/kanta/*).
  storefrontUrl: values.storefront ?? (isLocalMode() ? env.SHOPIFY_APP_URL : undefined),
});
console.log(formatFindings(shop, findings));
await getDb().$disconnect();
process.exit(findings.some((f) => f.status === "problem") ? 1 : 0);
