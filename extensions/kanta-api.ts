// Shared by Kanta's UI extensions (customer account, thank-you, POS): one way to call
// Kanta's backend with the session token Shopify gives the extension. Bundled into each
// extension by Shopify's CLI (and scripts/build-extensions.mjs); no Node, no app/ imports.

export class KantaApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GET or POST JSON to Kanta's backend with `Authorization: Bearer <session token>`. */
export async function kantaFetch<T>(url: string, token: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers: {
      Authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new KantaApiError(response.status, `Kanta answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const message = data && typeof data === "object" && "error" in data ? String((data as { error: unknown }).error) : `Kanta answered ${response.status}`;
    throw new KantaApiError(response.status, message);
  }
  return data as T;
}
