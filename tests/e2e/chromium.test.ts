import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { findChromium, launchChromium, npmChromiumPath } from "../../scripts/chromium.mjs";

// scripts/chromium.mjs's last resort, the Chromium shipped in npm's @sparticuz/chromium, is
// what a fresh machine runs the browser tests in; this machine may have Debian's, so the
// fallback is exercised here on purpose, so that it cannot rot unnoticed.

const saved = { CHROMIUM_PATH: process.env.CHROMIUM_PATH, KANTA_DEBIAN_CHROMIUM: process.env.KANTA_DEBIAN_CHROMIUM };
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("the npm-shipped Chromium", () => {
  it("is what findChromium gives without CHROMIUM_PATH and without Debian's", async () => {
    delete process.env.CHROMIUM_PATH;
    process.env.KANTA_DEBIAN_CHROMIUM = "";
    const found = await findChromium();
    expect(found).toEqual({ executablePath: await npmChromiumPath(), source: "npm" });
    expect(existsSync(found.executablePath)).toBe(true);
  }, 120_000);

  it("launches headless through Playwright and renders a page", async () => {
    const browser = await launchChromium({ executablePath: await npmChromiumPath() });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      // A first frame to compare with: an empty document, painted (a screenshot of a page that
      // has not drawn yet can fail on a busy machine).
      await page.setContent("<main></main>");
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const blank = await page.screenshot();
      await page.setContent(`<main><h1>Kanta</h1><p id="p">${"Pisteet ".repeat(3)}</p><button onclick="this.textContent = 'clicked'">Join</button></main>`);
      await page.getByRole("button", { name: "Join" }).click();
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Kanta");
      expect(await page.locator("button").textContent()).toBe("clicked");
      expect(await page.evaluate(() => window.innerWidth)).toBe(390);
      // It paints: the page's screenshot is no longer the blank one.
      expect((await page.screenshot()).equals(blank)).toBe(false);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe("findChromium", () => {
  it("prefers CHROMIUM_PATH, and refuses one that does not exist", async () => {
    const npm = await npmChromiumPath();
    process.env.CHROMIUM_PATH = npm;
    expect(await findChromium()).toEqual({ executablePath: npm, source: "CHROMIUM_PATH" });
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    await expect(findChromium()).rejects.toThrow("CHROMIUM_PATH=/nonexistent/chromium does not exist");
  }, 120_000);

  it("takes Debian's where KANTA_DEBIAN_CHROMIUM points, when it exists", async () => {
    delete process.env.CHROMIUM_PATH;
    const npm = await npmChromiumPath();
    process.env.KANTA_DEBIAN_CHROMIUM = npm; // any existing file stands in for /usr/bin/chromium
    expect(await findChromium()).toEqual({ executablePath: npm, source: "debian" });
  }, 120_000);
});
