import { describe, expect, it } from "vitest";
import type { Page } from "playwright";
import { utcToZonedDateTime, addDaysToDate } from "../../app/loyalty/program/zoned-time";
import { useLocalKanta } from "./local-server";

// Members-only products and early access (0034) as a merchant and shoppers see them in local
// mode: the rules made on the Members-only page (products from the stand-in resource
// picker), synced to the kanta.access app-data metafield by the background job, and the
// product page's "Members-only product" block for a guest, a member (Mikkel, Bronze) and a
// tier member (Elsa, Silver). Screenshots go to docs/screenshots/ with KANTA_SCREENSHOT_DIR.

const kanta = useLocalKanta();
const ELSA = "7390000001003"; // Silver in the seed
const MIKKEL = "7390000001002"; // Bronze
const TOTE = "8812000000002"; // Linen tote bag
const SOAP = "8812000000001"; // Birch soap bar
const shots = process.env.KANTA_SCREENSHOT_DIR;
const today = utcToZonedDateTime(new Date(), "Europe/Helsinki").date;
const inThree = addDaysToDate(today, 3);
const inSeven = addDaysToDate(today, 7);

async function pick(page: Page, label: string) {
  await page.getByRole("button", { name: "Pick products" }).last().click();
  const picker = page.getByRole("dialog", { name: /Select product/ });
  await picker.getByLabel(label).check();
  await picker.getByRole("button", { name: "Select" }).click();
  await picker.waitFor({ state: "hidden" });
}

describe("members-only products", () => {
  it("the merchant sets them up; a guest, a member and a Silver member see the product page accordingly", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    await page.goto(`${kanta.base}/app/members-only`);
    await page.getByRole("heading", { name: "Members-only products", exact: true }).waitFor();
    await page.getByText("No members-only products yet").waitFor();

    // Rule 1: the soap bar for members only.
    await page.getByRole("button", { name: "Add a rule" }).first().click();
    await page.getByLabel("Name (only you see it)").fill("Members' soap");
    await pick(page, "Birch soap bar");
    // Rule 2: the tote bag: Silver first, then every member, then everyone.
    await page.getByRole("button", { name: "Add a rule" }).first().click();
    await page.getByLabel("Name (only you see it)").nth(1).fill("Spring tote");
    await pick(page, "Linen tote bag – Natural");
    await page.getByLabel("Who").nth(1).selectOption("Silver");
    await page.getByLabel("From (empty: now)").nth(1).fill(today);
    await page.getByRole("button", { name: "Add early access for a tier" }).nth(1).click();
    await page.getByLabel("Who").nth(2).selectOption("members");
    // A mistake first: members before Silver is refused on the field, nothing saved.
    await page.getByLabel("From (empty: now)").nth(2).fill(addDaysToDate(today, -1));
    await page.getByLabel("Open to everyone from (optional)").nth(1).fill(inSeven);
    const save = page.locator("ui-save-bar#members-only-save-bar button[variant=primary]");
    await save.click();
    await page.getByText(/Silver opens after all members/).waitFor();
    await page.getByLabel("From (empty: now)").nth(2).fill(inThree);
    await save.click();
    await save.waitFor({ state: "hidden" });
    await page.getByText("Linen tote bag", { exact: true }).waitFor();
    if (shots) {
      await page.locator("[data-kanta-toast]").first().waitFor({ state: "detached", timeout: 15_000 }).catch(() => {});
      await page.locator("[data-kanta-toast]").last().waitFor({ state: "detached", timeout: 15_000 }).catch(() => {});
      await page.screenshot({ path: `${shots}/members-only-admin-desktop.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: `${shots}/members-only-admin-mobile.png`, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    // The background job syncs kanta.access (every 2 s in local mode).
    const product = (id: string, customer: string) => `${kanta.base}/local/storefront/product?product=${id}&customer=${customer}&widget=0`;
    await expect.poll(async () => {
      await page.goto(product(SOAP, "guest"));
      return page.getByText("Members only: join to buy").count();
    }, { timeout: 20_000 }).toBe(1);
    expect(await page.getByRole("button", { name: "Add to cart" }).isVisible()).toBe(false);
    await page.getByRole("link", { name: "Join" }).waitFor();

    const views = [
      ["guest", "guest", /Early access: you can buy from/],
      ["member", MIKKEL, /Early access: you can buy from/],
      ["tier-member", ELSA, null],
    ] as const;
    for (const [name, customer, message] of views) {
      await page.goto(product(TOTE, customer));
      const addToCart = page.getByRole("button", { name: "Add to cart" });
      if (message) {
        await page.getByText(message).waitFor();
        await page.getByText(/Members from .*; everyone from /).waitFor();
        expect(await addToCart.isVisible()).toBe(false);
      } else {
        // The tier sync tagged Elsa kanta-tier-silver in the emulator: she buys today.
        await addToCart.waitFor();
        expect(await page.locator("[data-kanta-mo-locked]").count()).toBe(0);
      }
      if (shots) {
        await page.screenshot({ path: `${shots}/members-only-product-${name}-desktop.png` });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: `${shots}/members-only-product-${name}-mobile.png`, fullPage: true });
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    }
    // A member buys the members-only soap.
    await page.goto(product(SOAP, MIKKEL));
    await page.getByRole("button", { name: "Add to cart" }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
