import { describe, expect, it } from "vitest";
import type { Page } from "playwright";
import { customerPayload, orderPayload } from "../fixtures/payloads";
import { sendWebhook } from "../http";
import { useLocalKanta, watchProblems } from "./local-server";

// The merchant's whole loop in local mode, through the UI only (plus Shopify's webhooks):
// change how orders earn, add a reward, a new customer's order arrives, the member page
// explains the points, staff adjust them, and the shopper can spend them in the widget.

const kanta = useLocalKanta();
const SHOP = "kanta-demo.myshopify.com";
const LAURI = "7390000001099";

async function adminPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchProblems(page);
  return { page, problems };
}

async function reloadUntilVisible(page: Page, locate: () => ReturnType<Page["locator"]>) {
  for (let attempt = 0; attempt < 40 && (await locate().count()) === 0; attempt++) {
    await page.waitForTimeout(250);
    await page.reload();
  }
  await locate().first().waitFor();
}

const send = async (topic: string, payload: unknown) => {
  const response = await sendWebhook(kanta.base, topic, SHOP, payload, { secret: kanta.env.SHOPIFY_API_SECRET });
  expect(response.status).toBe(200);
};

describe("admin: rule → reward → order → member page → adjustment → widget", () => {
  it("shows the points an order earned under the merchant's new rule, and spends them", async () => {
    const { page, problems } = await adminPage();

    // 1. Orders earn 2 points per euro instead of 1.
    await page.goto(`${kanta.base}/app/earn`);
    await page.getByRole("link", { name: "Place an order" }).click();
    await page.getByTestId("purchase-preview").getByText("An order of 120,00 € earns 120 points.").waitFor();
    await page.getByLabel("Points", { exact: true }).fill("2");
    await page.getByTestId("purchase-preview").getByText("An order of 120,00 € earns 240 points.").waitFor();
    await page.locator("ui-save-bar").getByRole("button", { name: "Save" }).click();
    await page.locator("[data-kanta-toast]").filter({ hasText: "Saved" }).first().waitFor();
    await page.goto(`${kanta.base}/app/earn`);
    await page.getByRole("row").filter({ hasText: "Place an order" }).getByText("2 points").waitFor();

    // 2. A new reward: 20 € off for 300 points.
    await page.goto(`${kanta.base}/app/rewards/new?type=amount_off`);
    await page.getByLabel("Name", { exact: true }).fill("20 € thank-you");
    await page.getByLabel("Cost", { exact: true }).fill("300");
    await page.getByLabel("Discount amount").fill("20");
    await page.getByRole("button", { name: "Create reward" }).first().click();
    await page.waitForURL(/\/app\/rewards$/);
    await page.getByRole("row").filter({ hasText: "20 € thank-you" }).getByText("Active").waitFor();

    // 3. Shopify tells Kanta about a new customer and their paid order of 120,00 €.
    await send("customers/create", customerPayload({ id: LAURI, email: "lauri@example.com", firstName: "Lauri", lastName: "Mäkelä", updatedAt: new Date().toISOString() }));
    const now = new Date().toISOString();
    await send("orders/paid", orderPayload({ id: "5550000009901", customerId: LAURI, lines: [{ price: "120.00" }], updatedAt: now, processedAt: now }));

    // 4. The member page shows the points and the ledger line that explains them.
    // Webhooks are processed just after their 200: reload until the work shows.
    await page.goto(`${kanta.base}/app/members?q=lauri`);
    await reloadUntilVisible(page, () => page.getByRole("link", { name: "Lauri Mäkelä" }));
    await page.getByRole("link", { name: "Lauri Mäkelä" }).click();
    await page.getByRole("heading", { name: "Lauri Mäkelä" }).waitFor();
    await reloadUntilVisible(page, () => page.getByRole("row").filter({ hasText: "Order" }).filter({ hasText: "+240" }));
    await page.getByRole("row").filter({ hasText: "Sign-up bonus" }).getByText("+100").waitFor();
    await page.getByText("340", { exact: true }).filter({ visible: true }).first().waitFor();

    // 5. Staff take 40 points back, with a reason that is recorded.
    await page.getByRole("button", { name: "Adjust points" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Points", { exact: true }).fill("-40");
    await dialog.getByLabel("Reason", { exact: true }).fill("Duplicate sign-up bonus");
    await dialog.getByRole("button", { name: "Save adjustment" }).click();
    await page.getByText("300", { exact: true }).filter({ visible: true }).first().waitFor();
    const adjustment = page.getByRole("row").filter({ hasText: "Duplicate sign-up bonus" });
    await adjustment.getByText("−40").or(adjustment.getByText("-40")).first().waitFor();
    expect(problems).toEqual([]);
    await page.close();

    // 6. In the storefront widget Lauri can now spend exactly those 300 points on the new reward.
    const store = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    await store.goto(`${kanta.base}/local/storefront?customer=${LAURI}`);
    await store.getByRole("button", { name: /Rewards/ }).click();
    const panel = store.getByRole("dialog");
    await panel.getByText("Hi Lauri").waitFor();
    const reward = panel.locator("li").filter({ hasText: "20 € thank-you" });
    await reward.getByRole("button", { name: "Redeem" }).click();
    await panel.getByRole("button", { name: "Confirm" }).click();
    await panel.getByText(/KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}/).first().waitFor();
    await store.close();
  });
});
