import { describe, expect, it } from "vitest";
import { useLocalKanta, watchProblems } from "./local-server";

// What a shopper sees of a gift (docs/decisions/0031-gifts.md): the seeded sign-up gift of
// Elsa (scripts/seed-gifts.ts), made in the Admin API emulator by the server's gift sweep,
// shown under "Your gifts" with its picture, and "Add to cart" puts one unit in the cart
// with the code applied: that unit free, the rest of the cart at full price.

const kanta = useLocalKanta();
const ELSA = "7390000001003";

describe("widget gifts", () => {
  it("shows the gift and adds it to the cart with its code, one unit free", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 390, height: 844 } });
    const problems = watchProblems(page);
    // The gift's code is made by the sweep shortly after start: reload until it is shown.
    let shown = false;
    for (let i = 0; i < 20 && !shown; i++) {
      await page.goto(`${kanta.base}/local/storefront?customer=${ELSA}`);
      await page.getByRole("button", { name: /Rewards/ }).click();
      shown = await page.getByRole("dialog").getByRole("heading", { name: "Your gifts" }).isVisible({ timeout: 3000 }).catch(() => false);
      if (!shown) await page.waitForTimeout(1500);
    }
    const dialog = page.getByRole("dialog");
    const gifts = dialog.getByRole("region", { name: "Your gifts" });
    await gifts.getByText("Birch soap bar").waitFor();
    expect(await gifts.locator("img").getAttribute("src")).toMatch(/^\/local\/product-image\/4470000000011\.svg$/);
    expect(await gifts.getByText(/^Expires /).count()).toBe(1);

    // Another unit of the same product first: the code frees one unit, not both.
    await page.evaluate(() => fetch("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ items: [{ id: 4470000000011, quantity: 1 }] }) }));
    await gifts.getByRole("button", { name: "Add to cart: Birch soap bar" }).click();
    await page.waitForURL(/\/cart$/);
    expect(await page.locator("[data-cart-code]").textContent()).toMatch(/^Code KANTA-G\w{4}-\w{4}: −€8\.90$/);
    expect(await page.locator("[data-cart-total]").textContent()).toBe("Total: €8.90");
    expect(problems).toEqual([]);
    await page.close();
  });
});
