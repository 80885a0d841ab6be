#!/usr/bin/env node
// `npm run local`: Kanta for real on this machine, with no Shopify account and no network.
// SQLite, migrations applied, a seeded demo shop, the Admin API emulator, the App Bridge
// stand-in; bound to 127.0.0.1 only. Refuses to start with NODE_ENV=production. Builds into
// build-local/ and public/build-local/, never over the production build (scripts/build.mjs).
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { BUILD_INFO_FILE, readBuildInfo } from "./build-info.mjs";
import { loadLocalEnv, root } from "./env.mjs";
import { migrate } from "./migrate.mjs";

if (process.env.NODE_ENV === "production") {
  console.error("Refusing to start local mode with NODE_ENV=production. Local mode is for development; use `npm start` in production.");
  process.exit(1);
}
loadLocalEnv();
process.env.NODE_ENV = "development";
process.env.KANTA_LOCAL = "1";
const port = Number(process.env.PORT ?? 3000);
process.env.SHOPIFY_APP_URL = `http://localhost:${port}`;
const skipBuild = process.argv.includes("--no-build");
if (skipBuild && readBuildInfo(path.join(root, "build-local"))?.target !== "local") {
  console.error(`--no-build needs a local-mode build in build-local/ (no build-local/${BUILD_INFO_FILE}): run \`npm run local\` without --no-build.`);
  process.exit(1);
}

function run(command, args, label) {
  console.log(`» ${label}`);
  const r = spawnSync(command, args, { stdio: "inherit", cwd: root, env: process.env });
  if (r.status !== 0) {
    console.error(`${label} failed`);
    process.exit(r.status ?? 1);
  }
}

console.log(`» migrating ${process.env.DATABASE_URL}`);
await migrate(process.env.DATABASE_URL, { quiet: true });
run(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/seed.ts"], "seeding the demo shop");
if (!skipBuild) {
  console.log("» building");
  const { build } = await import("./build.mjs");
  await build({ local: true }).catch((error) => {
    console.error(`building failed: ${error.message}`);
    process.exit(1);
  });
}

// Every loyalty email goes to the in-process mail catcher, shown at /local/mail.
const { startLocalMail } = await import("./local-mail.mjs");
process.env.SMTP_URL = (await startLocalMail()).url;
const { serve } = await import("./serve.mjs");
await serve({
  host: "127.0.0.1",
  port,
  local: true,
  onReady: () => {
    console.log(`
Kanta is running in local mode.
  Admin:      http://localhost:${port}/app
  Storefront: http://localhost:${port}/local/storefront (the rewards widget, as a shopper sees it)
  Extensions: http://localhost:${port}/local/extensions/kanta-rewards-page (UI extensions' own code: customer account, …)
  Proxy API:  http://localhost:${port}/proxy/customer (signed like Shopify's app proxy)
  Mail:       http://localhost:${port}/local/mail (every email Kanta sent, as members get it)
  Webhooks:   npm run simulate -- orders/paid --customer 7390000001001 --amount 120.00
Press Ctrl+C to stop.`);
  },
});
