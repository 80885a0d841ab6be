// Shared by Kanta's UI extensions (customer account, thank-you, POS): one way to call
// Kanta's backend with the session token Shopify gives the extension. Bundled into each
// extension by Shopify's CLI (and scripts/build-extensions.mjs); no Node, no app/ imports.

/**
 * Kanta's backend for a path. Local mode's preview host sets `globalThis.KANTA_APP_URL`;
 * a bundle for Shopify has `process.env.APP_URL` replaced with the app's URL
 * (scripts/build-extensions.mjs does it from SHOPIFY_APP_URL, as Shopify's CLI does from its
 * environment); with neither, the path stays relative (the app's own origin).
 */
export function kantaUrl(path: string): string {
  const override = (globalThis as { KANTA_APP_URL?: unknown }).KANTA_APP_URL;
  let base = typeof override === "string" ? override : "";
  if (!base) {
    try {
      base = process.env.APP_URL ?? "";
    } catch {
      base = ""; // no bundler replaced it, and there is no `process` in the extension's sandbox
    }
  }
  return base.replace(/\/$/, "") + path;
}

declare const process: { env: Record<string, string | undefined> };

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
