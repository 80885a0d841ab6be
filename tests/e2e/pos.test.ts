import { describe, expect, it } from "vitest";
import path from "node:path";
import type { Page } from "playwright";
import { root, useLocalKanta } from "./local-server";

// Kanta in Shopify POS as a staff member meets it, in local mode's extension preview host:
// extensions/kanta-pos's OWN Preact code, POS's `shopify` stand-in (a session token with the
// staff member as `sub`, the demo cart with the chosen customer on it), /api/pos/* and the
// discount code created in the Admin API emulator. POS runs on tablets and phones.
// docs/decisions/0027-pos.md

const kanta = useLocalKanta();
const shots = path.join(root, "docs", "screenshots");

const MIKKEL = "7390000001002"; // 220 points in the seed
const ELSA = "7390000001003"; // 414 points
// authenticate.public.pos answers 410 to bot user agents (HeadlessChrome is one).
const USER_AGENT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };

const url = (target: string, customer: string) => `/local/extensions/kanta-pos?target=${target}&customer=${customer}`;

async function open(path_: string, viewport = TABLET): Promise<Page & { problems: string[] }> {
  const page = (await kanta.browser().newPage({ viewport, userAgent: USER_AGENT })) as Page & { problems: string[] };
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${kanta.base}${path_}`);
  await page.waitForSelector('#kanta-extension-root[data-state="rendered"]');
  return page;
}

async function emulatorDiscounts(): Promise<{ code: string; title: string }[]> {
  return (await (await fetch(`${kanta.base}/local/emulator`)).json()).discounts;
}

describe("POS: the smart-grid tile and its modal", () => {
  it("redeems a reward for the customer on the cart: one debit, the code exists in Shopify and is on the cart", async () => {
    const page = await open(url("pos.home.tile.render", MIKKEL));
    const tile = page.locator("s-tile");
    await expect.poll(() => tile.getAttribute("subheading"), { timeout: 15_000 }).toBe("220 points");
    expect(await tile.getAttribute("itemcount")).toBe("1");
    await page.screenshot({ path: path.join(shots, "pos-tile-tablet.png") });

    await tile.click();
    await page.waitForURL(/pos\.home\.modal\.render/);
    await page.waitForSelector('#kanta-extension-root[data-state="rendered"]');
    const main = page.locator("#kanta-extension-root");
    await main.getByText("Mikkel's rewards").waitFor();
    await main.getByText("220 points", { exact: true }).waitFor();
    await main.getByText("Needs 780 points more").waitFor();
    await page.screenshot({ path: path.join(shots, "pos-modal-tablet.png"), fullPage: true });

    const before = await emulatorDiscounts();
    const redeem = main.getByRole("button", { name: "Redeem" });
    await redeem.click();
    // A second tap while the first is on its way is refused by the busy button: one request.
    await redeem.click({ force: true, timeout: 500 }).catch(() => undefined);
    await main.getByText("15% off your order is on the cart").waitFor();
    const discounts = await emulatorDiscounts();
    expect(discounts.length).toBe(before.length + 1);
    const code = discounts.at(-1)!.code;
    expect(code).toMatch(/^KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // The cart beside the extension: the code POS checked against the emulator, the total after it.
    await page.getByTestId("pos-cart-discounts").getByText(code).waitFor();
    expect(await page.getByTestId("pos-cart-total").textContent()).toBe("€35.95"); // 42.30 − 15% (6.35)
    await page.locator("#pos-cart-log").getByText(`addCartCodeDiscount("${code}")`).waitFor();
    await page.locator(".kanta-toast").getByText("15% off your order added to the cart").waitFor();
    await page.screenshot({ path: path.join(shots, "pos-redeemed-tablet.png"), fullPage: true });

    // Back on the grid: 20 points left, nothing more to redeem, the discount still on the cart.
    await main.getByRole("button", { name: "Done" }).click();
    await page.waitForURL(/pos\.home\.tile\.render/);
    await expect.poll(() => page.locator("s-tile").getAttribute("subheading"), { timeout: 15_000 }).toBe("20 points");
    await page.getByTestId("pos-cart-discounts").getByText(code).waitFor();
    expect((await emulatorDiscounts()).length).toBe(before.length + 1);
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it("tells staff to add a customer when the cart has none", async () => {
    const page = await open(url("pos.home.tile.render", "guest"));
    const tile = page.locator("s-tile");
    expect(await tile.getAttribute("subheading")).toBe("Add a customer");
    expect(await tile.getAttribute("disabled")).not.toBeNull();
    const modal = await open(url("pos.home.modal.render", "guest"));
    await modal.locator("#kanta-extension-root").getByText("Add a customer to the cart").waitFor();
    expect([...page.problems, ...modal.problems]).toEqual([]);
    await page.close();
    await modal.close();
  });
});

describe("POS: the customer's details", () => {
  it("shows the member's points and tier on a phone, and the action opens the redeem screen", async () => {
    const page = await open(url("pos.customer-details.block.render", ELSA), PHONE);
    const block = page.locator("s-pos-block");
    await block.getByText("414 points", { exact: true }).waitFor();
    expect(await block.locator("s-badge").first().textContent()).toMatch(/Bronze|Silver|Gold/);
    await block.getByText(/rewards? to redeem now/).waitFor();
    await page.screenshot({ path: path.join(shots, "pos-customer-phone.png"), fullPage: true });
    await block.getByRole("button", { name: "Redeem rewards" }).click();
    await page.waitForURL(/pos\.customer-details\.action\.render/);
    await page.waitForSelector('#kanta-extension-root[data-state="rendered"]');
    await page.locator("#kanta-extension-root").getByText("Elsa's rewards").waitFor();
    await page.screenshot({ path: path.join(shots, "pos-modal-phone.png"), fullPage: true });
    expect(page.problems).toEqual([]);
    await page.close();
  });
});
