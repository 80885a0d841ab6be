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
  errors?: { message: string; extensions?: { code?: string } }[];
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
  const response = await graphql(document, variables ? { variables } : undefined);
  if (!response.ok) {
    const text = await response.text();
    const messages = errorMessagesOf(text);
    throw new ShopifyHttpError(response.status, `HTTP ${response.status}${messages ? `: ${messages}` : ""}`, { body: text.slice(0, 500) });
  }
  const body = (await response.json()) as GraphqlBody<T>;
  if (body.errors?.length) {
    throw new ShopifyApiError(body.errors.map((e) => e.message).join("; "), body.errors);
  }
  if (!body.data) throw new ShopifyApiError("Admin API answered without data");
  return body.data;
}

/** The GraphQL error messages in an error response's body, or "" when it has none. */
function errorMessagesOf(text: string): string {
  try {
    return ((JSON.parse(text) as GraphqlBody<unknown>).errors ?? []).map((e) => e.message).join("; ");
  } catch (error) {
    // An HTML error page, not JSON: the status says enough, and the body's start goes into the error's details.
    if (error instanceof SyntaxError) return "";
    throw error;
  }
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
