import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import path from "node:path";
import type { Page } from "playwright";
import { root, useLocalKanta } from "./local-server";

// Kanta's customer-account extensions as a member meets them, in local mode's extension
// preview host: each target's OWN Preact code bundled for the browser, the `shopify` global
// stand-in with a session token signed for the demo customer, /api/customer-account/* and
// discount codes created in the Admin API emulator.

const kanta = useLocalKanta();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const shots = path.join(root, "docs", "screenshots");

const MIKKEL = "7390000001002"; // 220 points in the seed
const ELSA = "7390000001003"; // 414 points
// authenticate.public.* answers 410 to bot user agents (HeadlessChrome is one); the
// extension runs in the customer's own browser.
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const PAGE = "/local/extensions/kanta-rewards-page?target=customer-account.page.render";
const BLOCK = "/local/extensions/kanta-profile-block?target=customer-account.profile.block.render";

async function open(url: string, viewport = { width: 1280, height: 900 }): Promise<Page & { problems: string[] }> {
  const page = (await kanta.browser().newPage({ viewport, userAgent: USER_AGENT })) as Page & { problems: string[] };
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(`console: ${message.text()}`);
  });
  page.on("request", (request) => {
    const host = new URL(request.url()).host;
    if (host !== new URL(kanta.base).host) page.problems.push(`request to another host: ${request.url()}`);
  });
  await page.goto(`${kanta.base}${url}`);
  // Attached, not visible: a block that shows nothing (a guest's) renders an empty root.
  await page.waitForSelector('#kanta-extension-root[data-state="rendered"]', { state: "attached" });
  return page;
}

async function axeSerious(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run(document.querySelector("#kanta-extension-root"), { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}, ${v.count})`);
}

async function emulatorDiscounts(): Promise<{ code: string }[]> {
  return (await (await fetch(`${kanta.base}/local/emulator`)).json()).discounts;
}

describe("customer accounts: the Rewards page (customer-account.page.render)", () => {
  it("shows a member their balance and tier, redeems a reward once and shows the code to copy", async () => {
    const page = await open(`${PAGE}&customer=${MIKKEL}`);
    const main = page.locator("#kanta-extension-root");
    await main.getByRole("heading", { name: "Rewards", level: 1 }).waitFor();
    await main.getByText("Hi Mikkel").waitFor();
    await main.getByText("220 points", { exact: true }).waitFor();
    // The tier badge and the progress to the next tier.
    expect(await main.locator("s-badge").first().textContent()).toMatch(/Bronze|Silver|Gold/);
    await main.getByText(/more (by .* )?to reach|our top tier/).first().waitFor();
    await page.screenshot({ path: path.join(shots, "customer-account-rewards-desktop.png"), fullPage: true });
    expect(await axeSerious(page)).toEqual([]);

    const before = (await emulatorDiscounts()).length;
    const row = main.locator("s-box").filter({ hasText: "15% off your order" });
    await row.getByRole("button", { name: "Redeem" }).click();
    await main.getByText("Spend 200 points on 15% off your order?").waitFor();
    // Confirm twice quickly: the button is busy after the first click, so one request, one debit.
    const confirm = row.getByRole("button", { name: "Confirm" });
    await confirm.click();
    await confirm.click({ force: true, timeout: 1000 }).catch(() => undefined);
    await main.getByText("Your code is ready").waitFor();
    const code = (await main.locator("s-banner s-text[type=strong]").first().textContent())!.trim();
    expect(code).toMatch(/^KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await main.getByRole("button", { name: `Copy code ${code}` }).first().click();
    await main.locator("s-banner").getByText("Copied").waitFor();
    // The balance after the debit, and the code under "Your codes".
    await main.getByText("20 points", { exact: true }).waitFor();
    await main.getByRole("region", { name: "Your codes" }).getByText(code).waitFor();
    const discounts = await emulatorDiscounts();
    expect(discounts.length).toBe(before + 1);
    expect(discounts.map((d) => d.code)).toContain(code);
    await main.getByRole("region", { name: "History" }).getByText("Reward redeemed").waitFor();
    await page.screenshot({ path: path.join(shots, "customer-account-redeemed-desktop.png"), fullPage: true });
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it("speaks the customer's language and fits a phone", async () => {
    const page = await open(`${PAGE}&customer=${ELSA}&locale=fi`, { width: 390, height: 844 });
    const main = page.locator("#kanta-extension-root");
    await main.getByRole("heading", { name: "Palkinnot", level: 1 }).waitFor();
    await main.getByText("414 pistettä", { exact: true }).waitFor();
    await main.getByRole("button", { name: "Lunasta" }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(shots, "customer-account-rewards-mobile.png"), fullPage: true });
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it("speaks German from the server's texts (the bundle holds English only, 0036)", async () => {
    const page = await open(`${PAGE}&customer=${ELSA}&locale=de`);
    const main = page.locator("#kanta-extension-root");
    await main.getByRole("heading", { name: "Prämien", level: 1 }).waitFor();
    await main.getByText("414 Punkte", { exact: true }).waitFor();
    await main.getByRole("button", { name: "Einlösen" }).first().waitFor();
    expect(page.problems).toEqual([]);
    await page.close();
  });
});

describe("customer accounts: the profile block (customer-account.profile.block.render)", () => {
  it("shows points and tier on the Profile page and links to the Rewards page", async () => {
    const page = await open(`${BLOCK}&customer=${ELSA}`);
    const main = page.locator("#kanta-extension-root");
    await main.getByRole("region", { name: "Rewards" }).waitFor();
    await main.getByText("414 points", { exact: true }).waitFor();
    expect(await main.locator("s-badge").textContent()).toMatch(/Bronze|Silver|Gold/);
    expect(await axeSerious(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "customer-account-profile-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shots, "customer-account-profile-mobile.png"), fullPage: true });
    await main.getByRole("link", { name: "View rewards" }).click();
    await page.waitForURL(/kanta-rewards-page/);
    await page.waitForSelector('#kanta-extension-root[data-state="rendered"]');
    await page.locator("#kanta-extension-root").getByText("Hi Elsa").waitFor();
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it("shows nothing to a guest (no customer in the token) and the page still renders", async () => {
    const page = await open(`${BLOCK}&customer=guest`);
    await page.getByRole("heading", { name: "Addresses" }).waitFor();
    // The backend refused the token without a customer (401), which the browser logs.
    await expect.poll(() => page.problems.some((p) => p.includes("401"))).toBe(true);
    await expect.poll(() => page.locator("#kanta-extension-root").textContent()).toBe("");
    expect(page.problems.filter((p) => !p.includes("401"))).toEqual([]);
    await page.close();
  });
});
