import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { getJobRunner } from "../../app/jobs/queue.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { orderPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, startTestServer, type TestServer } from "../http";

const { db } = useTestDatabase();
let server: TestServer;
let shopDomain: string;
beforeAll(async () => {
  server = await startTestServer();
  const shop = await createTestShop(db(), { pendingDays: 14 });
  shopDomain = shop.domain;
  await sendWebhook(server.url, "orders/paid", shop.domain, orderPayload({ id: "7001", customerId: "820982911946154508", lines: [{ price: "75.50" }], updatedAt: new Date().toISOString() }));
  await getJobRunner().idle();
});
afterAll(async () => {
  await server.close();
});

afterEach(() => vi.restoreAllMocks());

function proxyUrl(params: Record<string, string>, secret = TEST_SECRET, at = new Date()) {
  return `${server.url}/proxy/customer?${signProxyQuery({ shop: shopDomain, path_prefix: "/apps/kanta", ...params }, secret, at).toString()}`;
}

describe("app proxy: GET /customer", () => {
  it("answers the signed, logged-in customer with points, pending points and tier", async () => {
    const response = await fetch(proxyUrl({ logged_in_customer_id: "820982911946154508" }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.customer).toMatchObject({
      id: "gid://shopify/Customer/820982911946154508",
      points: 100,
      pendingPoints: 75,
      tier: { name: "Bronze" },
    });
    expect(body.program).toMatchObject({ currencyCode: "EUR", pendingDays: 14, signupPoints: 100 });
  });

  it("answers a guest with customer null", async () => {
    const body = await (await fetch(proxyUrl({ logged_in_customer_id: "" }))).json();
    expect(body.customer).toBeNull();
    expect(body.program.earn).toEqual({ points: 1, spendMinor: 100 });
  });

  it("refuses forged, unsigned or tampered requests and discloses nothing", async () => {
    const forged = await fetch(proxyUrl({ logged_in_customer_id: "820982911946154508" }, "wrong-secret"));
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toContain("points");
    const unsigned = await fetch(`${server.url}/proxy/customer?shop=${shopDomain}&logged_in_customer_id=820982911946154508`);
    expect(unsigned.status).toBe(401);
    // Signed for a guest, then a customer id added by the browser.
    const tampered = proxyUrl({ logged_in_customer_id: "" }).replace("logged_in_customer_id=", "logged_in_customer_id=820982911946154508");
    const response = await fetch(tampered);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized", message: "This request is not signed by Shopify." });
  });

  it("refuses a signature older than the library's 90 s, as a replay", async () => {
    const stale = await fetch(proxyUrl({ logged_in_customer_id: "820982911946154508" }, TEST_SECRET, new Date(Date.now() - 10 * 60_000)));
    expect(stale.status).toBe(401);
  });

  it("answers from the signature alone: no read of the shop's session (the widget's read on every page view)", async () => {
    const loadSession = vi.spyOn(PrismaSessionStorage.prototype, "loadSession").mockRejectedValue(new Error("session storage unavailable"));
    const response = await fetch(proxyUrl({ logged_in_customer_id: "820982911946154508" }));
    expect(response.status).toBe(200);
    expect((await response.json()).customer).toMatchObject({ points: 100 });
    expect(loadSession).not.toHaveBeenCalled();
  });

  it("never shows another customer's data: an unknown signed customer is a guest", async () => {
    const body = await (await fetch(proxyUrl({ logged_in_customer_id: "999" }))).json();
    expect(body.customer).toBeNull();
  });

  it("answers 404 for a shop without a program", async () => {
    const url = `${server.url}/proxy/customer?${signProxyQuery({ shop: "nobody.myshopify.com", logged_in_customer_id: "" }, TEST_SECRET)}`;
    expect((await fetch(url)).status).toBe(404);
  });
});
