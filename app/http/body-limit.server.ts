import { bodyTooLargeJson } from "../../scripts/body-limits.mjs";

// Reading a request body at most `limit` bytes long, in the app: the HTTP server
// (scripts/serve.mjs) already refuses larger bodies before the app sees them; this holds for
// any other server in front of the routes (tests, adapters) and reads the body once.
// docs/decisions/0013-abuse-limits.md

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** A 413 answer, as the server gives it. */
export function bodyTooLargeResponse(limit: number): Response {
  return new Response(bodyTooLargeJson(limit), { status: 413, headers: { "Content-Type": "application/json; charset=utf-8" } });
}

/**
 * The body as text, refused (BodyTooLargeError) when Content-Length says it is over the
 * limit, before reading, or as soon as the bytes read pass it: never more than `limit`
 * bytes (plus one chunk) are held.
 */
export async function readLimitedBody(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    await request.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
