import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { useLocalKanta } from "./local-server";

// The widget's tier card for a seeded member: progress to the next tier and the tier
// benefits table (a disclosure with a real table), translated, accessible.

const kanta = useLocalKanta();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const ELSA = "7390000001003"; // Elsa Lindqvist: 314 € this year in the seed (Silver)

describe("widget tier card", () => {
  it("shows the progress and a benefits table with the member's tier marked", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    await page.goto(`${kanta.base}/local/storefront?customer=${ELSA}`);
    await page.getByRole("button", { name: /Rewards/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(/more by .* to reach Gold/).waitFor();
    // A disclosure, opened once: it stays open when the panel renders again (its lazily
    // loaded parts arrive after the first render and used to close it).
    const table = dialog.getByRole("table");
    await dialog.getByText("Tier benefits").click();
    await table.waitFor();
    // Something else in the panel renders it again (the birthday form opens, then closes).
    const birthday = dialog.locator('[data-k^="bday:"]');
    await birthday.click();
    await birthday.click();
    expect(await table.isVisible()).toBe(true);
    expect(await table.getByRole("columnheader").allTextContents()).toEqual(["Tier", "To reach", "Benefits"]);
    const rows = await table.getByRole("row").allTextContents();
    expect(rows.slice(1).map((r) => r.replace(/\s+/g, " "))).toEqual([
      "Bronze––",
      "Silver€2501.25× points",
      "Gold€7501.5× points",
      "Platinum€1,5002× points",
    ]);
    expect(await table.locator("tr[aria-current]").textContent()).toMatch(/^Silver/);
    await page.screenshot({ path: `${process.env.KANTA_SCREENSHOT_DIR ?? "/tmp"}/kanta-tier-card.png` });

    await page.addScriptTag({ path: axePath });
    const serious = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
      const result = await axe.run(document.querySelector('[role="dialog"]'), { resultTypes: ["violations"] });
      return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
    });
    expect(serious).toEqual([]);

    // Finnish.
    await page.goto(`${kanta.base}/local/storefront?customer=${ELSA}&locale=fi`);
    await page.getByRole("button", { name: /Palkinnot|Rewards|Edut/ }).click();
    await page.getByRole("dialog").getByText("Tasojen edut").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
