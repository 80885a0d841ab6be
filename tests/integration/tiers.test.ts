import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { calendarYearBounds } from "../../app/loyalty/tiers/rules";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder } from "../factories";
import { lineId, orderPayload, refundPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useTestServer } from "../http";

const { db } = useTestDatabase();
const { server: testServer } = useTestServer();

// Orders placed "now", so they fall in the current shop-local year whenever the suite runs.
const at = () => new Date().toISOString();

async function order(shopDomain: string, id: string, customerId: string, price: string) {
  const payload = orderPayload({ id, customerId, lines: [{ price }], updatedAt: at() });
  expect((await sendWebhook(testServer().url, "orders/paid", shopDomain, payload)).status).toBe(200);
  await getJobRunner().idle();
}

async function tierOf(shopId: string, customerId: string) {
  const m = await db().member.findUniqueOrThrow({
    where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } },
    include: { tier: true },
  });
  return m.tier?.name ?? null;
}

describe("VIP tiers by yearly spend", () => {
  it("upgrades Bronze to Silver at exactly 250.00 €, not at 249.99 €", async () => {
    const shop = await createTestShop(db());
    await order(shop.domain, "9101", "3101", "250.00");
    await order(shop.domain, "9102", "3102", "249.99");
    expect(await tierOf(shop.id, "3101")).toBe("Silver");
    expect(await tierOf(shop.id, "3102")).toBe("Bronze");
    const record = await db().orderRecord.findFirstOrThrow({ where: { shopId: shop.id, orderGid: "gid://shopify/Order/9101" } });
    expect(record.eligibleMinor).toBe(25_000n);
  });

  it("adds up the year's orders", async () => {
    const shop = await createTestShop(db());
    await order(shop.domain, "9201", "3201", "100.00");
    expect(await tierOf(shop.id, "3201")).toBe("Bronze");
    await order(shop.domain, "9202", "3201", "150.00");
    expect(await tierOf(shop.id, "3201")).toBe("Silver");
    await order(shop.domain, "9203", "3201", "500.00");
    expect(await tierOf(shop.id, "3201")).toBe("Gold");
  });

  it("does not demote when a refund takes the spend below the threshold", async () => {
    const shop = await createTestShop(db());
    await order(shop.domain, "9301", "3301", "300.00");
    expect(await tierOf(shop.id, "3301")).toBe("Silver");
    const refund = refundPayload({
      id: "9391",
      orderId: "9301",
      createdAt: at(),
      lines: [{ lineItemId: lineId("9301", 0), quantity: 1, subtotal: "300.00" }],
    });
    expect((await sendWebhook(testServer().url, "refunds/create", shop.domain, refund)).status).toBe(200);
    await getJobRunner().idle();
    const record = await db().orderRecord.findFirstOrThrow({ where: { shopId: shop.id, orderGid: "gid://shopify/Order/9301" } });
    expect(record.eligibleMinor).toBe(0n);
    expect(await tierOf(shop.id, "3301")).toBe("Silver");
  });

  it("shows the next tier and what is missing in GET /proxy/customer", async () => {
    const shop = await createTestShop(db());
    await order(shop.domain, "9401", "3401", "314.00");
    const query = signProxyQuery({ shop: shop.domain, path_prefix: "/apps/kanta", logged_in_customer_id: "3401" }, TEST_SECRET);
    const body = await (await fetch(`${testServer().url}/proxy/customer?${query.toString()}`)).json();
    expect(body.customer.tier).toEqual({
      name: "Silver",
      rank: 1,
      next: { name: "Gold", remainingMinor: 43_600, remaining: 43_600 },
      spendMinor: 31_400,
      progress: 31_400,
      basis: "spend",
      period: "calendar_year",
      periodEnd: calendarYearBounds(new Date(), "Europe/Helsinki").end.toISOString(),
    });
    expect(body.tiers.basis).toBe("spend");
    expect(body.tiers.list.map((t: { name: string; threshold: number; multiplierPermille: number }) => [t.name, t.threshold, t.multiplierPermille])).toEqual([
      ["Bronze", 0, 1000],
      ["Silver", 25_000, 1250],
      ["Gold", 75_000, 1500],
      ["Platinum", 150_000, 2000],
    ]);
    expect(body.program.timeZone).toBe("Europe/Helsinki");
  });

  it("counts only orders of the shop-local year (Helsinki turns the year at 22:00 UTC)", async () => {
    const shop = await createTestShop(db());
    const now = new Date("2027-01-10T12:00:00Z");
    const apply = (id: string, processedAt: string, price: string) => applyPaidOrder(db(), shop.domain, { id, customerId: "3501", price, at: processedAt, now });
    // 23:30 on 31 December in Helsinki: last year.
    await apply("9501", "2026-12-31T21:30:00Z", "200.00");
    // 00:30 on 1 January in Helsinki: this year.
    await apply("9502", "2026-12-31T22:30:00Z", "100.00");
    expect(await tierOf(shop.id, "3501")).toBe("Bronze");
    await apply("9503", "2027-01-05T10:00:00Z", "150.00");
    expect(await tierOf(shop.id, "3501")).toBe("Silver");
  });
});
