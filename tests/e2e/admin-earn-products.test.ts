import path from "node:path";
import type { Page } from "playwright";
import { describe, expect, it } from "vitest";
import { useLocalKanta, watchProblems } from "./local-server";

// The "Place an order" editor in local mode (docs/decisions/0033-earning-by-what-is-bought.md):
// the merchant picks the demo shop's "Candles" collection from the catalogue, makes it earn
// 2x, saves, and finds the rule there after a reload. Screenshots at desktop and phone
// widths go to KANTA_SCREENSHOT_DIR (docs/screenshots for the docs).

const kanta = useLocalKanta();
const shots = process.env.KANTA_SCREENSHOT_DIR ?? "/tmp";

async function both(page: Page, name: string) {
  await page.screenshot({ path: path.join(shots, `earn-products-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, `earn-products-${name}-mobile.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe("earning by product in the rule editor", () => {
  it("adds 2x on Candles from the catalogue and saves it", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${kanta.base}/app/earn`);
    await page.getByRole("link", { name: "Place an order" }).first().click();
    await page.getByRole("heading", { name: "Products and collections" }).waitFor();
    // The server's job sweep reads the demo catalogue shortly after start.
    const add = page.getByLabel("Add");
    for (let i = 0; i < 30 && (await add.locator("option", { hasText: "Collection: Candles" }).count()) === 0; i++) {
      await page.waitForTimeout(1000);
      await page.reload();
      await page.getByRole("heading", { name: "Products and collections" }).waitFor();
    }
    await add.selectOption({ label: "Collection: Candles" });
    const row = page.getByTestId("product-rule-row");
    await row.getByText("Collection: Candles").waitFor();
    await page.getByLabel("Add").selectOption({ label: "Product: Stoneware mug" });
    await page.getByTestId("product-rule-row").nth(1).getByLabel("Effect").selectOption("exclude");
    await both(page, "editor");
    await page.locator("ui-save-bar").getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved").first().waitFor();
    await page.reload();
    await page.getByTestId("product-rule-row").nth(1).waitFor();
    expect(await page.getByTestId("product-rule-row").allInnerTexts()).toEqual([expect.stringContaining("Collection: Candles"), expect.stringContaining("Product: Stoneware mug")]);
    expect(problems).toEqual([]);
  });
});
