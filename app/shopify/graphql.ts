import { metrics } from "../metrics.server";

// The Admin GraphQL client shape Kanta's gateway functions take: the library's
// `admin.graphql` in production, the emulator's client in local mode and tests.
export interface AdminGraphql {
  (query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
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

/** What Kanta would send can never be valid (e.g. an id Shopify cannot take): asking again cannot help. */
export class ShopifyInputError extends ShopifyApiError {
  override name = "ShopifyInputError";
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
  const response = await graphql(document, variables ? { variables } : undefined);
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
