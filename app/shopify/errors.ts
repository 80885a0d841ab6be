import { BulkOperationFailedError, ShopifyApiError, ShopifyHttpError, ShopifyInputError, ShopifyTimeoutError, ShopifyUserError } from "./graphql";

// Shopify's errors, classified once for every job that calls the Admin API (tier sync,
// app-data sync, referrer reward codes, stalled redemptions; app/jobs/backoff.ts turns the
// kind into dead-or-retry):
// - terminal: asking again cannot succeed. GraphQL userErrors, HTTP 401/403/404 and other
//   4xx that are not about the shop's state, ACCESS_DENIED, no offline session, the shop
//   uninstalled, a request Kanta cannot make valid;
// - retryable: throttled (429, THROTTLED), HTTP 5xx, 402/423 (a frozen or locked shop
//   comes back when the merchant pays), network errors and timeouts (ShopifyTimeoutError:
//   no answer within ADMIN_TIMEOUT_MS), and anything not
//   recognised (the retry limit still ends it).
// Errors come from runAdminQuery (app/shopify/graphql.ts), from the library's client
// (@shopify/shopify-api's HttpResponseError family and GraphqlQueryError, matched by shape
// so a library upgrade cannot silently change a class identity), from
// `unauthenticated.admin` (SessionNotFoundError), or from fetch itself.
// https://shopify.dev/docs/api/usage/response-codes
// https://shopify.dev/docs/api/admin-graphql#rate-limits

export type ShopifyErrorKind = "terminal" | "retryable";

export interface ShopifyErrorClass {
  kind: ShopifyErrorKind;
  /** Why, in a few words (logs). */
  reason: string;
}

/** The shop is uninstalled: Kanta has no access to it until a reinstall. */
export class ShopUninstalledError extends Error {
  override name = "ShopUninstalledError";
  constructor(readonly shop: string) {
    super(`shop uninstalled: ${shop}`);
  }
}

const terminal = (reason: string): ShopifyErrorClass => ({ kind: "terminal", reason });
const retryable = (reason: string): ShopifyErrorClass => ({ kind: "retryable", reason });

/** Node's and undici's codes for a connection that failed or timed out. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/** GraphQL `extensions.code`s that say to wait; ACCESS_DENIED says the app may not. */
const RETRYABLE_GRAPHQL_CODES = new Set(["THROTTLED", "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"]);
const TERMINAL_GRAPHQL_CODES = new Set(["ACCESS_DENIED", "SHOP_INACTIVE", "UNAUTHORIZED", "FORBIDDEN"]);

export function classifyHttpStatus(status: number): ShopifyErrorClass {
  if (status === 429) return retryable("HTTP 429 throttled");
  if (status >= 500) return retryable(`HTTP ${status}`);
  // 402 Payment Required (shop frozen) and 423 Locked (shop locked) end when the merchant acts.
  if (status === 402 || status === 423) return retryable(`HTTP ${status} shop unavailable`);
  if (status === 401 || status === 403 || status === 404) return terminal(`HTTP ${status}`);
  if (status >= 400) return terminal(`HTTP ${status}`);
  return retryable(`HTTP ${status}`);
}

function graphqlCodes(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return errors
    .map((e) => (e && typeof e === "object" ? (e as { extensions?: { code?: unknown } }).extensions?.code : undefined))
    .filter((c): c is string => typeof c === "string");
}

function classifyGraphqlErrors(errors: unknown): ShopifyErrorClass {
  const codes = graphqlCodes(errors);
  const stop = codes.find((c) => TERMINAL_GRAPHQL_CODES.has(c));
  if (stop) return terminal(`GraphQL ${stop}`);
  const wait = codes.find((c) => RETRYABLE_GRAPHQL_CODES.has(c));
  if (wait) return retryable(`GraphQL ${wait}`);
  return retryable(codes.length ? `GraphQL ${codes.join(", ")}` : "GraphQL errors");
}

function constructorName(error: object): string {
  return (error as { constructor?: { name?: string } }).constructor?.name ?? "";
}

export function classifyShopifyError(error: unknown): ShopifyErrorClass {
  if (error instanceof ShopUninstalledError) return terminal("shop uninstalled");
  if (error instanceof ShopifyUserError) return terminal("userErrors");
  if (error instanceof ShopifyInputError) return terminal("invalid request");
  if (error instanceof ShopifyHttpError) return classifyHttpStatus(error.status);
  if (error instanceof ShopifyTimeoutError) return retryable("timeout");
  if (error instanceof BulkOperationFailedError) {
    return error.errorCode === "ACCESS_DENIED" ? terminal("bulk operation ACCESS_DENIED") : retryable(`bulk operation ${error.status}${error.errorCode ? ` ${error.errorCode}` : ""}`);
  }
  if (error instanceof ShopifyApiError) return error.details ? classifyGraphqlErrors(error.details) : retryable("unexpected answer");
  // The library's authenticated client throws a Response carrying Shopify's status.
  if (typeof Response !== "undefined" && error instanceof Response) return classifyHttpStatus(error.status);
  if (!error || typeof error !== "object") return retryable("unknown");
  const name = constructorName(error);
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; response?: { code?: unknown }; body?: { errors?: unknown } };
  const message = typeof e.message === "string" ? e.message : "";
  if (name === "SessionNotFoundError" || /could not find a session/i.test(message)) return terminal("no offline session");
  // @shopify/shopify-api: HttpResponseError and its subclasses carry the status in response.code.
  if (typeof e.response?.code === "number") return classifyHttpStatus(e.response.code);
  if (name === "GraphqlQueryError") return classifyGraphqlErrors(e.body?.errors);
  if (name === "HttpRequestError" || name === "HttpMaxRetriesError") return retryable("network");
  if (e.name === "AbortError" || e.name === "TimeoutError") return retryable("timeout");
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return retryable(`network ${e.code}`);
  // fetch() rejects with TypeError("fetch failed") and the socket's error as its cause.
  if (error instanceof TypeError && /fetch failed|network/i.test(message)) return retryable("network");
  if (e.cause && e.cause !== error) {
    const cause = classifyShopifyError(e.cause);
    if (cause.reason !== "unknown") return cause;
  }
  return retryable("unknown");
}

export function isTerminalShopifyError(error: unknown): boolean {
  return classifyShopifyError(error).kind === "terminal";
}

/**
 * Whether a failed mutation may still have taken effect in Shopify: it was sent and no
 * answer came (Kanta's timeout, a gateway timeout, a connection cut mid-request). The
 * caller must then ask Shopify later instead of assuming it failed (the stalled-redemption
 * sweep looks the code up). THROTTLED, userErrors and other statuses are answers: nothing
 * was done.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof ShopifyTimeoutError) return true;
  if (error instanceof ShopifyHttpError) return error.status === 504;
  if (!error || typeof error !== "object") return false;
  const e = error as { name?: unknown; code?: unknown; cause?: unknown };
  if (e.name === "AbortError" || e.name === "TimeoutError") return true;
  if (e.code === "ECONNRESET" || e.code === "UND_ERR_SOCKET" || e.code === "EPIPE") return true;
  return e.cause !== undefined && e.cause !== error && isOutcomeUnknown(e.cause);
}
