import path from "node:path";
import type { Page } from "playwright";
import { describe, expect, it } from "vitest";
import { useLocalKanta, watchProblems } from "./local-server";

// Store credit as a reward in local mode (0028): the merchant makes a "€3 store credit"
// reward in the Rewards admin, a member redeems it in the storefront widget, sees "€3
// store credit added to your account" (no code), and the Admin API emulator holds exactly
// one credit on the member's store credit account. Screenshots go to KANTA_SCREENSHOT_DIR.

const kanta = useLocalKanta();
const shots = process.env.KANTA_SCREENSHOT_DIR ?? "/tmp";
const ELSA = "7390000001003"; // 414 points in the seed

async function both(page: Page, name: string, before?: () => Promise<void>) {
  await page.screenshot({ path: path.join(shots, `store-credit-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await before?.();
  await page.screenshot({ path: path.join(shots, `store-credit-${name}-mobile.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

interface EmulatedAccount {
  ownerId: string;
  currencyCode: string;
  balanceMinor: number;
  transactions: { type: string; amountMinor: number; notify: boolean; expiresAt: string | null }[];
}

describe("store credit reward", () => {
  it("is set up in the admin, redeemed in the widget, and credited once in Shopify", async () => {
    const admin = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const adminProblems = watchProblems(admin);
    await admin.goto(`${kanta.base}/app/rewards/new?type=store_credit`);
    await admin.getByRole("heading", { name: "New reward: store credit" }).waitFor();
    await admin.getByLabel("Name").fill("€3 store credit");
    await admin.getByLabel("Cost").fill("300");
    await admin.getByLabel("Store credit amount").fill("3.00");
    await admin.getByLabel("Credit expires after").fill("90");
    await admin.getByText("Members spend 300 points for €3.00 in store credit").waitFor();
    await both(admin, "admin-form");
    await admin.getByRole("button", { name: "Create reward" }).first().click();
    await admin.waitForURL(/\/app\/rewards$/);
    await admin.getByText("€3.00 store credit").first().waitFor();
    expect(adminProblems).toEqual([]);
    await admin.close();

    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${kanta.base}/local/storefront?customer=${ELSA}`);
    await page.getByRole("button", { name: /Rewards/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Hi Elsa").waitFor();
    const row = dialog.locator("li").filter({ hasText: "€3 store credit" }).first();
    await row.getByText("300 points = €3 store credit").waitFor();
    await row.getByRole("button", { name: "Redeem" }).click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.getByText("€3 store credit added to your account").first().waitFor();
    await dialog.getByText("Use it at checkout when you're signed in.").waitFor();
    expect(await dialog.getByText(/KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}/).count()).toBe(0);
    await page.waitForFunction(() => /114/.test(document.querySelector(".kanta-launcher")?.textContent ?? ""));
    await both(page, "widget", async () => {
      await dialog.getByText("€3 store credit added to your account").first().scrollIntoViewIfNeeded();
    });

    const state = (await (await fetch(`${kanta.base}/local/emulator`)).json()) as { storeCredit: EmulatedAccount[] };
    const accounts = state.storeCredit.filter((a) => a.ownerId === `gid://shopify/Customer/${ELSA}`);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ currencyCode: "EUR", balanceMinor: 300 });
    expect(accounts[0]!.transactions).toEqual([expect.objectContaining({ type: "credit", amountMinor: 300, notify: true })]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
