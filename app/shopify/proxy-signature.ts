import { createHmac } from "node:crypto";
import { sameSignature } from "./signing";

// Shopify's app proxy signature, checked exactly as @shopify/shopify-api's
// `utils.validateHmac(query, { signator: "appProxy" })` checks it, with node:crypto's HMAC in
// the request's own turn instead of WebCrypto's (an async job, its algorithm normalised and
// its key imported on every call: ~7 % of the widget's read, 0044). The rules, from the
// library (lib/utils/hmac-validator): a parameter seen twice is joined with "," unless it is
// one of hmac, shop, signature, timestamp (then the request is refused); `signature` is
// required; `timestamp` must be an integer within 90 s of now; the message is every other
// parameter as `key=value`, keys sorted by localeCompare, joined with nothing; the signature
// is its HMAC-SHA256 in hex. tests/unit/proxy-signature.test.ts holds it to the library's
// answer on generated queries.
// https://shopify.dev/docs/apps/build/online-store/display-dynamic-data#calculate-a-digital-signature

export const PROXY_TIMESTAMP_TOLERANCE_SEC = 90;
const SINGLE_VALUE = new Set(["hmac", "shop", "signature", "timestamp"]);

export function proxySignatureValid(params: URLSearchParams, secret: string, nowSec = Math.trunc(Date.now() / 1000)): boolean {
  // A plain object as the library's, so keys sort from the same order (integer-like keys first).
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of params) {
    const had = query[key];
    if (had === undefined) query[key] = value;
    else if (SINGLE_VALUE.has(key)) return false;
    else query[key] = `${had},${value}`;
  }
  const { hmac: _hmac, signature, ...signed } = query;
  if (!signature) return false;
  const timestamp = signed.timestamp;
  if (timestamp === undefined) return false;
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowSec - seconds) > PROXY_TIMESTAMP_TOLERANCE_SEC) return false;
  const message = Object.entries(signed)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join("");
  return sameSignature(signature, createHmac("sha256", secret).update(message, "utf8").digest("hex"));
}
