import { describe, expect, it } from "vitest";
import { ShopUninstalledError, classifyHttpStatus, classifyShopifyError, isTerminalShopifyError } from "../../app/shopify/errors";
import { ShopifyApiError, ShopifyHttpError, ShopifyInputError, ShopifyUserError, requireNoUserErrors, runAdminQuery, type AdminGraphql } from "../../app/shopify/graphql";

// Shopify's errors, classified once (app/shopify/errors.ts): terminal or retryable.

/** Stand-ins shaped like @shopify/shopify-api's and @shopify/shopify-app-remix's errors (matched by shape and class name). */
class HttpResponseError extends Error {
  readonly response: { code: number; statusText: string };
  constructor(code: number) {
    super(`Received an error response (${code}) from Shopify`);
    this.response = { code, statusText: "" };
  }
}
class HttpThrottlingError extends HttpResponseError {}
class HttpRequestError extends Error {}
class GraphqlQueryError extends Error {
  constructor(readonly body: { errors: unknown }) {
    super("GraphQL Client: an error occurred");
  }
}
class SessionNotFoundError extends Error {}

const kind = (error: unknown) => classifyShopifyError(error).kind;

describe("terminal errors", () => {
  it("userErrors, a request that can never be valid, and the shop gone", () => {
    expect(kind(new ShopifyUserError("discountCodeBasicCreate: code: Code must be unique"))).toBe("terminal");
    expect(kind(new ShopifyInputError("not a customer id Flow can take: x"))).toBe("terminal");
    expect(kind(new ShopUninstalledError("a.myshopify.com"))).toBe("terminal");
    expect(kind(new SessionNotFoundError("Could not find a session for shop a.myshopify.com when creating unauthenticated admin context"))).toBe("terminal");
  });

  it("HTTP 401, 403, 404 and other client errors, from Kanta's client, the library's or a thrown Response", () => {
    for (const status of [401, 403, 404, 400, 422]) {
      expect(kind(new ShopifyHttpError(status, `HTTP ${status}`))).toBe("terminal");
      expect(kind(new HttpResponseError(status))).toBe("terminal");
      expect(kind(new Response(null, { status }))).toBe("terminal");
    }
  });

  it("GraphQL ACCESS_DENIED (a scope the app lacks)", () => {
    expect(kind(new ShopifyApiError("Access denied", [{ message: "Access denied", extensions: { code: "ACCESS_DENIED" } }]))).toBe("terminal");
    expect(kind(new GraphqlQueryError({ errors: [{ message: "Access denied", extensions: { code: "ACCESS_DENIED" } }] }))).toBe("terminal");
  });
});

describe("retryable errors", () => {
  it("throttling and server errors", () => {
    expect(kind(new ShopifyHttpError(429, "HTTP 429"))).toBe("retryable");
    expect(kind(new HttpThrottlingError(429))).toBe("retryable");
    for (const status of [500, 502, 503, 504]) {
      expect(kind(new ShopifyHttpError(status, `HTTP ${status}`))).toBe("retryable");
      expect(kind(new Response(null, { status }))).toBe("retryable");
    }
    expect(kind(new ShopifyApiError("Throttled", [{ message: "Throttled", extensions: { code: "THROTTLED" } }]))).toBe("retryable");
    expect(kind(new GraphqlQueryError({ errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] }))).toBe("retryable");
  });

  it("a frozen (402) or locked (423) shop comes back when the merchant acts", () => {
    expect(classifyHttpStatus(402).kind).toBe("retryable");
    expect(classifyHttpStatus(423).kind).toBe("retryable");
  });

  it("network errors and timeouts", () => {
    expect(kind(new TypeError("fetch failed"))).toBe("retryable");
    expect(kind(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe("retryable");
    expect(kind(new TypeError("fetch failed", { cause: Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" }) }))).toBe("retryable");
    expect(kind(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toBe("retryable");
    expect(kind(new DOMException("This operation was aborted", "AbortError"))).toBe("retryable");
    expect(kind(new HttpRequestError("Failed to make Shopify HTTP request"))).toBe("retryable");
  });

  it("an odd answer or anything unrecognised: retried, and the retry limit ends it", () => {
    expect(kind(new ShopifyApiError("Admin API answered without data"))).toBe("retryable");
    expect(kind(new ShopifyApiError("Internal error", [{ message: "Internal error" }]))).toBe("retryable");
    expect(kind(new Error("something else"))).toBe("retryable");
    expect(kind("a string")).toBe("retryable");
    expect(kind(null)).toBe("retryable");
    expect(isTerminalShopifyError(new Error("x"))).toBe(false);
  });
});

describe("what the gateway throws", () => {
  const answering = (status: number, body: unknown): AdminGraphql => async () => new Response(typeof body === "string" ? body : JSON.stringify(body), { status });

  it("an HTTP error status is a ShopifyHttpError with Shopify's messages", async () => {
    const error = await runAdminQuery(answering(503, { errors: [{ message: "Service unavailable" }] }), "query Q { shop { id } }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyHttpError);
    expect(error).toMatchObject({ status: 503, message: "HTTP 503: Service unavailable" });
    expect(kind(error)).toBe("retryable");
    const html = await runAdminQuery(answering(401, "<html>nope</html>"), "query Q { shop { id } }").catch((e: unknown) => e);
    expect(html).toMatchObject({ status: 401, message: "HTTP 401" });
    expect(kind(html)).toBe("terminal");
  });

  it("userErrors are terminal", () => {
    let thrown: unknown;
    try {
      requireNoUserErrors("tagsAdd", [{ field: ["id"], message: "Resource not found" }]);
    } catch (error) {
      thrown = error;
    }
    expect(kind(thrown)).toBe("terminal");
  });
});
