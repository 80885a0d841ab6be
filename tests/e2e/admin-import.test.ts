import path from "node:path";
import type { Page } from "playwright";
import { describe, expect, it } from "vitest";
import { useLocalKanta, watchProblems } from "./local-server";

// What a merchant does on "Import members" in local mode: upload a Smile.io file (with a bad
// row and a customer the shop doesn't have), see it recognised, check it (the dry run), import
// it, follow the progress, and find the balances on the Members page. Screenshots of each
// step at desktop and phone widths go to KANTA_SCREENSHOT_DIR (docs/screenshots for the docs).

const kanta = useLocalKanta();
const shots = process.env.KANTA_SCREENSHOT_DIR ?? "/tmp";

async function both(page: Page, name: string) {
  await page.screenshot({ path: path.join(shots, `admin-import-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, `admin-import-${name}-mobile.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe("import members", () => {
  it("uploads a Smile.io file, checks it, imports it and shows the new balances", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);

    await page.goto(`${kanta.base}/app/members`);
    await page.getByRole("link", { name: "Import members" }).first().click();
    await page.getByRole("heading", { name: "Import members" }).waitFor();
    const file = ["email,points", "aino@example.com,1500", " MIKKEL@example.com ,250", "", "elsa@example.com,lots", "nobody@example.org,40"].join("\r\n");
    await page.locator('input[type="file"]').setInputFiles({ name: "smile-export.csv", mimeType: "text/csv", buffer: Buffer.from(`\uFEFF${file}\r\n`) });
    await page.getByText("smile-export.csv").waitFor();
    await page.getByRole("button", { name: "Upload and map columns" }).click();

    await page.getByText("Recognised as a Smile.io file").waitFor();
    await both(page, "mapping");
    await page.getByRole("button", { name: "Check file" }).click();

    await page.getByRole("heading", { name: "Dry run: what the import will do" }).waitFor({ timeout: 30_000 });
    const counts = async (label: string) => Number((await page.getByText(label, { exact: true }).locator("xpath=following-sibling::*[1]").first().textContent())!.replace(/\D/g, ""));
    expect(await counts("Updated")).toBe(2);
    expect(await counts("Not in Shopify")).toBe(1);
    expect(await counts("Bad rows")).toBe(1);
    await page.getByRole("cell", { name: /Points must be a number/ }).waitFor();
    await page.getByRole("cell", { name: "nobody@example.org" }).waitFor();
    await both(page, "dry-run");

    await page.getByRole("button", { name: "Import 2 members" }).click();
    await page.getByRole("heading", { name: "Importing" }).waitFor();
    await both(page, "progress");
    // The bar is the database's: a reload still shows the import, running or finished.
    await page.reload();
    await page.getByText("Import finished").waitFor({ timeout: 30_000 });
    await both(page, "done");

    await page.goto(`${kanta.base}/app/members?q=aino`);
    await page.getByRole("row").filter({ hasText: "Aino Virtanen" }).getByText("1,500").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
