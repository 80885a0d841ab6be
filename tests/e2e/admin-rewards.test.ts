import { describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright";
import { useLocalKanta, watchProblems } from "./local-server";

// What a merchant does on the Rewards and Settings pages in local mode, and what shoppers
// then see: a free-product reward picked with the (local) resource picker, a points-to-money
// reward redeemed for a chosen number of points, and points renamed with the save bar.

const kanta = useLocalKanta();
const ELSA = "7390000001003"; // 414 points in the seed

async function adminPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchProblems(page);
  return { page, problems };
}

const toast = (page: Page, text: string) => page.locator("[data-kanta-toast]").filter({ hasText: text }).first().waitFor();

const customerAnswers = new WeakMap<Page, string[]>();

async function openWidget(page: Page) {
  const answers: string[] = [];
  customerAnswers.set(page, answers);
  const opened = Date.now();
  page.on("response", (r) => {
    if (r.url().includes("/apps/kanta/customer")) answers.push(`${r.status()} after ${Date.now() - opened} ms`);
  });
  await page.goto(`${kanta.base}/local/storefront?customer=${ELSA}`);
  await page.getByRole("button", { name: /Rewards/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Hi Elsa").waitFor();
  // The member view, not the loading skeleton or "couldn't load": if not, say what was shown.
  await seeInWidget(page, dialog.locator(".kanta-points"));
  return dialog;
}

/** Waits for `target` in the widget; on timeout, the error tells what the panel showed and how /customer answered. */
async function seeInWidget(page: Page, target: Locator): Promise<void> {
  try {
    await target.waitFor();
  } catch (error) {
    const shown = (await page.getByRole("dialog").innerText().catch(() => "(no dialog)")).replace(/\s+/g, " ").slice(0, 600);
    throw new Error(`not in the widget: ${String(target)}; it showed: ${shown}; /customer answered: ${customerAnswers.get(page)?.join(", ") || "nothing"}`, { cause: error });
  }
}

describe("admin rewards and settings", () => {
  it("creates a free-product reward with the product picker, after being told what is missing", async () => {
    const { page, problems } = await adminPage();
    await page.goto(`${kanta.base}/app/rewards`);
    await page.getByRole("heading", { name: "Rewards", exact: true }).waitFor();
    await page.getByRole("row").filter({ hasText: "15% off your order" }).waitFor();

    await page.getByRole("button", { name: "Add reward" }).first().click();
    const modal = page.getByRole("dialog");
    await modal.getByText("A product you choose, free with the next order.").waitFor();
    await modal.getByText("Free product", { exact: true }).click();
    await modal.getByRole("button", { name: "Continue" }).click();

    await page.getByRole("heading", { name: "New reward: free product" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Free tote bag");
    await page.getByLabel("Cost", { exact: true }).fill("400");
    // Saving without a product: refused, on the field, nothing saved.
    await page.getByRole("button", { name: "Create reward" }).first().click();
    await page.getByText("Choose a product", { exact: true }).waitFor();
    await page.getByText("The reward wasn't saved").first().waitFor();

    await page.getByRole("button", { name: "Choose product" }).click();
    const picker = page.getByRole("dialog", { name: "Select product" });
    await picker.getByText("Wool socks – M").waitFor();
    await picker.getByLabel("Linen tote bag – Natural").check();
    await picker.getByRole("button", { name: "Select" }).click();
    await picker.waitFor({ state: "hidden" });
    await page.getByText("Linen tote bag – Natural", { exact: true }).waitFor();
    await page.getByText("Members spend 400 points for a free Linen tote bag – Natural.").waitFor();

    await page.getByRole("button", { name: "Create reward" }).first().click();
    await page.waitForURL(/\/app\/rewards$/);
    await toast(page, "Reward created");
    const row = page.getByRole("row").filter({ hasText: "Free tote bag" });
    await row.getByText("Free Linen tote bag – Natural").waitFor();
    await row.getByText("Active").waitFor();

    // Disable from the list, and back.
    await row.getByRole("button", { name: "Disable Free tote bag" }).click();
    await toast(page, "Reward disabled");
    await row.getByText("Disabled").waitFor();
    await row.getByRole("button", { name: "Enable Free tote bag" }).click();
    await row.getByText("Active").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("renames points with the save bar, and shoppers see the new name", async () => {
    const { page, problems } = await adminPage();
    await page.goto(`${kanta.base}/app/settings`);
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    const saveBar = page.locator("ui-save-bar#settings-save-bar");
    const saveBarSave = saveBar.locator("button[variant=primary]");
    expect(await saveBarSave.isVisible()).toBe(false);

    await page.getByLabel("English: one").fill("star");
    await page.getByLabel("English: many").fill("stars");
    await saveBarSave.waitFor({ state: "visible" });
    await page.getByText("“340 stars”").waitFor();
    // A mistake first: the save bar's Save refuses it on the field and keeps the old names.
    await page.getByLabel("Days before order points can be spent").fill("120");
    await saveBarSave.click();
    await page.getByText("Choose 0 to 90 days").waitFor();
    await toast(page, "Settings weren't saved");
    await page.getByLabel("Days before order points can be spent").fill("0");
    await saveBarSave.click();
    await toast(page, "Settings saved");
    await saveBarSave.waitFor({ state: "hidden" });
    expect(problems).toEqual([]);

    const dialog = await openWidget(page);
    await seeInWidget(page, dialog.getByText("414 stars"));
    await dialog.getByText("400 stars").first().waitFor(); // the free tote bag's cost
    await page.close();
  });

  it("creates a points-to-money reward, and a shopper redeems the points they choose", async () => {
    const { page, problems } = await adminPage();
    await page.goto(`${kanta.base}/app/rewards/new?type=points_to_money`);
    await page.getByRole("heading", { name: "New reward: points for money" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Points into euros");
    await page.getByLabel("Are worth").fill("1,00");
    await page.getByLabel("Maximum per code").fill("3");
    await page.getByText("every 100 points take €1.00 off, up to €3.00 per code").waitFor();
    await page.getByRole("button", { name: "Create reward" }).first().click();
    await page.waitForURL(/\/app\/rewards$/);
    await page.getByRole("row").filter({ hasText: "Points into euros" }).getByText("100 points = €1.00, up to €3.00").waitFor();
    expect(problems).toEqual([]);

    const dialog = await openWidget(page);
    const row = dialog.locator(".kanta-row").filter({ hasText: "Points into euros" });
    await seeInWidget(page, row.getByText("100 stars = €1"));
    await row.getByRole("button", { name: "Redeem" }).click();
    const points = dialog.getByLabel("Points to use");
    expect(await points.inputValue()).toBe("300"); // as much as the maximum allows
    await points.fill("250"); // snapped to whole steps of 100
    await dialog.getByText("Spend 200 stars on €2 off?").waitFor();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    const code = dialog.getByText(/KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}/).first();
    await code.waitFor();
    const shown = (await code.textContent())!.match(/KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}/)![0];
    const discounts: { code: string; input: Record<string, unknown> }[] = (await (await fetch(`${kanta.base}/local/emulator`)).json()).discounts;
    expect(discounts.find((d) => d.code === shown)?.input).toMatchObject({ customerGets: { value: { discountAmount: { amount: "2.00" } } } });
    await page.waitForFunction(() => /214/.test(document.querySelector(".kanta-launcher")?.textContent ?? ""));
    await page.close();
  });
});
