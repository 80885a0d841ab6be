#!/usr/bin/env node
// The storefront widget's scripts and styles as they ship: each readable source in
// extensions/kanta-widget/assets (with its comments) minified into <name>.min.js/.css, which
// the blocks and the launcher load: the launcher on every page (0036: the first-load budget,
// <= 5 KB gzipped), the panel and its on-demand parts (gifts, causes, challenges, the referral
// greeting) when they are needed. The panel is split into modules (kanta-panel-*.js, imported
// by kanta-panel.js) that are bundled into its one minified file: one request on first open.
// Run after editing any of them: `npm run build:widget`; tests/unit/theme-extension.test.ts
// fails while a minified file is stale.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { build, transform } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const assets = path.resolve(import.meta.dirname, "..", "extensions", "kanta-widget", "assets");
export const MINIFIED = [
  { source: "kanta-launcher.js", out: "kanta-launcher.min.js", loader: "js" },
  { source: "kanta-launcher.css", out: "kanta-launcher.min.css", loader: "css" },
  { source: "kanta-panel.js", out: "kanta-panel.min.js", loader: "js", bundle: true },
  { source: "kanta-panel.css", out: "kanta-panel.min.css", loader: "css" },
  { source: "kanta-referral.js", out: "kanta-referral.min.js", loader: "js" },
  { source: "kanta-give.js", out: "kanta-give.min.js", loader: "js" },
  { source: "kanta-challenges.js", out: "kanta-challenges.min.js", loader: "js" },
];

/** The minified text of one source asset (with the modules it imports, when bundled). */
export async function minify({ source, loader, bundle = false }) {
  const options = { minify: true, target: loader === "js" ? "es2019" : "chrome80", charset: "utf8", legalComments: "none" };
  const code = bundle
    ? (await build({ ...options, entryPoints: [path.join(assets, source)], bundle: true, format: "iife", write: false })).outputFiles[0].text
    : (await transform(readFileSync(path.join(assets, source), "utf8"), { ...options, loader })).code;
  const from = bundle ? `${source} and the modules it imports by scripts/build-widget.mjs: edit those` : `${source} by scripts/build-widget.mjs: edit that file`;
  return `/* Built from ${from}, then npm run build:widget. */\n${code}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of MINIFIED) {
    const text = await minify(file);
    writeFileSync(path.join(assets, file.out), text);
    console.log(`${file.out}: ${Buffer.byteLength(text)} B`);
  }
}
