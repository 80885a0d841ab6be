#!/usr/bin/env node
// The storefront widget's scripts and styles as they ship: each readable source in
// extensions/kanta-widget/assets (with its comments) minified into <name>.min.js/.css, which
// the blocks and the launcher load: the launcher on every page (0036: the first-load budget,
// <= 5 KB gzipped), the panel and its on-demand parts (gifts, causes, challenges, the referral
// greeting) when they are needed. Run after editing any of them: `npm run build:widget`;
// tests/unit/theme-extension.test.ts fails while a minified file is stale.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { transform } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const assets = path.resolve(import.meta.dirname, "..", "extensions", "kanta-widget", "assets");
export const MINIFIED = [
  { source: "kanta-launcher.js", out: "kanta-launcher.min.js", loader: "js" },
  { source: "kanta-launcher.css", out: "kanta-launcher.min.css", loader: "css" },
  { source: "kanta-panel.js", out: "kanta-panel.min.js", loader: "js" },
  { source: "kanta-panel.css", out: "kanta-panel.min.css", loader: "css" },
  { source: "kanta-referral.js", out: "kanta-referral.min.js", loader: "js" },
  { source: "kanta-give.js", out: "kanta-give.min.js", loader: "js" },
  { source: "kanta-challenges.js", out: "kanta-challenges.min.js", loader: "js" },
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
