// The Chromium that the browser tests, screenshots and benchmarks drive, in this order:
//   1. CHROMIUM_PATH, when set;
//   2. Debian's /usr/bin/chromium, when installed (KANTA_DEBIAN_CHROMIUM names another path;
//      set it to "" to act as if it were not installed);
//   3. the Chromium shipped in the npm package @sparticuz/chromium (a devDependency), unpacked
//      once per version to $TMPDIR/kanta-chromium-<version>/ (about 15 s the first time).
// So `npm ci && npm test` needs nothing installed by hand.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

/** Flags for every launch: headless, no sandbox (root in a container), nothing phoning home. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Unpacks @sparticuz/chromium's browser (if not done yet) and returns its path. Its own
 * `executablePath()` unpacks into os.tmpdir() directly (/tmp/chromium, /tmp/fonts, …); here
 * os.tmpdir() points into a fresh directory meanwhile, which is then renamed into place, so
 * parallel test workers or an interrupted unpack never leave a half-written browser behind.
 * @returns {Promise<string>}
 */
export function npmChromiumPath() {
  unpacking ??= unpackNpmChromium().finally(() => {
    unpacking = undefined;
  });
  return unpacking;
}

/** @type {Promise<string> | undefined} One unpack at a time in this process (TMPDIR is process-wide). */
let unpacking;

async function unpackNpmChromium() {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@sparticuz/chromium");
  const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8"));
  const dir = path.join(os.tmpdir(), `kanta-chromium-${version}`);
  const binary = path.join(dir, "chromium");
  if (existsSync(binary)) return binary;

  const { default: chromium } = await import("@sparticuz/chromium");
  const staging = mkdtempSync(`${dir}.partial-`);
  const tmpdir = process.env.TMPDIR;
  let unpacked;
  process.env.TMPDIR = staging; // os.tmpdir() reads it on every call
  try {
    unpacked = await chromium.executablePath();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  if (path.dirname(unpacked) !== staging) {
    // A later version of the package that unpacks elsewhere: use what it returned.
    rmSync(staging, { recursive: true, force: true });
    return unpacked;
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another process finished first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}

/**
 * Where the browser is, and which of the three it is.
 * @returns {Promise<{ executablePath: string, source: "CHROMIUM_PATH" | "debian" | "npm" }>}
 */
export async function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (!existsSync(process.env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
    return { executablePath: process.env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
  }
  const debian = process.env.KANTA_DEBIAN_CHROMIUM ?? "/usr/bin/chromium";
  if (debian && existsSync(debian)) return { executablePath: debian, source: "debian" };
  return { executablePath: await npmChromiumPath(), source: "npm" };
}

/**
 * A headless browser through Playwright, with CHROMIUM_ARGS unless `args` replaces them.
 * @param {{ args?: string[], executablePath?: string }} [options]
 * @returns {Promise<import("playwright").Browser>}
 */
export async function launchChromium({ args = CHROMIUM_ARGS, executablePath } = {}) {
  const { chromium } = await import("playwright");
  return chromium.launch({ executablePath: executablePath ?? (await findChromium()).executablePath, args });
}
