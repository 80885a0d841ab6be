#!/usr/bin/env node
// `npm start`: the production server (what hosting platforms run). Expects `npm run build`
// and `npm run setup` (migrations) to have run; reads configuration from the environment.
// Serves build/ only, and only what `npm run build` left there (build/kanta-build.json):
// local mode builds into build-local/ and is never served from here.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_INFO_FILE, readBuildInfo } from "./build-info.mjs";

if (process.env.KANTA_LOCAL === "1") {
  console.error("npm start is the production server; use `npm run local` for local mode.");
  process.exit(1);
}
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const info = readBuildInfo(path.join(root, "build"));
if (info?.target !== "production" || info.mode !== "production") {
  const found = info ? `a ${info.mode} build for ${info.target}` : `no build/${BUILD_INFO_FILE}`;
  console.error(`build/ holds no production build (${found}). Run \`npm run build\`, then \`npm start\`.`);
  process.exit(1);
}
process.env.NODE_ENV ??= "production";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const { serve } = await import("./serve.mjs");
await serve({ host, port, onReady: () => console.log(`Kanta listening on http://${host}:${port}`) });
