#!/usr/bin/env node
// Screenshots for docs/screenshots/, from a running local mode (npm run local):
//   node scripts/screenshots.mjs [http://localhost:3000]
// Admin Home and the storefront widget, at desktop (1280) and phone (390) widths.
import { chromium } from "playwright-core";

const base = process.argv[2] ?? "http://localhost:3000";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const sizes = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } };
const out = (name) => `docs/screenshots/${name}.png`;

async function shoot(name, url, size, act) {
  const page = await browser.newPage({ viewport: sizes[size] });
  await page.goto(url, { waitUntil: "networkidle" });
  if (act) await act(page);
  await page.waitForTimeout(400);
  await page.screenshot({ path: out(`${name}-${size}`), fullPage: !act });
  await page.close();
}

const openPanel = async (page) => {
  await page.getByRole("button", { name: /Rewards|Edut/ }).click();
  await page.getByRole("dialog").waitFor();
  await page.waitForTimeout(500);
};

try {
  for (const size of ["desktop", "mobile"]) {
    await shoot("home", `${base}/app`, size);
    await shoot("members", `${base}/app/members`, size);
    await shoot("widget-guest", `${base}/local/storefront?customer=guest`, size, openPanel);
    await shoot("widget-member", `${base}/local/storefront?customer=7390000001003`, size, openPanel);
  }
  await shoot("widget-member-fi", `${base}/local/storefront?customer=7390000001001&locale=fi`, "desktop", openPanel);
  await shoot("widget-code", `${base}/local/storefront?customer=7390000001002`, "desktop", async (page) => {
    await openPanel(page);
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Redeem" }).first().click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.getByText(/KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}/).first().waitFor();
  });
  await shoot("rewards-page", `${base}/local/storefront/rewards?customer=7390000001003`, "desktop");
} finally {
  await browser.close();
}
console.log("screenshots written to docs/screenshots/");
