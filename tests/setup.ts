// Every test fails on an unexpected console.error or log.error: errors must be expected
// (tests/logged-errors.ts expectLoggedError), not ignored.
import { afterAll, afterEach, beforeEach, vi } from "vitest";
import { takeLoggedErrorProblems, watchLoggedErrors } from "./logged-errors";

process.env.SHOPIFY_API_SECRET = "kanta-test-secret";
process.env.SHOPIFY_API_KEY = "kanta-test-key";
process.env.SHOPIFY_APP_URL = "http://127.0.0.1:3999";
process.env.KANTA_LOG_LEVEL = "silent";
// Tests change settings directly in the database: no per-process settings cache.
process.env.KANTA_CONFIG_CACHE_MS = "0";

watchLoggedErrors();

let errorSpy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  // Logged outside any test (a beforeAll, or work a previous test left running).
  const before = takeLoggedErrorProblems();
  if (before.length > 0) throw new Error(`before this test: ${before.join("\n")}`);
  errorSpy = vi.spyOn(console, "error");
});
afterEach(() => {
  const calls = errorSpy.mock.calls;
  errorSpy.mockRestore();
  const problems = takeLoggedErrorProblems();
  if (calls.length > 0) problems.unshift(`unexpected console.error: ${calls.map((c) => c.map(String).join(" ")).join("\n")}`);
  if (problems.length > 0) throw new Error(problems.join("\n"));
});
afterAll(() => {
  const after = takeLoggedErrorProblems();
  if (after.length > 0) throw new Error(`after the last test: ${after.join("\n")}`);
});
