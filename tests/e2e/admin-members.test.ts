import { describe, expect, it } from "vitest";
import { useLocalKanta, watchProblems } from "./local-server";

// What a merchant does on the Members pages in local mode: find a seeded member, give them
// points with a reason, and see the balance and the history change.

const kanta = useLocalKanta();

describe("admin members", () => {
  it("lists the seeded members, and adjusts a member's points with a reason", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);

    await page.goto(`${kanta.base}/app/members`);
    await page.getByRole("heading", { name: "Members", exact: true }).waitFor();
    await page.getByText("Aino Virtanen").filter({ visible: true }).waitFor();
    await page.getByRole("link", { name: "Elsa Lindqvist" }).click();

    await page.getByRole("heading", { name: "Elsa Lindqvist" }).waitFor();
    await page.getByText("414", { exact: true }).filter({ visible: true }).first().waitFor(); // 100 sign-up + 314 order
    await page.getByRole("button", { name: "Adjust points" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Points", { exact: true }).fill("50");
    await dialog.getByLabel("Reason", { exact: true }).fill("Thanks for the product review");
    await dialog.getByRole("button", { name: "Save adjustment" }).click();
    await dialog.waitFor({ state: "hidden" });

    await page.getByText("464", { exact: true }).filter({ visible: true }).first().waitFor();
    const row = page.getByRole("row").filter({ hasText: "Thanks for the product review" });
    await row.getByText("+50").waitFor();
    await row.getByText("Staff (local demo)").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("gives points to several selected members at once", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    // The seeded members (example.com), not the demo's existing customers (example.org), who fill pages of their own.
    await page.goto(`${kanta.base}/app/members?sort=points&dir=asc&q=example.com`);
    const row = (name: string) => page.getByRole("row").filter({ hasText: name });
    const pointsOf = async (name: string) => Number((await row(name).getByRole("cell").nth(3).textContent())!.replace(/\D/g, ""));
    const before = { onni: await pointsOf("Onni Korhonen"), mikkel: await pointsOf("Mikkel Jensen") };
    await row("Onni Korhonen").getByRole("checkbox").check();
    await row("Mikkel Jensen").getByRole("checkbox").check();
    await page.getByRole("button", { name: "Add or remove points" }).click();
    const dialog = page.getByRole("dialog", { name: "Add or remove points for 2 members" });
    await dialog.getByLabel("Points", { exact: true }).fill("30");
    await dialog.getByRole("button", { name: "Save adjustment" }).click();
    await dialog.getByText("Enter a reason").waitFor(); // refused inline, nothing saved
    await dialog.getByLabel("Reason", { exact: true }).fill("Thank-you for the survey");
    await dialog.getByRole("button", { name: "Save adjustment" }).click();
    await page.locator("[data-kanta-toast]").filter({ hasText: "Added 30 points to 2 members" }).first().waitFor();
    await dialog.waitFor({ state: "hidden" });
    await page.reload();
    expect(await pointsOf("Onni Korhonen")).toBe(before.onni + 30);
    expect(await pointsOf("Mikkel Jensen")).toBe(before.mikkel + 30);
    expect(problems).toEqual([]);
    await page.close();
  });
});
