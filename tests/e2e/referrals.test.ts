import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import type { Page } from "playwright";
import { createPrismaClient } from "../../app/db.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { seedReferrals } from "../../scripts/seed-referrals";
import { root, untilDemoEnrolled, useLocalKanta, watchProblems } from "./local-server";

// Referrals as people meet them in local mode: a member's share view in the widget, a
// friend arriving through the link (greeting, welcome code, cart attribute, paid order),
// and the merchant approving a held referral. The app proxy is signed as Shopify signs it.

const kanta = useLocalKanta();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const AINO = "7390000001001";
const SHOP = "kanta-demo.myshopify.com";
let code = "";

beforeAll(async () => {
  // The demo seed's referrals (scripts/seed-referrals.ts; idempotent if the seed already ran them).
  const db = createPrismaClient(kanta.env.DATABASE_URL!);
  try {
    await untilDemoEnrolled(db);
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    // The server may be writing to the same SQLite file (its first sweep): retry while busy.
    for (let attempt = 1; ; attempt++) {
      try {
        await seedReferrals(db, shop.id);
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    const aino = await db.member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${AINO}` } } });
    code = aino.referralCode!;
  } finally {
    await db.$disconnect();
  }
});

function watch(page: Page, options: { sameHostOnly?: boolean } = { sameHostOnly: true }): string[] {
  return watchProblems(page, options.sameHostOnly ? { onlyHost: new URL(kanta.base).host } : {});
}

async function axeSerious(page: Page, selector: string): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async (sel) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run(document.querySelector(sel) ?? document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
  }, selector);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}, ${v.count})`);
}

async function referralCounts(): Promise<{ friendsJoined: number; completed: number }> {
  const query = signProxyQuery({ shop: SHOP, logged_in_customer_id: AINO, path_prefix: "/apps/kanta" }, kanta.env.SHOPIFY_API_SECRET!);
  const body = await (await fetch(`${kanta.base}/proxy/customer?${query}`)).json();
  return body.customer.referral;
}

describe("referrals in the storefront", () => {
  it("shows a member their link with copy and share buttons, the offer, the reward and their friends", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${kanta.base}/local/storefront?customer=${AINO}`);
    await page.getByRole("button", { name: /Rewards/ }).click();
    const dialog = page.getByRole("dialog");
    const section = dialog.getByRole("region", { name: "Refer a friend" });
    await section.waitFor();
    await section.getByText("Give your friends 10% off on their first order and get 500 points when they buy.").waitFor();
    const link = section.getByLabel("Your referral link");
    expect(await link.inputValue()).toMatch(new RegExp(`^http://localhost:\\d+/apps/kanta/r/${code}$`));
    await section.getByText("2 friends have joined · 1 successful referral").waitFor();
    await section.getByRole("button", { name: "Copy" }).click();
    await section.getByRole("button", { name: "Copied" }).waitFor();
    const hrefs = await section.locator(".kanta-share a").evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute("href")]));
    expect(hrefs.map(([label]) => label)).toEqual(["Email", "WhatsApp", "Facebook", "X"]);
    expect(hrefs[0]![1]).toMatch(/^mailto:\?body=.*apps%2Fkanta%2Fr%2F/);
    expect(hrefs[1]![1]).toMatch(/^https:\/\/wa\.me\/\?text=/);
    expect(hrefs[2]![1]).toMatch(/^https:\/\/www\.facebook\.com\/sharer\/sharer\.php\?u=/);
    expect(hrefs[3]![1]).toMatch(/^https:\/\/x\.com\/intent\/tweet\?text=/);
    expect(await axeSerious(page, '[role="dialog"]')).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("greets a friend who follows the link, gives a welcome code, and rewards the member when the order is paid", async () => {
    const context = await kanta.browser().newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${kanta.base}/apps/kanta/r/${code}`);
    const card = page.getByRole("dialog", { name: "Aino gave you 10% off on your first order" });
    await card.waitFor();
    // The token left the address bar, and is kept in a first-party cookie and the cart.
    expect(new URL(page.url()).pathname).toBe("/local/storefront");
    expect(page.url()).not.toContain("kanta_ref");
    await page.waitForFunction(() => /kanta_local_cart=/.test(document.cookie));
    const cookies = await context.cookies();
    const token = cookies.find((c) => c.name === "kanta_ref")?.value ?? "";
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(cookies.find((c) => c.name === "kanta_ref")).toMatchObject({ path: "/", sameSite: "Lax" });
    const cart = JSON.parse(decodeURIComponent(cookies.find((c) => c.name === "kanta_local_cart")!.value));
    expect(cart.attributes).toEqual({ kanta_ref: token });
    expect(await card.textContent()).not.toMatch(/Virtanen|aino@/);

    await card.getByLabel("Email").fill("not-an-email");
    await card.getByRole("button", { name: "Get my code" }).click();
    await card.getByText("Please enter a valid email address.").waitFor();
    await card.getByLabel("Email").fill("new.friend@example.com");
    await card.getByRole("button", { name: "Get my code" }).click();
    const value = card.getByRole("textbox", { name: "Your code is ready" });
    await value.waitFor();
    const friendCode = await value.inputValue();
    expect(friendCode).toMatch(/^FRIEND-\w{4}-\w{4}$/);
    expect(decodeURIComponent((await card.getByRole("link", { name: "Apply to cart" }).getAttribute("href"))!)).toBe(`/discount/${friendCode}?redirect=/cart`);
    const discounts = (await (await fetch(`${kanta.base}/local/emulator`)).json()).discounts as { code: string; input: Record<string, unknown> }[];
    expect(discounts.find((d) => d.code === friendCode)?.input).toMatchObject({ usageLimit: 1, appliesOncePerCustomer: true, context: { customers: { add: [expect.stringMatching(/^gid:\/\/shopify\/Customer\/\d+$/)] } }, customerGets: { value: { percentage: 0.1 } } });
    expect(await axeSerious(page, ".kanta-friend")).toEqual([]);
    await card.getByRole("button", { name: "Close" }).click();
    await card.waitFor({ state: "hidden" });

    // The friend's order arrives with the cart attribute: Aino's reward.
    const before = await referralCounts();
    const simulate = spawnSync(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "scripts/simulate.ts", "orders/paid", "--customer", "guest", "--email", "new.friend@example.com", "--referral", token, "--order", "5550000008888", "--amount", "58.00", "--url", kanta.base],
      { cwd: root, env: kanta.env, encoding: "utf8" },
    );
    expect(simulate.stdout).toMatch(/HTTP 200/);
    let after = before;
    for (let i = 0; i < 40 && after.completed === before.completed; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await referralCounts();
    }
    expect(after.completed).toBe(before.completed + 1);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("referrals in the admin", () => {
  it("lists referrals and approves a held one; settings save with the save bar and show errors inline", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page, { sameHostOnly: false }); // the admin's own assets are Polaris's
    await page.goto(`${kanta.base}/app/referrals`);
    await page.getByRole("heading", { name: "Referrals", exact: true }).waitFor();
    await page.getByText("Revenue from referred orders").waitFor();
    const held = page.getByRole("row").filter({ hasText: "Link opened by the referrer" });
    await held.getByText("Aino Virtanen").waitFor();
    await held.getByText("shared.device@example.com").waitFor();
    await held.getByRole("button", { name: /^Approve referral/ }).click();
    await page.getByText("Referral approved. The reward is paid.").waitFor();
    const approved = page.getByRole("row").filter({ hasText: "shared.device@example.com" });
    await approved.getByText("Completed").waitFor();
    await approved.getByText("Decided by staff (local demo)").waitFor();
    expect(await approved.getByRole("button", { name: /^Approve/ }).count()).toBe(0);
    await page.getByRole("heading", { name: "Top referrers" }).waitFor();

    // On a phone the list stacks; nothing breaks.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByText("referred shared.device@example.com").waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(`${kanta.base}/app/referrals/settings`);
    await page.getByRole("heading", { name: "Referral settings" }).waitFor();
    const percentage = page.getByLabel("Percentage", { exact: true });
    await percentage.fill("0");
    await page.waitForFunction(() => document.documentElement.dataset.kantaSaveBar === "referral-settings-save-bar");
    await page.locator("ui-save-bar button[variant=primary]").click();
    await page.getByText("Enter a whole percentage from 1 to 100").waitFor();
    await percentage.fill("15");
    await page.locator("ui-save-bar button[variant=primary]").click();
    await page.getByText("Referral settings saved").waitFor();
    await page.waitForFunction(() => !document.documentElement.dataset.kantaSaveBar);
    await page.getByText(/Friends get 15% off on their first order\. Members get 500 points/).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
