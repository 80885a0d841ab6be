import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "../../app/env.server";
import { SharedRateLimiter, closeRateLimitRedis } from "../../app/http/rate-limit.server";
import { log, redactEmails } from "../../app/log.server";
import { adjustMemberPoints } from "../../app/loyalty/members/admin.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, customerGid, nextCustomerId } from "../factories";
import { TEST_SECRET, useTestServer } from "../http";

// Issue #11, abuse path 8: storefront rate limits were per process (a deployment with
// several web processes multiplied them), GET /customer was not limited at all, staff
// adjustment reasons reached shoppers, and staff emails reached the logs.
// docs/decisions/0013-abuse-limits.md

const { db } = useTestDatabase();
const { server } = useTestServer();
const redisUrl = process.env.KANTA_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const ENV = ["REDIS_URL", "KANTA_QUEUE_PREFIX", "KANTA_CUSTOMER_RATE_LIMIT", "KANTA_LOG_LEVEL"] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
afterEach(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnvCache();
  await closeRateLimitRedis();
});
afterAll(closeRateLimitRedis);

function customerUrl(shop: string, customerId: string) {
  return `${server().url}/proxy/customer?${signProxyQuery({ shop, path_prefix: "/apps/kanta", logged_in_customer_id: customerId }, TEST_SECRET).toString()}`;
}

describe("GET /customer is rate limited", () => {
  it("answers 429 past KANTA_CUSTOMER_RATE_LIMIT reads a minute per customer, and other customers still read", async () => {
    process.env.KANTA_CUSTOMER_RATE_LIMIT = "3";
    resetEnvCache();
    const shop = await createTestShop(db());
    const hammering = nextCustomerId();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(customerUrl(shop.domain, hammering))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await fetch(customerUrl(shop.domain, hammering));
    expect(await refused.json()).toMatchObject({ error: "rate_limited", retryAfterSeconds: expect.any(Number) });
    expect((await fetch(customerUrl(shop.domain, nextCustomerId()))).status).toBe(200);
  });
});

describe("rate limits with REDIS_URL", () => {
  it("are shared by every process: two limiters with their own memory count together", async () => {
    process.env.REDIS_URL = redisUrl;
    process.env.KANTA_QUEUE_PREFIX = `kanta-test-${randomUUID()}`;
    resetEnvCache();
    // Two web processes, as far as the limiter is concerned: each has its own memory.
    const processA = new SharedRateLimiter("redeem", () => 3, 60_000);
    const processB = new SharedRateLimiter("redeem", () => 3, 60_000);
    const waits = [await processA.hit("shop:c1"), await processB.hit("shop:c1"), await processA.hit("shop:c1"), await processB.hit("shop:c1")];
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(waits[3]).toBeLessThanOrEqual(60_000);
    // Another key, another limit name: counted apart.
    expect(await processB.hit("shop:c2")).toBe(0);
    expect(await new SharedRateLimiter("claim", () => 3, 60_000).hit("shop:c1")).toBe(0);
    // The window expires in Redis (INCR and PEXPIRE in one script: never a key without expiry).
    const redis = new Redis(redisUrl);
    try {
      const ttl = await redis.pttl(`${process.env.KANTA_QUEUE_PREFIX}:rate:redeem:shop:c1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      redis.disconnect();
    }
  });

  it("without Redis each process counts alone (what made limits multiply before)", async () => {
    delete process.env.REDIS_URL;
    resetEnvCache();
    const processA = new SharedRateLimiter("redeem", () => 3, 60_000);
    const processB = new SharedRateLimiter("redeem", () => 3, 60_000);
    for (let i = 0; i < 3; i++) expect(await processA.hit("k")).toBe(0);
    expect(await processA.hit("k")).toBeGreaterThan(0);
    expect(await processB.hit("k")).toBe(0);
  });

  it("fall back to process memory when Redis does not answer, and still limit", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1"; // nothing listens there
    resetEnvCache();
    const warn = vi.spyOn(log, "warn");
    try {
      const limiter = new SharedRateLimiter("redeem", () => 2, 60_000);
      const waits = [];
      for (let i = 0; i < 3; i++) waits.push(await limiter.hit("shop:c1"));
      expect(waits.slice(0, 2)).toEqual([0, 0]);
      expect(waits[2]).toBeGreaterThan(0);
      expect(warn).toHaveBeenCalledWith("rate limits fall back to process memory: Redis did not answer", expect.any(Object));
    } finally {
      warn.mockRestore();
    }
  });
});

describe("what shoppers and logs see of staff", () => {
  it("shows a staff adjustment to the shopper without its internal reason", async () => {
    const shop = await createTestShop(db());
    const customerId = nextCustomerId();
    const member = await createMember(db(), shop.id, { customerGid: customerGid(customerId), firstName: "Aino" }, { points: 100, kind: "signup_bonus" });
    const reason = "Goodwill after complaint #4411 about the courier (see Zendesk)";
    await adjustMemberPoints({ shopDomain: shop.domain, memberId: member.id, points: 50, reason, staff: "staff:owner@example.com", requestId: randomUUID() });
    const text = await (await fetch(customerUrl(shop.domain, customerId))).text();
    expect(text).not.toContain("Zendesk");
    expect(text).not.toContain("owner@example.com");
    const adjusted = JSON.parse(text).customer.recentActivity.find((a: { kind: string }) => a.kind === "manual_adjustment");
    expect(adjusted).toMatchObject({ points: 50, note: null });
    // The merchant still has the reason, in the ledger.
    expect(await db().ledgerEntry.findFirstOrThrow({ where: { memberId: member.id, kind: "manual_adjustment" } })).toMatchObject({ note: reason });
  });

  it("keeps email addresses out of the logs", () => {
    process.env.KANTA_LOG_LEVEL = "info";
    resetEnvCache();
    const out: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      log.info("manual tier change", { shop: "shop.myshopify.com", staff: "staff:Owner.Name+x@Example.co.uk", reason: "asked by maija@example.fi" });
    } finally {
      stdout.mockRestore();
    }
    expect(out.join("")).not.toMatch(/@example/i);
    expect(JSON.parse(out.join(""))).toMatchObject({ shop: "shop.myshopify.com", staff: "staff:[email]", reason: "asked by [email]" });
    expect(redactEmails("gid://shopify/Customer/1 a@b.io kanta-demo.myshopify.com")).toBe("gid://shopify/Customer/1 [email] kanta-demo.myshopify.com");
  });
});
