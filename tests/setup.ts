// Every test fails on an unexpected console.error: errors must be expected, not ignored.
import { afterEach, beforeEach, vi } from "vitest";

process.env.SHOPIFY_API_SECRET = "kanta-test-secret";
process.env.SHOPIFY_API_KEY = "kanta-test-key";
process.env.SHOPIFY_APP_URL = "http://127.0.0.1:3999";
process.env.KANTA_LOG_LEVEL = "silent";
// Tests change settings directly in the database: no per-process settings cache.
process.env.KANTA_CONFIG_CACHE_MS = "0";

let errorSpy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errorSpy = vi.spyOn(console, "error");
});
afterEach(() => {
  const calls = errorSpy.mock.calls;
  errorSpy.mockRestore();
  if (calls.length > 0) throw new Error(`unexpected console.error: ${calls.map((c) => c.map(String).join(" ")).join("\n")}`);
});
