import { describe, expect, it } from "vitest";
import pg from "pg";
import { getJobRunner } from "../../app/jobs/queue.server";
import { createTestShop, useTestDatabase } from "../db";
import { pgAdminUrl } from "../db-urls";
import { orderPayload, refundPayload, lineId } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

// PostgreSQL only (tests/vitest.config.ts). pg 8 warns once per process, "Calling
// client.query() when the client is already executing a query", when a connection is asked
// for a second query while one runs (pg 9 will refuse it); Prisma's query interpreter does
// that for an `include` inside a transaction. The order path (orders, refunds, enrolment,
// tiers, analytics, occasions, the batch path) must run without it: app/db.server.ts
// sends a transaction's queries one at a time (docs/decisions/0030-batched-accrual.md).

const warnings: string[] = [];
process.on("warning", (warning) => warnings.push(warning.message));
const CONCURRENT_QUERY = /already executing a query/;

const { db } = useTestDatabase();
const { server } = useTestServer();

describe("one query at a time per connection", () => {
  it("runs the order path on PostgreSQL without pg's concurrent-query warning", async () => {
    const shop = await createTestShop(db());
    const sends = [];
    for (let i = 0; i < 30; i++) {
      const id = String(7700000000000000001n + BigInt(i));
      const customerId = String(9300000000000000001n + BigInt(i % 7));
      const lines = [{ price: "40.00", quantity: 2 }, { price: "15.50" }];
      sends.push(sendWebhook(server().url, "orders/paid", shop.domain, orderPayload({ id, customerId, lines, updatedAt: "2026-11-20T10:00:00Z" })));
      if (i % 3 === 0) {
        const refund = { id: String(7800000000000000001n + BigInt(i)), orderId: id, createdAt: "2026-11-21T10:00:00Z", lines: [{ lineItemId: lineId(id, 0), quantity: 1, subtotal: "40.00" }] };
        sends.push(sendWebhook(server().url, "refunds/create", shop.domain, refundPayload(refund)));
        sends.push(sendWebhook(server().url, "orders/updated", shop.domain, orderPayload({ id, customerId, lines, updatedAt: "2026-11-21T10:00:00Z", refunds: [refund] })));
      }
    }
    for (const response of await Promise.all(sends)) expect(response.status).toBe(200);
    await getJobRunner().idle();
    expect(await db().webhookEvent.count({ where: { shopDomain: shop.domain, status: { not: "done" } } })).toBe(0);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, kind: "order_earned" } })).toBe(30);
    expect(warnings.filter((w) => CONCURRENT_QUERY.test(w))).toEqual([]);

    // The check can fail: a bare pg client asked for queries while one runs warns (pg 8 says
    // so when a query is asked for while others already wait).
    const client = new pg.Client({ connectionString: pgAdminUrl() });
    await client.connect();
    await Promise.all([client.query("SELECT pg_sleep(0.05)"), client.query("SELECT 1"), client.query("SELECT 2")]);
    await client.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => CONCURRENT_QUERY.test(w))).toHaveLength(1);
  });
});
