import { describe, expect, it } from "vitest";
import { ShopifyApiError, ShopifyHttpError, errorMessages, runAdminQuery, type AdminGraphql } from "../../app/shopify/graphql";
import { metrics } from "../../app/metrics.server";

// runAdminQuery's error handling, whatever shape Shopify's `errors` takes, and the
// Shopify API counters /metrics shows.

const answer = (status: number, body: unknown): AdminGraphql => async () =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

async function counted() {
  const m = metrics();
  const errors = await m.shopifyErrors.get();
  const throttled = await m.shopifyThrottled.get();
  const of = (type: string) => errors.values.find((v) => v.labels.type === type)?.value ?? 0;
  return { http: of("http"), graphql: of("graphql"), other: of("other"), throttled: throttled.values[0]?.value ?? 0 };
}

describe("runAdminQuery", () => {
  it("takes `errors` as one string (Shopify's {\"errors\":\"...\"}), with 200 or an error status", async () => {
    const ok = runAdminQuery(answer(200, { errors: "Invalid API key or access token (unrecognized login or wrong password)" }), "{ shop { id } }");
    await expect(ok).rejects.toBeInstanceOf(ShopifyApiError);
    await expect(ok).rejects.toThrow("Invalid API key or access token (unrecognized login or wrong password)");
    const http = runAdminQuery(answer(401, { errors: "[API] Invalid API key or access token" }), "{ shop { id } }");
    await expect(http).rejects.toBeInstanceOf(ShopifyHttpError);
    await expect(http).rejects.toThrow("HTTP 401: [API] Invalid API key or access token");
  });

  it("still reads the documented array of errors, and an HTML error page", async () => {
    await expect(runAdminQuery(answer(200, { errors: [{ message: "Field 'x' doesn't exist" }, { message: "second" }] }), "{ x }")).rejects.toThrow("Field 'x' doesn't exist; second");
    await expect(runAdminQuery(answer(502, "<html>Bad gateway</html>"), "{ x }")).rejects.toThrow(/^HTTP 502$/);
    expect(errorMessages({ code: "ODD" })).toBe('{"code":"ODD"}');
    expect(errorMessages([{ extensions: { code: "X" } }])).toBe('{"extensions":{"code":"X"}}');
    expect(errorMessages(undefined)).toBe("");
  });

  it("counts failures by type and throttling (HTTP 429, THROTTLED) for /metrics", async () => {
    const before = await counted();
    await expect(runAdminQuery(answer(429, { errors: "Exceeded 2 calls per second for api client." }), "{ x }")).rejects.toThrow();
    await expect(runAdminQuery(answer(200, { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] }), "{ x }")).rejects.toThrow();
    await expect(runAdminQuery(answer(500, ""), "{ x }")).rejects.toThrow();
    await expect(runAdminQuery(async () => Promise.reject(new Error("socket hang up")), "{ x }")).rejects.toThrow("socket hang up");
    await expect(runAdminQuery(answer(200, { data: { shop: { id: "1" } } }), "{ shop { id } }")).resolves.toEqual({ shop: { id: "1" } });
    const after = await counted();
    expect({ http: after.http - before.http, graphql: after.graphql - before.graphql, other: after.other - before.other, throttled: after.throttled - before.throttled }).toEqual({
      http: 2,
      graphql: 1,
      other: 1,
      throttled: 2,
    });
  });
});
