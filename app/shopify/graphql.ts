import { metrics } from "../metrics.server";

// The Admin GraphQL client shape Kanta's gateway functions take: the library's
// `admin.graphql` in production, the emulator's client in local mode and tests.
export interface AdminGraphql {
  (query: string, options?: { variables?: Record<string, unknown>; signal?: AbortSignal }): Promise<Response>;
}

/**
 * How long one Admin API call may take before Kanta gives up on it: well under the
 * stalled-redemption sweep's 2 minutes (STALLED_AFTER_MS), so a request that started a
 * reward code has its answer, or has given up, before the sweep asks Shopify about it.
 * docs/decisions/0014-faults.md
 */
export const ADMIN_TIMEOUT_MS = 20_000;
let adminTimeoutMs = ADMIN_TIMEOUT_MS;

/** Tests shorten the timeout (undefined restores ADMIN_TIMEOUT_MS). */
export function setAdminTimeoutMs(ms: number | undefined): void {
  adminTimeoutMs = ms ?? ADMIN_TIMEOUT_MS;
}

export class ShopifyApiError extends Error {
  override name = "ShopifyApiError";
  constructor(
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

export class ShopifyUserError extends ShopifyApiError {
  override name = "ShopifyUserError";
}

/** Shopify answered with an HTTP error status (app/shopify/errors.ts classifies it by the status). */
export class ShopifyHttpError extends ShopifyApiError {
  override name = "ShopifyHttpError";
  constructor(
    readonly status: number,
    message: string,
    details: unknown = null,
  ) {
    super(message, details);
  }
}

/**
 * Shopify did not answer within ADMIN_TIMEOUT_MS: the request was abandoned (and aborted).
 * Whether a mutation took effect is unknown; retryable (app/shopify/errors.ts).
 */
export class ShopifyTimeoutError extends ShopifyApiError {
  override name = "ShopifyTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`Shopify did not answer within ${timeoutMs} ms`);
  }
}

/** What Kanta would send can never be valid (e.g. an id Shopify cannot take): asking again cannot help. */
export class ShopifyInputError extends ShopifyApiError {
  override name = "ShopifyInputError";
}

/**
 * A bulk operation ended without a result: FAILED (its BulkOperationErrorCode: ACCESS_DENIED
 * is terminal, TIMEOUT and INTERNAL_SERVER_ERROR retryable), CANCELED or EXPIRED (retryable:
 * a new operation can run). app/shopify/errors.ts classifies it.
 */
export class BulkOperationFailedError extends ShopifyApiError {
  override name = "BulkOperationFailedError";
  constructor(
    readonly operationId: string,
    readonly status: string,
    readonly errorCode: string | null,
  ) {
    super(`Bulk operation ${operationId} ended ${status}${errorCode ? ` (${errorCode})` : ""}`);
  }
}

interface GraphqlBody<T> {
  data?: T;
  // An array of errors, or (Shopify sometimes answers `{"errors":"..."}`) one string.
  errors?: { message: string; extensions?: { code?: string } }[] | string;
}

/**
 * Runs one operation and returns its data; an HTTP error status throws ShopifyHttpError,
 * GraphQL errors ShopifyApiError. (The library's client throws its own errors for HTTP
 * statuses; the emulator answers with them, as fetch would.)
 */
export async function runAdminQuery<T>(
  graphql: AdminGraphql,
  document: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  return runAdminQueryCounted<T>(graphql, document, variables).catch((error: unknown) => {
    countShopifyFailure(error);
    throw error;
  });
}

async function runAdminQueryCounted<T>(graphql: AdminGraphql, document: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await withTimeout(graphql, document, variables);
  if (!response.ok) {
    const text = await response.text();
    const messages = errorMessagesOf(text);
    throw new ShopifyHttpError(response.status, `HTTP ${response.status}${messages ? `: ${messages}` : ""}`, { body: text.slice(0, 500) });
  }
  const body = (await response.json()) as GraphqlBody<T>;
  const messages = errorMessages(body.errors);
  if (messages) throw new ShopifyApiError(messages, body.errors);
  if (!body.data) throw new ShopifyApiError("Admin API answered without data");
  return body.data;
}

/**
 * One call with a deadline: the signal aborts the library's fetch, and the race ends the
 * wait even for a client that ignores the signal. The body is read within the deadline too.
 */
async function withTimeout(graphql: AdminGraphql, document: string, variables?: Record<string, unknown>): Promise<Response> {
  const ms = adminTimeoutMs;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ShopifyTimeoutError(ms));
    }, ms);
  });
  try {
    const call = graphql(document, { ...(variables ? { variables } : {}), signal: controller.signal }).then(async (response) => {
      // Buffer the body inside the deadline, so reading it later cannot hang.
      const text = await response.text();
      return new Response(text, { status: response.status, headers: response.headers });
    });
    // A call that loses the race may still reject later: nobody waits for it any more.
    call.catch(() => undefined);
    return await Promise.race([call, timedOut]);
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof ShopifyTimeoutError)) throw new ShopifyTimeoutError(ms);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The GraphQL error messages in an error response's body, or "" when it has none. */
function errorMessagesOf(text: string): string {
  try {
    return errorMessages((JSON.parse(text) as GraphqlBody<unknown> | null)?.errors);
  } catch (error) {
    // An HTML error page, not JSON: the status says enough, and the body's start goes into the error's details.
    if (error instanceof SyntaxError) return "";
    throw error;
  }
}

/** A body's `errors` as one message: an array of errors, one string, or anything else Shopify might send. */
export function errorMessages(errors: unknown): string {
  if (errors === undefined || errors === null) return "";
  if (typeof errors === "string") return errors;
  if (Array.isArray(errors)) {
    return errors
      .map((e: unknown) => (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string" ? (e as { message: string }).message : JSON.stringify(e)))
      .join("; ");
  }
  return JSON.stringify(errors);
}

/** Counts a failed call for /metrics: its kind, and whether Shopify throttled it. */
function countShopifyFailure(error: unknown): void {
  const type = error instanceof ShopifyHttpError ? "http" : error instanceof ShopifyApiError ? "graphql" : "other";
  metrics().shopifyErrors.inc({ type });
  const throttled =
    (error instanceof ShopifyHttpError && error.status === 429) ||
    (error instanceof ShopifyApiError && /THROTTLED/i.test(`${error.message} ${JSON.stringify(error.details)}`)) ||
    (!(error instanceof ShopifyApiError) && /throttl|429/i.test(error instanceof Error ? error.message : String(error)));
  if (throttled) metrics().shopifyThrottled.inc();
}

/** Every mutation's userErrors are checked; any error throws ShopifyUserError. */
export function requireNoUserErrors(operation: string, userErrors: { field?: string[] | null; message: string }[] | null | undefined) {
  if (userErrors && userErrors.length > 0) {
    throw new ShopifyUserError(
      `${operation}: ${userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ` : "") + e.message).join("; ")}`,
      userErrors,
    );
  }
}
