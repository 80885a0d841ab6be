import { afterEach, describe, expect, it } from "vitest";
import { getEnv, resetEnvCache } from "../../app/env.server";
import { loader as appBridgeStandIn } from "../../app/local/routes/local.app-bridge[.]js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

describe("environment", () => {
  it("refuses local mode in production", () => {
    process.env.KANTA_LOCAL = "1";
    process.env.NODE_ENV = "production";
    resetEnvCache();
    expect(() => getEnv()).toThrow(/refused with NODE_ENV=production/);
  });

  it("names what is wrong with a bad configuration", () => {
    delete process.env.SHOPIFY_API_SECRET;
    resetEnvCache();
    expect(() => getEnv()).toThrow(/SHOPIFY_API_SECRET/);
    process.env.SHOPIFY_API_SECRET = "x";
    process.env.DATABASE_URL = "mysql://nope";
    resetEnvCache();
    expect(() => getEnv()).toThrow(/DATABASE_URL/);
  });

  it("serves the App Bridge stand-in only in local mode", async () => {
    process.env.KANTA_LOCAL = "0";
    resetEnvCache();
    expect((await appBridgeStandIn()).status).toBe(404);
    process.env.KANTA_LOCAL = "1";
    process.env.NODE_ENV = "development";
    resetEnvCache();
    const response = await appBridgeStandIn();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("window.shopify");
  });
});
