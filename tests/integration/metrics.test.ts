import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createPrismaClient, getDb, setDb } from "../../app/db.server";
import { getJobRunner } from "../../app/jobs/queue.server";
import { processWebhookEvent } from "../../app/jobs/webhook-job.server";
import { MAX_ATTEMPTS } from "../../app/jobs/webhook-job.server";
import { loader as metricsRoute } from "../../app/routes/metrics";
import { HANDLERS } from "../../app/webhooks/handlers";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { orderPayload } from "../fixtures/payloads";
import { getEmulator } from "../../app/local/emulator.server";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";
import { expectLoggedError } from "../logged-errors";

// GET /metrics: Prometheus' text format behind METRICS_TOKEN, with the counters moved at
// their call sites (inbox, webhook job, storefront redemptions) and the inbox's backlog
// read from the database at the scrape.

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();
const TOKEN = "metrics-token-for-tests-0123456789";

afterEach(() => {
  delete process.env.METRICS_TOKEN;
});

const scrape = (authorization?: string) =>
  metricsRoute({ request: new Request("http://localhost/metrics", { headers: authorization ? { Authorization: authorization } : {} }), params: {}, context: {} });

/** The value of one sample (`name{labels}`) in the scrape, 0 when absent. */
async function sample(name: string): Promise<number> {
  process.env.METRICS_TOKEN = TOKEN;
  const text = await (await scrape(`Bearer ${TOKEN}`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

describe("/metrics", () => {
  it("does not exist without METRICS_TOKEN, and wants the token when it is set", async () => {
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
    process.env.METRICS_TOKEN = TOKEN;
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer wrong-token-of-any-length")).status).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).status).toBe(401);
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    for (const name of [
      "kanta_webhooks_received_total",
      "kanta_webhooks_processed_total",
      "kanta_webhooks_retried_total",
      "kanta_webhooks_dead_total",
      "kanta_webhook_backlog",
      "kanta_webhook_backlog_age_seconds",
      "kanta_webhooks_processed_per_minute",
      "kanta_redemptions_total",
      "kanta_shopify_api_errors_total",
      "kanta_shopify_api_throttled_total",
      "kanta_process_resident_memory_bytes",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("still answers while the database is down (the inbox gauges keep their last values)", async () => {
    const original = getDb();
    setDb(createPrismaClient("postgresql://postgres@127.0.0.1:1/nowhere"));
    try {
      process.env.METRICS_TOKEN = TOKEN;
      const response = await scrape(`Bearer ${TOKEN}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("kanta_webhooks_received_total");
    } finally {
      await getDb().$disconnect();
      setDb(original);
    }
  });

  it("counts webhooks received and processed, duplicates once", async () => {
    const shop = await createTestShop(db());
    const received = await sample('kanta_webhooks_received_total{topic="orders/paid"}');
    const processed = await sample('kanta_webhooks_processed_total{outcome="done"}');
    const eventId = randomUUID();
    const payload = orderPayload({ id: "9100001", customerId: "9100002", lines: [{ price: "10.00" }], updatedAt: "2026-11-20T10:00:00Z" });
    for (let i = 0; i < 2; i++) expect((await sendWebhook(server().url, "orders/paid", shop.domain, payload, { eventId })).status).toBe(200);
    await getJobRunner().idle();
    expect(await sample('kanta_webhooks_received_total{topic="orders/paid"}')).toBe(received + 1);
    expect(await sample('kanta_webhooks_processed_total{outcome="done"}')).toBe(processed + 1);
    expect(await sample("kanta_webhooks_processed_per_minute")).toBeGreaterThan(0);
  });

  it("counts retries and dead events, and shows the backlog and its age from the database", async () => {
    expectLoggedError(/webhook (failed|dead)/);
    const original = HANDLERS["orders/paid"]!;
    HANDLERS["orders/paid"] = async () => {
      throw new Error("boom");
    };
    try {
      const retried = await sample("kanta_webhooks_retried_total");
      const dead = await sample("kanta_webhooks_dead_total");
      const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
      const failing = await db().webhookEvent.create({
        data: { shopDomain: "metrics.myshopify.com", topic: "orders/paid", eventId: randomUUID(), payload: "{}", receivedAt: tenMinutesAgo, nextAttemptAt: tenMinutesAgo },
      });
      expect(await processWebhookEvent(db(), failing.id)).toBe("retrying");
      expect(await sample("kanta_webhooks_retried_total")).toBe(retried + 1);
      expect(await sample('kanta_webhook_backlog{status="retrying"}')).toBeGreaterThanOrEqual(1);
      expect(await sample("kanta_webhook_backlog_age_seconds")).toBeGreaterThanOrEqual(600);

      await db().webhookEvent.update({ where: { id: failing.id }, data: { attempts: MAX_ATTEMPTS - 1, nextAttemptAt: new Date(0) } });
      expect(await processWebhookEvent(db(), failing.id)).toBe("dead");
      expect(await sample("kanta_webhooks_dead_total")).toBe(dead + 1);
      expect(await sample('kanta_webhook_backlog{status="dead"}')).toBeGreaterThanOrEqual(1);
    } finally {
      HANDLERS["orders/paid"] = original;
    }
  });

  it("counts storefront redemptions by outcome", async () => {
    const shop = await createTestShop(db());
    (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    const before = await sample('kanta_redemptions_total{outcome="not_a_member"}');
    const query = signProxyQuery({ shop: shop.domain, logged_in_customer_id: "9100003", path_prefix: "/apps/kanta" }, TEST_SECRET);
    const response = await fetch(`${server().url}/proxy/redeem?${query}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "none", requestId: randomUUID() }),
    });
    expect(response.status).toBe(403);
    expect(await sample('kanta_redemptions_total{outcome="not_a_member"}')).toBe(before + 1);
  });
});
