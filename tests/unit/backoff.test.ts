import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, LEASE_MS, RETRY, afterFailure, afterShopifyFailure, errorText, leaseUntil, retryDelayMs } from "../../app/jobs/backoff";
import { ShopifyHttpError, ShopifyUserError } from "../../app/shopify/graphql";

// The one retry schedule and lease of every outbox (app/jobs/backoff.ts).

const now = new Date("2026-12-01T10:00:00Z");

describe("retryDelayMs", () => {
  it("backs off 1 s, 4 s, 16 s … and stays at an hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n))).toEqual([1_000, 4_000, 16_000, 64_000, 256_000, 1_024_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it("treats attempt 0, negative, fractional and non-finite counts as the first", () => {
    expect([0, -3, 1.7, Number.NaN, Number.POSITIVE_INFINITY].map((n) => retryDelayMs(n))).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
  });

  it("follows a policy's own numbers", () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, { maxAttempts: 3, firstDelayMs: 10, factor: 2, maxDelayMs: 30 }))).toEqual([10, 20, 30]);
  });

  it("gives every outbox a limit; the storefront's app data rides out a longer outage", () => {
    expect(RETRY.webhook).toBe(DEFAULT_RETRY);
    expect(DEFAULT_RETRY.maxAttempts).toBe(8);
    for (const policy of Object.values(RETRY)) expect(Number.isInteger(policy.maxAttempts) && policy.maxAttempts > 0).toBe(true);
    expect(RETRY.appData.maxAttempts).toBeGreaterThan(DEFAULT_RETRY.maxAttempts);
  });
});

describe("leaseUntil", () => {
  it("holds a claimed row for five minutes unless told otherwise", () => {
    expect(LEASE_MS).toBe(300_000);
    expect(leaseUntil(now).getTime() - now.getTime()).toBe(300_000);
    expect(leaseUntil(now, 1_000).getTime() - now.getTime()).toBe(1_000);
  });
});

describe("afterFailure", () => {
  it("schedules the next attempt after the backoff until the last attempt, then dead", () => {
    expect(afterFailure({ attempts: 1, now, error: new Error("boom") })).toEqual({ status: "retry", error: "Error: boom", nextAttemptAt: new Date(now.getTime() + 1_000) });
    expect(afterFailure({ attempts: 3, now, error: "plain text" })).toEqual({ status: "retry", error: "plain text", nextAttemptAt: new Date(now.getTime() + 16_000) });
    expect(afterFailure({ attempts: 7, now, error: new Error("boom") }).status).toBe("retry");
    expect(afterFailure({ attempts: 8, now, error: new Error("boom") })).toEqual({ status: "dead", error: "Error: boom" });
    expect(afterFailure({ attempts: 9, now, error: new Error("boom") }).status).toBe("dead");
    expect(afterFailure({ attempts: 8, now, error: "x", policy: RETRY.appData }).status).toBe("retry");
  });

  it("makes a terminal error dead at the first attempt", () => {
    expect(afterFailure({ attempts: 1, now, error: new Error("never"), terminal: true })).toEqual({ status: "dead", error: "Error: never" });
  });

  it("keeps at most 1,000 characters of the error", () => {
    expect(errorText(new Error("x".repeat(5_000)))).toHaveLength(1_000);
    // A Prisma error from a build: the minified code frame goes, the cause and its code stay.
    const prisma = Object.assign(new Error(`\nInvalid \`t=Object.create()\` invocation in\n/app/node_modules/.prisma/client-pg/runtime/client.js:27:2556\n\n  24 ${"function qd(e,t,r){let n=t.arguments;".repeat(60)}\n\nServer has closed the connection.`), { name: "PrismaClientKnownRequestError", code: "P1017" });
    expect(errorText(prisma)).toBe("PrismaClientKnownRequestError: P1017 Server has closed the connection.");
  });
});

describe("afterShopifyFailure", () => {
  it("dead at once for a terminal Shopify error, backoff for a retryable one", () => {
    expect(afterShopifyFailure({ attempts: 1, now, error: new ShopifyUserError("tagsAdd: id: Resource not found") })).toEqual({
      status: "dead",
      error: "ShopifyUserError: tagsAdd: id: Resource not found",
      kind: "terminal",
    });
    expect(afterShopifyFailure({ attempts: 2, now, error: new ShopifyHttpError(503, "HTTP 503") })).toEqual({
      status: "retry",
      error: "ShopifyHttpError: HTTP 503",
      nextAttemptAt: new Date(now.getTime() + 4_000),
      kind: "retryable",
    });
    expect(afterShopifyFailure({ attempts: 8, now, error: new ShopifyHttpError(429, "HTTP 429") })).toMatchObject({ status: "dead", kind: "retryable" });
  });
});
