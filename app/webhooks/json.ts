// Shopify's REST-style webhook payloads carry ids beyond 2^53 as JSON numbers
// (820982911946154508 would become 820982911946154500). Parse them from the source text
// so every id survives exactly (JSON.parse source text access, Node >= 21).

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const keepUnsafeIntegersExact: Reviver = function (_key, value, context) {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
    return context.source;
  }
  return value;
};

/** 16 digits in a row: the shortest text that can be an integer beyond 2^53 (9007199254740991 has 16). */
const MAYBE_UNSAFE_INTEGER = /\d{16}/;

/**
 * JSON.parse that keeps integers beyond 2^53 as their exact decimal strings. A text without
 * 16 digits in a row holds no such integer, so the plain parse gives the same value, several
 * times faster than the reviver (which runs for every value of the order).
 */
export function parseShopifyJson(text: string): unknown {
  if (!MAYBE_UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  return JSON.parse(text, keepUnsafeIntegersExact as Parameters<typeof JSON.parse>[1]);
}

/** An id from a payload (number or string) as an exact decimal string. */
export function idString(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`id ${value} lost precision`);
    return String(value);
  }
  return value;
}

/**
 * Whether a webhook body is JSON, as intake decides it without parsing Shopify's payloads
 * (issue #12). A body that is an object at its edges and will be parsed by its processing
 * (`parsedLater`: a handled topic; parseEventPayload in app/jobs/webhook-job.server.ts records
 * it `invalid` if it is not JSON after all) passes; anything else (another shape, or a topic
 * Kanta ignores and never parses) is decided by JSON.parse: rare, so cheap enough.
 */
export function isJsonBody(rawBody: string, parsedLater: boolean): boolean {
  if (parsedLater && isObjectAtEdges(rawBody)) return true;
  try {
    JSON.parse(rawBody);
    return true;
  } catch {
    return false;
  }
}

/** `{` first and `}` last, past JSON's whitespace (RFC 8259: space, tab, LF, CR; not a BOM). */
function isObjectAtEdges(text: string): boolean {
  let first = 0;
  while (first < text.length && isJsonSpace(text.charCodeAt(first))) first++;
  let last = text.length - 1;
  while (last > first && isJsonSpace(text.charCodeAt(last))) last--;
  return last > first && text.charCodeAt(first) === 0x7b && text.charCodeAt(last) === 0x7d;
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
