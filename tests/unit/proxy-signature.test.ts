import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../scripts/seeded-random.mjs";
import { proxySignatureValid } from "../../app/shopify/proxy-signature";
import { signProxyQuery } from "../../app/shopify/signing";
import { getShopifyApi } from "../../app/shopify.server";

// The widget's read checks the app proxy signature itself (proxy-signature.ts, 0044): it must
// accept and refuse exactly what the library's utils.validateHmac(…, { signator: "appProxy" })
// does. Queries are generated from a seed: signed ones, then changed the ways a forger, a
// replay or an odd storefront would change them.

const SECRET = process.env.SHOPIFY_API_SECRET!;

const KEYS = ["shop", "logged_in_customer_id", "path_prefix", "texts", "locale", "a", "A", "b", "10", "2", "é", "e\u0301", "z_z", "hmac", "index", "ñ", "x-y", "timestamp", "signature"];
const VALUES = ["", "1", "fi", "7390000001001", "a,b", "ä ö", "=&", "🙂", "  spaced  ", "1e9", "-0"];

function signedWith(params: [string, string][], secret: string): string {
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of params) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const message = Object.entries(query)
    .filter(([k]) => k !== "signature" && k !== "hmac")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** A query: a signed base with extra parameters (repeats too), then one change or none. */
function generate(pick: () => number, now: number): URLSearchParams {
  const one = <T>(list: readonly T[]) => list[Math.floor(pick() * list.length)]!;
  const params: [string, string][] = [
    ["shop", "kanta-test.myshopify.com"],
    ["path_prefix", "/apps/kanta"],
    ["timestamp", String(now + one([0, -30, 30, -85, 85, -95, 95, -4000]))],
  ];
  if (pick() < 0.7) params.push(["logged_in_customer_id", one(["", "7390000001001", "12abc"])]);
  for (let i = Math.floor(pick() * 4); i > 0; i--) params.push([one(KEYS.filter((k) => k !== "signature" && k !== "timestamp" && k !== "shop")), one(VALUES)]);
  const change = one(["none", "none", "none", "tamper", "drop", "repeat-single", "repeat-other", "timestamp", "no-timestamp", "upper", "empty"]);
  // An odd timestamp, signed as it is: only the timestamp's own rules can refuse it.
  if (change === "timestamp") params.find((p) => p[0] === "timestamp")![1] = one(["", "abc", "1.5", `${now}.5`, `${now}.0`, " " + now, String(now - 200), `${now + 1}`]);
  if (change === "no-timestamp") params.splice(params.findIndex((p) => p[0] === "timestamp"), 1);
  let signature = signedWith(params, pick() < 0.1 ? "another-secret" : SECRET);
  if (change === "tamper") signature = signature.slice(0, 10) + (signature[10] === "0" ? "1" : "0") + signature.slice(11);
  if (change === "upper") signature = signature.toUpperCase();
  if (change === "empty") signature = "";
  if (change === "repeat-single") params.push([one(["shop", "timestamp", "hmac"]), one(VALUES)]);
  if (change === "repeat-other") params.push(["path_prefix", "/apps/other"]);
  const query = new URLSearchParams(params);
  if (change !== "drop") query.append("signature", signature);
  if (change === "repeat-single" && pick() < 0.3) query.append("signature", signature);
  return query;
}

describe("the app proxy signature, checked without the library", () => {
  it("accepts and refuses exactly what the library does, on 600 generated queries", async () => {
    const api = getShopifyApi();
    const pick = seededRandom(20261205);
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const now = Math.trunc(Date.now() / 1000);
      const query = generate(pick, now);
      const library = await api.utils.validateHmac(new URLSearchParams(query), { signator: "appProxy" }).catch(() => false);
      const ours = proxySignatureValid(new URLSearchParams(query), SECRET, now);
      expect({ case: i, query: query.toString(), ours }).toEqual({ case: i, query: query.toString(), ours: library });
      if (ours) accepted++;
    }
    // Both answers occur often enough to mean something.
    expect(accepted).toBeGreaterThan(50);
    expect(accepted).toBeLessThan(550);
  });

  it("accepts what Kanta's own signer (local mode, tests, benchmarks) signs, and not with another secret or late", () => {
    const now = new Date();
    const query = signProxyQuery({ shop: "kanta-test.myshopify.com", logged_in_customer_id: "7390000001001", path_prefix: "/apps/kanta", texts: "abc" }, SECRET, now);
    const seconds = Math.trunc(now.getTime() / 1000);
    expect(proxySignatureValid(query, SECRET, seconds)).toBe(true);
    expect(proxySignatureValid(query, "another-secret", seconds)).toBe(false);
    expect(proxySignatureValid(query, SECRET, seconds + 91)).toBe(false);
    query.set("logged_in_customer_id", "7390000001002");
    expect(proxySignatureValid(query, SECRET, seconds)).toBe(false);
  });
});
