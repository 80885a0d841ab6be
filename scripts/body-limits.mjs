// Request body limits, one place for both the HTTP server (scripts/serve.mjs, which refuses
// larger bodies from Content-Length and while streaming, before anything is buffered) and
// the app (app/http/body-limit.server.ts, which reads a body at most this long). In scripts/
// because a production install runs serve.mjs beside the build, without app/.
// docs/decisions/0013-abuse-limits.md

const KIB = 1024;
const MIB = 1024 * KIB;

/** Bytes of request body allowed, by kind of route. */
export const BODY_LIMITS = Object.freeze({
  /** Shopify webhooks: the largest payloads (orders with hundreds of lines) are a few MiB. */
  webhook: 10 * MIB,
  /** The storefront widget's POSTs through the app proxy: small JSON. */
  proxy: 64 * KIB,
  /** The embedded admin's form posts and everything else. */
  admin: 1 * MIB,
  /**
   * The member import's upload (IMPORT_UPLOAD_PATH): a CSV of up to a million rows, streamed
   * into the database as it arrives (app/loyalty/import), never held whole. The app refuses
   * files over 256 MiB itself; this allows the multipart envelope around one.
   * docs/decisions/0019-member-import.md
   */
  import: 257 * MIB,
});

/** The one admin path that takes a large body: the member import's file upload. */
export const IMPORT_UPLOAD_PATH = "/app/members/import/upload";

/**
 * The limit for a request path: /webhooks/* are Shopify's webhooks, /proxy/* (and local
 * mode's /apps/kanta/*) the app proxy, anything else the admin.
 * @param {string} pathname
 * @returns {{ kind: "webhook" | "proxy" | "admin" | "import"; bytes: number }}
 */
export function bodyLimitFor(pathname) {
  if (pathname === "/webhooks" || pathname.startsWith("/webhooks/")) return { kind: "webhook", bytes: BODY_LIMITS.webhook };
  if (pathname.startsWith("/proxy/") || pathname.startsWith("/apps/kanta/")) return { kind: "proxy", bytes: BODY_LIMITS.proxy };
  if (pathname === IMPORT_UPLOAD_PATH) return { kind: "import", bytes: BODY_LIMITS.import };
  return { kind: "admin", bytes: BODY_LIMITS.admin };
}

/**
 * The JSON a refused body is answered with (HTTP 413).
 * @param {number} bytes
 */
export function bodyTooLargeJson(bytes) {
  return JSON.stringify({ error: "body_too_large", message: `The request body is larger than ${bytes} bytes.`, limitBytes: bytes });
}
