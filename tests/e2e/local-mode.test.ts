import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { signProxyQuery } from "../../app/shopify/signing";
import { root, useLocalKanta } from "./local-server";

// The README's promise, as a newcomer meets it: `npm run local` starts Kanta on a fresh
// SQLite file with the seeded demo shop; the admin shows it in a browser; a simulated,
// signed orders/paid webhook turns into points that appear on the page; the storefront's
// proxy endpoint answers signed calls. Chromium through Playwright.

const kanta = useLocalKanta();
const { base, env } = kanta;
const secret = env.SHOPIFY_API_SECRET!;

describe("local mode", () => {
  it("refuses to start with NODE_ENV=production", () => {
    const r = spawnSync(process.execPath, ["scripts/local.mjs"], { cwd: root, env: { ...env, NODE_ENV: "production" }, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Refusing to start local mode with NODE_ENV=production/);
  });

  it("shows the seeded demo shop, then points from a simulated order", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`${base}/app`);
    // waitFor throws (failing the test) if the element does not become visible.
    await page.getByRole("heading", { name: "Home" }).waitFor();
    await page.getByText("Kanta Demo").first().waitFor();
    await page.getByText("Aino Virtanen").filter({ visible: true }).first().waitFor();
    // The App Bridge stand-in rendered the navigation.
    await page.getByRole("navigation", { name: "Kanta" }).waitFor();
    await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).waitFor();

    const simulate = spawnSync(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "scripts/simulate.ts", "orders/paid", "--customer", "7390000001002", "--order", "5550000007777", "--amount", "77.00", "--url", base],
      { cwd: root, env, encoding: "utf8" },
    );
    expect(simulate.stdout).toMatch(/HTTP 200/);

    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.reload();
      found = (await page.getByText("Order #7777: 77.00 EUR eligible").filter({ visible: true }).count()) > 0;
      if (!found) await page.waitForTimeout(250);
    }
    expect(found).toBe(true);
    const row = page.getByRole("row").filter({ hasText: "Order #7777" });
    await row.getByText("Mikkel Jensen").waitFor();
    await row.getByText("+77").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("enrols the demo shop's existing customers after the start, wholesale skipped, past orders counted", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    // The seeds queued the enrolment; the server's job sweep runs it against the emulator.
    let done = false;
    for (let i = 0; i < 90 && !done; i++) {
      await page.goto(`${base}/app/settings`);
      done = (await page.getByText("Last run:").filter({ visible: true }).count()) > 0;
      if (!done) await page.waitForTimeout(1000);
    }
    expect(done).toBe(true);
    const figure = (label: string) => page.getByText(label, { exact: true }).locator("xpath=..").locator("span").last();
    expect(await figure("New members").textContent()).toBe("228");
    expect(await figure("Skipped (excluded tags)").textContent()).toBe("12");
    expect(Number(await figure("Past orders counted (last 60 days)").textContent())).toBeGreaterThan(100);
    // The new members are listed (tier placement is proven in tests/integration/enrolment.test.ts).
    await page.goto(`${base}/app/members?q=example.org`);
    await page.getByRole("row").filter({ hasText: "@example.org" }).first().waitFor();
    await page.close();
  });

  it("answers the storefront's signed proxy call for a demo customer, and refuses an unsigned one", async () => {
    const query = signProxyQuery({ shop: "kanta-demo.myshopify.com", logged_in_customer_id: "7390000001003", path_prefix: "/apps/kanta" }, secret);
    const response = await fetch(`${base}/proxy/customer?${query}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.customer).toMatchObject({ id: "gid://shopify/Customer/7390000001003", firstName: "Elsa", points: 100 + 314 });
    const unsigned = await fetch(`${base}/proxy/customer?shop=kanta-demo.myshopify.com&logged_in_customer_id=7390000001003`);
    expect(unsigned.status).toBe(401);
  });
});
