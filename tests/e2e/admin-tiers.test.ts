import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { useLocalKanta } from "./local-server";

// What a merchant does on the VIP tiers page in local mode: change a threshold, see the
// save bar, get the inline error for a ladder that does not go up, fix it, read the
// preview, save, and find the new threshold after a reload; and change a member's tier.

const kanta = useLocalKanta();
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

describe("admin VIP tiers", () => {
  it("edits the ladder with inline errors, a preview and the save bar, and a member's tier by hand", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${page.url()} ${message.text().slice(0, 400)}`);
    });

    await page.goto(`${kanta.base}/app/tiers`);
    await page.getByRole("heading", { name: "VIP tiers", exact: true }).waitFor();
    const thresholds = page.getByLabel("Threshold");
    expect(await thresholds.count()).toBe(4);
    expect(await thresholds.nth(1).inputValue()).toBe("250.00");
    expect(await page.evaluate(() => document.documentElement.dataset.kantaSaveBar ?? null)).toBeNull();

    // Silver above Gold: refused on Gold's field, nothing saved.
    await thresholds.nth(1).fill("900.00");
    await page.waitForFunction(() => document.documentElement.dataset.kantaSaveBar === "kanta-tiers-save-bar");
    await page.locator("ui-save-bar button[variant=primary]").click();
    await page.getByText("Must be more spend than Silver needs").waitFor();

    // Fixed: the preview names what happens, then the save applies it.
    await thresholds.nth(1).fill("100.00");
    await page.locator("ui-save-bar button[variant=primary]").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(/move(s)? up to Silver|No member changes tier/).waitFor();
    await dialog.getByRole("button", { name: "Save and apply" }).click();
    await page.getByText("Tier settings saved").waitFor();
    await page.waitForFunction(() => !document.documentElement.dataset.kantaSaveBar);

    const axe = await page.evaluate(async (source) => {
      (0, eval)(source);
      // The page's own content (the document's <title> and the local-mode chrome are the app shell's).
      const axe = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const result = await axe.run(document.querySelector(".Polaris-Page"), { resultTypes: ["violations"] });
      return result.violations.filter((v) => v.impact === "critical" || v.impact === "serious").map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    }, axeSource);
    expect(axe).toEqual([]);

    await page.reload();
    await page.getByRole("heading", { name: "VIP tiers", exact: true }).waitFor();
    expect(await page.getByLabel("Threshold").nth(1).inputValue()).toBe("100.00");

    // A member's tier by hand.
    await page.goto(`${kanta.base}/app/members`);
    await page.getByRole("link", { name: "Elsa Lindqvist" }).click();
    await page.getByRole("heading", { name: "Elsa Lindqvist" }).waitFor();
    await page.getByRole("button", { name: "Change tier" }).click();
    const tierDialog = page.getByRole("dialog");
    await tierDialog.getByLabel("Tier", { exact: true }).selectOption({ label: "Platinum" });
    await tierDialog.getByLabel("Reason", { exact: true }).fill("Brand ambassador");
    await tierDialog.getByRole("button", { name: "Save tier" }).click();
    await page.getByText("Moved to Platinum").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
