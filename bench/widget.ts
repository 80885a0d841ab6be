// Storefront widget cost: bytes loaded on every page before the panel opens, and
// Lighthouse (in the Chromium scripts/chromium.mjs finds) on local mode's storefront preview
// with and without the widget. Not a test: run `npm run bench:widget`, copy the table into
// docs/benchmarks.md.
//
//   npm run bench:widget -- [--runs 3]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { findChromium } from "../scripts/chromium.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);
const root = path.dirname(import.meta.dirname);
const port = 3700 + Math.floor(Math.random() * 200);
const base = `http://127.0.0.1:${port}`;
const db = path.join(os.tmpdir(), `kanta-bench-widget-${randomUUID()}.db`);
const CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function gz(file: string): number {
  return gzipSync(readFileSync(path.join(root, "extensions", "kanta-widget", "assets", file))).length;
}

async function startLocal(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["scripts/local.mjs"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", PORT: String(port), DATABASE_URL: `file:${db}`, KANTA_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("Kanta is running")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`local mode exited with ${code}`)));
  });
  return child;
}

interface Run {
  score: number;
  tbt: number;
  cls: number;
  lcp: number;
  hosts: string[];
  bytes: number;
}

async function audit(url: string, chromePort: number): Promise<Run> {
  const result = await lighthouse(url, { port: chromePort, output: "json", logLevel: "error", onlyCategories: ["performance"] });
  if (!result) throw new Error("lighthouse returned nothing");
  const { lhr } = result;
  const requests = (lhr.audits["network-requests"]?.details as { items?: { url: string; transferSize?: number }[] } | undefined)?.items ?? [];
  return {
    score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    tbt: lhr.audits["total-blocking-time"]?.numericValue ?? NaN,
    cls: lhr.audits["cumulative-layout-shift"]?.numericValue ?? NaN,
    lcp: lhr.audits["largest-contentful-paint"]?.numericValue ?? NaN,
    hosts: [...new Set(requests.map((r) => new URL(r.url).host))],
    bytes: requests.reduce((s, r) => s + (r.transferSize ?? 0), 0),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = await startLocal();
const chrome = await chromeLauncher.launch({ chromePath: (await findChromium()).executablePath, chromeFlags: CHROME_FLAGS });
try {
  const member = "7390000001001";
  const pages = {
    "without widget": `${base}/local/storefront?customer=${member}&widget=0`,
    "with widget (member)": `${base}/local/storefront?customer=${member}`,
    "with widget (guest)": `${base}/local/storefront?customer=guest`,
  };
  const results: Record<string, Run[]> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [label, url] of Object.entries(pages)) (results[label] ??= []).push(await audit(url, chrome.port));
  }
  // What ships (0036): the launcher minified from its readable source (npm run build:widget),
  // plus the page's own config and the few inlined strings, measured from the rendered page.
  const launcher = gz("kanta-launcher.min.js") + gz("kanta-launcher.min.css");
  const configs: Record<string, number> = {};
  for (const locale of ["en", "fi", "de", "pl"]) {
    const html = await (await fetch(`${base}/local/storefront?customer=${member}&locale=${locale}`)).text();
    const config = /<script type="application\/json" id="kanta-config">[\s\S]*?<\/script>/.exec(html)?.[0] ?? "";
    configs[locale] = gzipSync(config).length;
  }
  const panel = gz("kanta-panel.min.js") + gz("kanta-panel.min.css");
  console.log(`\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0]?.model} · Node ${process.version} · Lighthouse ${(await import("lighthouse/package.json", { with: { type: "json" } })).default.version} (mobile, simulated throttling) · median of ${RUNS}\n`);
  console.log(`Before the panel opens: kanta-launcher.min.js + .min.css = ${launcher} B gzipped, plus the page's config and strings (${Object.entries(configs).map(([l, n]) => `${l} ${n} B`).join(", ")}): at most ${launcher + Math.max(...Object.values(configs))} B. Panel (loaded on first open): ${panel} B gzipped; its texts come with /apps/kanta/customer.\n`);
  console.log("| page | performance | TBT | CLS | LCP | hosts contacted |");
  console.log("|---|---|---|---|---|---|");
  for (const [label, runs] of Object.entries(results)) {
    console.log(
      `| ${label} | ${median(runs.map((r) => r.score))} | ${median(runs.map((r) => r.tbt)).toFixed(0)} ms | ${median(runs.map((r) => r.cls)).toFixed(3)} | ${median(runs.map((r) => r.lcp)).toFixed(0)} ms | ${[...new Set(runs.flatMap((r) => r.hosts))].join(", ")} |`,
    );
  }
} finally {
  await chrome.kill();
  server.kill("SIGTERM");
  rmSync(db, { force: true });
}
