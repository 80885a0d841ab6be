import { LogSeverity } from "@shopify/shopify-app-remix/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shopifyLogger } from "../../app/shopify.server";

// The Shopify library's logs go through Kanta's logger at Kanta's level: its per-request
// Info lines ("Authenticating app proxy request") are Kanta's debug, not written at info.

function captured(level: string, emit: (logger: ReturnType<typeof shopifyLogger>) => void): string[] {
  vi.stubEnv("KANTA_LOG_LEVEL", level);
  const lines: string[] = [];
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
  try {
    emit(shopifyLogger());
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines.map((l) => JSON.parse(l) as { level: string; msg: string; source: string }).map((l) => `${l.level} ${l.source} ${l.msg}`);
}

afterEach(() => vi.unstubAllEnvs());

describe("the Shopify library's logger", () => {
  it("at info, asks the library for warnings only and keeps its per-request lines out", () => {
    const lines = captured("info", (logger) => {
      expect(logger.level).toBe(LogSeverity.Warning);
      logger.log(LogSeverity.Info, "Authenticating app proxy request");
      logger.log(LogSeverity.Warning, "Session token is about to expire");
      logger.log(LogSeverity.Error, "Could not validate request HMAC");
    });
    expect(lines).toEqual(["warn shopify-app-remix Session token is about to expire", "warn shopify-app-remix Could not validate request HMAC"]);
  });

  it("at debug, writes the library's info lines as debug", () => {
    const lines = captured("debug", (logger) => {
      expect(logger.level).toBe(LogSeverity.Debug);
      logger.log(LogSeverity.Info, "Authenticating app proxy request");
    });
    expect(lines).toEqual(["debug shopify-app-remix Authenticating app proxy request"]);
  });
});
