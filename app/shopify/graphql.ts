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

interface GraphqlBody<T> {
  data?: T;
  errors?: { message: string }[];
}

/** Runs one operation and returns its data; GraphQL errors throw ShopifyApiError. */
export async function runAdminQuery<T>(
  graphql: AdminGraphql,
  document: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const response = await graphql(document, variables ? { variables } : undefined);
  const body = (await response.json()) as GraphqlBody<T>;
  if (body.errors?.length) {
    throw new ShopifyApiError(body.errors.map((e) => e.message).join("; "), body.errors);
  }
  if (!body.data) throw new ShopifyApiError("Admin API answered without data");
  return body.data;
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
