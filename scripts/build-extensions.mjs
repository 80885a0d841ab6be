#!/usr/bin/env node
// Builds every UI extension in extensions/ the way Shopify's CLI bundles it: each
// `[[extensions.targeting]] module` of a `ui_extension` is bundled with esbuild (ESM,
// Preact's JSX runtime, minified) into build-extensions/<handle>/<target>.js, and its size
// is checked against Shopify's limit for compiled UI extension bundles (64 KB).
// `node scripts/build-extensions.mjs` prints the sizes; tests import `buildExtensions()`.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { build } from "esbuild";
import { readdirSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "smol-toml";

const root = path.resolve(import.meta.dirname, "..");
export const BUNDLE_LIMIT_BYTES = 64 * 1024;

/** Every UI extension target with its entry module, read from the extensions' TOML. */
export function uiExtensionTargets() {
  const out = [];
  const dir = path.join(root, "extensions");
  for (const name of readdirSync(dir)) {
    const toml = path.join(dir, name, "shopify.extension.toml");
    if (!existsSync(toml)) continue;
    const config = parse(readFileSync(toml, "utf8"));
    for (const ext of config.extensions ?? []) {
      if (ext.type !== "ui_extension") continue;
      for (const t of ext.targeting ?? []) {
        if (!t.module) continue;
        out.push({ folder: name, handle: ext.handle, target: t.target, entry: path.join(dir, name, t.module), apiVersion: config.api_version });
      }
    }
  }
  return out;
}

/** Bundles each target; returns sizes. Throws if an entry is missing or a bundle is over the limit. */
export async function buildExtensions({ outDir = path.join(root, "build-extensions"), write = true } = {}) {
  const results = [];
  for (const t of uiExtensionTargets()) {
    if (!existsSync(t.entry)) throw new Error(`${t.folder}: ${t.target} points at ${t.entry}, which does not exist`);
    const outfile = path.join(outDir, t.handle, `${t.target}.js`);
    if (write) mkdirSync(path.dirname(outfile), { recursive: true });
    const r = await build({
      entryPoints: [t.entry],
      bundle: true,
      format: "esm",
      target: "es2020",
      minify: true,
      jsx: "automatic",
      jsxImportSource: "preact",
      write: false,
      outfile,
      logLevel: "silent",
      // The app's URL, as Shopify's CLI gives it from its environment (extensions/kanta-api.ts kantaUrl).
      define: { "process.env.NODE_ENV": '"production"', "process.env.APP_URL": JSON.stringify(process.env.APP_URL ?? process.env.SHOPIFY_APP_URL ?? "") },
    });
    const code = r.outputFiles[0].contents;
    if (write) await import("node:fs/promises").then((fs) => fs.writeFile(outfile, code));
    results.push({ ...t, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength });
  }
  const over = results.filter((r) => r.bytes > BUNDLE_LIMIT_BYTES);
  if (over.length) {
    throw new Error(`over Shopify's 64 KB bundle limit: ${over.map((o) => `${o.handle} ${o.target} ${o.bytes} B`).join(", ")}`);
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await buildExtensions();
  for (const r of results) {
    console.log(`${r.handle.padEnd(28)} ${r.target.padEnd(44)} ${(r.bytes / 1024).toFixed(1)} KB (${(r.gzipBytes / 1024).toFixed(1)} KB gzip)`);
  }
  if (!results.length) console.log("no UI extensions");
}
