// Web vitals of every admin page in local mode, measured in the Chromium scripts/chromium.mjs
// finds: LCP and CLS from the browser's own PerformanceObservers on a cold load, and the
// interaction latency (Event Timing, what INP reports) of a click on the page's first form
// field or button.
// Not a test: run `npm run bench:admin` (it builds and starts `npm run local` on a fresh
// database), then copy the printed table into docs/benchmarks.md with the machine and date.
//
//   npm run bench:admin -- [--runs 5] [--width 1280]
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright";
import { launchChromium } from "../scripts/chromium.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    width: { type: "string", default: "1280" },
  },
});
const RUNS = Number(values.runs);
const WIDTH = Number(values.width);
const root = path.dirname(import.meta.dirname);
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
const dbFile = path.join(os.tmpdir(), `kanta-vitals-${randomUUID()}.db`);

async function startLocal(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["scripts/local.mjs"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", PORT: String(port), DATABASE_URL: `file:${dbFile}`, KANTA_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local mode did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Kanta is running in local mode")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`local mode exited with ${code}:\n${output}`)));
  });
  return child;
}

// Runs in the page before any of its scripts: buffers what the observers see.
const OBSERVE = `
  window.__vitals = { lcp: 0, cls: 0, inp: 0 };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__vitals.lcp = e.startTime; })
    .observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__vitals.cls += e.value; })
    .observe({ type: "layout-shift", buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.interactionId) window.__vitals.inp = Math.max(window.__vitals.inp, e.duration); })
    .observe({ type: "event", buffered: true, durationThreshold: 16 });
`;

interface Sample {
  lcp: number;
  cls: number;
  inp: number;
  ttfb: number;
}

async function measure(page: Page, url: string): Promise<Sample> {
  const response = await page.goto(url, { waitUntil: "networkidle" });
  if (!response || response.status() >= 400) throw new Error(`${url}: HTTP ${response?.status()}`);
  // The interaction: focus the first text field, else press the first button that stays on
  // the page (not a link): what a merchant does first on a form or list.
  const field = page.locator("main input[type=text], main input:not([type]), main input[type=search], input[type=text]").first();
  if (await field.count()) await field.click();
  else await page.locator("h1").first().click();
  await page.waitForTimeout(300);
  const vitals = (await page.evaluate("window.__vitals")) as { lcp: number; cls: number; inp: number };
  const ttfb = (await page.evaluate("performance.getEntriesByType('navigation')[0].responseStart")) as number;
  // Event Timing reports only events over 16 ms: none means the click took less.
  return { ...vitals, inp: vitals.inp || 16, ttfb };
}

function p75(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.75 * sorted.length) - 1)]!;
}

const server = await startLocal();
try {
  const browser = await launchChromium({
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  // Find a member to open: the Members list links to each member page.
  const probe = await browser.newPage();
  await probe.goto(`${base}/app/members`);
  const memberHref = await probe.locator('a[href^="/app/members/"]').first().getAttribute("href");
  await probe.close();
  const pages: Record<string, string> = {
    Home: "/app",
    Members: "/app/members",
    "Member page": memberHref ?? "/app/members",
    "Ways to earn": "/app/earn",
    Rewards: "/app/rewards",
    "New reward": "/app/rewards/new",
    "VIP tiers": "/app/tiers",
    Referrals: "/app/referrals",
    Settings: "/app/settings",
  };
  const rows: string[] = [];
  for (const [label, pathname] of Object.entries(pages)) {
    const samples: Sample[] = [];
    const check = await browser.newPage();
    const status = (await check.goto(`${base}${pathname}`))?.status() ?? 0;
    await check.close();
    if (status === 404) {
      rows.push(`| ${label} | \`${pathname}\` | not built | | | |`);
      continue;
    }
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 } });
      await context.addInitScript(OBSERVE);
      const page = await context.newPage();
      try {
        samples.push(await measure(page, `${base}${pathname}`));
      } finally {
        await context.close();
      }
    }
    rows.push(
      `| ${label} | \`${pathname.replace(/\/members\/[^/]+$/, "/members/<id>")}\` | ${p75(samples.map((s) => s.ttfb)).toFixed(0)} ms | ${p75(samples.map((s) => s.lcp)).toFixed(0)} ms | ${p75(samples.map((s) => s.cls)).toFixed(3)} | ${p75(samples.map((s) => s.inp)).toFixed(0)} ms |`,
    );
  }
  await browser.close();
  console.log(
    `\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0]?.model} · Node ${process.version} · Chromium ${browser.version()} · ${WIDTH} px · p75 of ${RUNS} cold loads\n`,
  );
  console.log("| page | path | TTFB | LCP | CLS | interaction (INP) |\n|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
} finally {
  server.kill("SIGTERM");
  rmSync(dbFile, { force: true });
}
