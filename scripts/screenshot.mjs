#!/usr/bin/env node
// Screenshots of local-mode pages at desktop and mobile widths, for docs/screenshots/.
//   node scripts/screenshot.mjs http://localhost:3000/app home
import { chromium } from "playwright-core";

const [url, name] = process.argv.slice(2);
if (!url || !name) {
  console.error("usage: node scripts/screenshot.mjs <url> <name>");
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  for (const [label, viewport] of [["desktop", { width: 1280, height: 900 }], ["mobile", { width: 390, height: 844 }]]) {
    const page = await browser.newPage({ viewport });
    await page.goto(url, { waitUntil: "networkidle" });
    await page.screenshot({ path: `docs/screenshots/${name}-${label}.png`, fullPage: true });
    await page.close();
  }
} finally {
  await browser.close();
}
