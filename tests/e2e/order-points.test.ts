import { describe, expect, it } from "vitest";
import type { Page } from "playwright";
import { useLocalKanta } from "./local-server";

// The order points block (extensions/kanta-order-points) running its own Preact code in
// local mode's preview host: the thank-you page after a demo checkout ("N points pending"
// for a member, the invitation for a guest) and the order status page. Screenshots at
// desktop and phone widths go to KANTA_SCREENSHOT_DIR (docs/screenshots for the docs).
// docs/decisions/0026-points-on-the-order.md

const kanta = useLocalKanta();
const shots = process.env.KANTA_SCREENSHOT_DIR ?? "/tmp";
const AINO = "7390000001001";
const ELSA = "7390000001003";
// @shopify/shopify-app-remix answers a bot's user agent with 410 before the token, and
// headless Chromium's says "HeadlessChrome": the preview is opened as the desktop browser it is.
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
const WIDTHS = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } } as const;

function preview(target: string, params: Record<string, string>) {
  return `${kanta.base}/local/extensions/kanta-order-points?${new URLSearchParams({ target, ...params })}`;
}

async function open(url: string, viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
  const page = await kanta.browser().newPage({ viewport, userAgent: USER_AGENT });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  await page.goto(url);
  return { page, problems };
}

describe("points on the order, in local mode's preview", () => {
  it("thank-you page: a member sees the points pending; the figure is the backend's estimate for the checkout's lines", async () => {
    for (const [size, viewport] of Object.entries(WIDTHS)) {
      const { page, problems } = await open(preview("purchase.thank-you.block.render", { customer: AINO, locale: "en" }), viewport);
      const line = page.getByText(/You’ll earn \d+ points on this order/);
      await line.waitFor();
      await page.getByText("Pending", { exact: true }).waitFor();
      const shown = Number(/(\d+) points/.exec((await line.textContent()) ?? "")![1]);
      expect(shown).toBeGreaterThan(0);
      await page.screenshot({ path: `${shots}/thank-you-member-${size}.png`, fullPage: true });
      if (size === "desktop") {
        // Shopify confirms the order (the order path, as orders/paid): the block now shows what it earned, the same number.
        await page.getByRole("button", { name: /Shopify confirms the order/ }).click();
        await page.getByText(new RegExp(`You earned ${shown} points on this order`)).waitFor();
        await page.screenshot({ path: `${shots}/thank-you-member-earned-${size}.png`, fullPage: true });
      }
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("thank-you page: a guest is invited to create an account, with the sign-up bonus; in Finnish too", async () => {
    for (const [size, viewport] of Object.entries(WIDTHS)) {
      const { page, problems } = await open(preview("purchase.thank-you.block.render", { customer: "guest", locale: "en" }), viewport);
      await page.getByText("Earn points on your next order").waitFor();
      await page.getByText(/get \d+ points right away/).waitFor();
      expect(await page.getByText(/You’ll earn/).count()).toBe(0);
      await page.screenshot({ path: `${shots}/thank-you-guest-${size}.png`, fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    }
    const { page } = await open(preview("purchase.thank-you.block.render", { customer: AINO, locale: "fi" }), WIDTHS.desktop);
    await page.getByText(/Saat tästä tilauksesta \d+ pistettä/).waitFor();
    await page.close();
    // German, one of the eight languages added with 0036.
    const german = await open(preview("purchase.thank-you.block.render", { customer: AINO, locale: "de" }), WIDTHS.desktop);
    await german.page.getByText(/Mit dieser Bestellung sammelst du \d+ Punkte/).waitFor();
    await german.page.close();
  });

  it("order status page: a member sees what their order earned, pending or available", async () => {
    for (const [size, viewport] of Object.entries(WIDTHS)) {
      const { page, problems } = await open(preview("customer-account.order-status.block.render", { customer: ELSA, locale: "en" }), viewport);
      await page.getByText(/You earned \d+ points on this order/).waitFor();
      await page.getByText(/^(Pending|Available)$/).waitFor();
      await page.screenshot({ path: `${shots}/order-status-member-${size}.png`, fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    }
  });
});
