#!/usr/bin/env node
// The storefront widget's launcher as it ships: extensions/kanta-widget/assets/kanta-launcher.js
// (the readable source, with its comments) minified into kanta-launcher.min.js, which the
// blocks load on every page (0036: the first-load budget, <= 5 KB gzipped). Run after editing
// the launcher: `npm run build:widget`; tests/unit/theme-extension.test.ts fails while the
// minified file is stale. The panel and referral scripts load on demand and ship as written.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { transform } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const assets = path.resolve(import.meta.dirname, "..", "extensions", "kanta-widget", "assets");
export const MINIFIED = [
  { source: "kanta-launcher.js", out: "kanta-launcher.min.js", loader: "js" },
  { source: "kanta-launcher.css", out: "kanta-launcher.min.css", loader: "css" },
];

/** The minified text of one source asset. */
export async function minify({ source, loader }) {
  const code = readFileSync(path.join(assets, source), "utf8");
  const result = await transform(code, { loader, minify: true, target: loader === "js" ? "es2019" : "chrome80", charset: "utf8", legalComments: "none" });
  return `/* Built from ${source} by scripts/build-widget.mjs: edit that file, then npm run build:widget. */\n${result.code}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of MINIFIED) {
    const text = await minify(file);
    writeFileSync(path.join(assets, file.out), text);
    console.log(`${file.out}: ${Buffer.byteLength(text)} B`);
  }
}
