import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright";
import { useLocalKanta, watchProblems } from "./local-server";

// What a merchant does on Ways to earn in local mode: add a custom action, watch the
// purchase rule's preview follow their typing, plan a campaign, and see Home's setup guide
// tick the widget step once the storefront widget has loaded.

const kanta = useLocalKanta();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

async function open(path: string, viewport = { width: 1280, height: 900 }) {
  const page = await kanta.browser().newPage({ viewport });
  const problems = watchProblems(page);
  await page.goto(`${kanta.base}${path}`);
  return { page, problems };
}

async function axeSerious(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}, ${v.count})`);
}

/** "YYYY-MM-DD" in Helsinki (the demo shop's zone), `days` from today. */
function helsinkiDate(days: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Helsinki" }).format(new Date(Date.now() + days * 86_400_000));
}

describe("admin ways to earn", () => {
  it("adds a custom action with the save bar, previews the purchase rule live, and plans a campaign", async () => {
    const { page, problems } = await open("/app/earn");
    await page.getByRole("heading", { name: "Ways to earn", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Follow us on TikTok" }).waitFor(); // seeded
    expect(await axeSerious(page)).toEqual([]);

    // Add a custom action: choose the type, fill the form, save from the contextual save bar.
    await page.getByRole("button", { name: "Add a way to earn" }).click();
    const chooser = page.getByRole("dialog");
    await chooser.getByText("Custom action").click();
    await page.getByRole("heading", { name: "Add: Custom action" }).waitFor();
    await page.getByLabel("Action name").fill("Share a photo of your purchase");
    await page.getByLabel("Points", { exact: true }).fill("15");
    await page.getByLabel("Link (optional)").fill("http://example.com/photos");
    const saveBar = page.locator("ui-save-bar");
    await saveBar.getByRole("button", { name: "Save" }).click();
    // Refused inline: the link must be https; nothing saved.
    await page.getByText("Enter a full link starting with https://").waitFor();
    await page.getByText("Not saved: check the highlighted fields").waitFor();
    await page.getByLabel("Link (optional)").fill("https://example.com/photos");
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(`${kanta.base}/app/earn`);
    await page.getByText("“Share a photo of your purchase” added").waitFor();
    const row = page.getByRole("row").filter({ hasText: "Share a photo of your purchase" });
    await row.getByText("15 points").waitFor();
    await row.getByText("On", { exact: true }).waitFor();

    // Turn it off from the list.
    await row.getByRole("button", { name: "Turn off Share a photo of your purchase" }).click();
    await row.getByText("Off", { exact: true }).waitFor();

    // The purchase rule's preview follows the typing (the demo shop formats in Finnish).
    await page.getByRole("link", { name: "Place an order" }).click();
    const preview = page.getByTestId("purchase-preview");
    await preview.getByText("An order of 120,00 € earns 120 points.").waitFor();
    await page.getByLabel("Points", { exact: true }).fill("3");
    await preview.getByText("An order of 120,00 € earns 360 points.").waitFor();
    await page.getByLabel("Example order").fill("10,55");
    await preview.getByText("An order of 10,55 € earns 31 points.").waitFor();
    expect(await saveBar.getAttribute("data-open")).not.toBeNull();
    await saveBar.getByRole("button", { name: "Discard" }).click();
    await preview.getByText("An order of 10,55 € earns 10 points.").waitFor();
    expect(await saveBar.getAttribute("data-open")).toBeNull();

    // A campaign running now, for every member.
    await page.goto(`${kanta.base}/app/earn/campaigns/new`);
    await page.getByRole("heading", { name: "Add campaign" }).waitFor();
    await page.getByLabel("Name").fill("Double weekend");
    await page.getByLabel("Multiplier").fill("2");
    await page.getByLabel("Start date").fill(helsinkiDate(-1));
    await page.getByLabel("End date").fill(helsinkiDate(2));
    await page.getByText("earns 240 points instead of 120 during this campaign").waitFor();
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(`${kanta.base}/app/earn`);
    const campaign = page.getByRole("row").filter({ hasText: "Double weekend" });
    await campaign.getByText("Active").waitFor();
    await campaign.getByText("2×").waitFor();
    await campaign.getByText("Every member").waitFor();

    // The purchase preview shows what the campaign adds.
    await page.getByRole("link", { name: "Place an order" }).click();
    await preview.getByText("240 points during Double weekend (2×, active now, more in higher tiers).").waitFor();
    await preview.getByText("With their tier's multiplier: Silver 150, Gold 180, Platinum 240 points.").waitFor();

    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows Home's setup guide, and ticks the widget step when the storefront widget loads", async () => {
    const { page, problems } = await open("/app");
    await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
    await page.getByText("Turn on the widget in your theme").waitFor();
    const editor = page.getByRole("link", { name: "Open theme editor" });
    expect(await editor.getAttribute("href")).toMatch(/^https:\/\/kanta-demo\.myshopify\.com\/admin\/themes\/current\/editor\?context=apps&activateAppId=[^/]+\/app-embed$/);
    await page.getByText("4 of 5 steps done").waitFor();
    await page.getByText("Your program is live").waitFor();
    await page.getByText("Points issued").waitFor();
    await page.getByRole("img", { name: /^Points issued per day/ }).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    // A signed-in shopper's widget calls the app proxy when the browser is idle.
    const store = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    await store.goto(`${kanta.base}/local/storefront?customer=7390000001003`);
    await store.waitForFunction(() => /\d/.test(document.querySelector(".kanta-launcher")?.textContent ?? ""));
    await store.close();

    await page.reload();
    // Every step done on a live program: the guide steps aside.
    await page.getByText("Your program is live").waitFor();
    expect(await page.getByRole("heading", { name: "Set up your loyalty program" }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("fits a phone", async () => {
    const { page, problems } = await open("/app/earn", { width: 390, height: 844 });
    await page.getByRole("link", { name: "Place an order" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
