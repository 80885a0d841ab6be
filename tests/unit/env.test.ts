import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ENV_VARIABLES, getEnv, getLogLevel, resetEnvCache } from "../../app/env.server";
import { loader as appBridgeStandIn } from "../../app/local/routes/local.app-bridge[.]js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

const root = path.resolve(import.meta.dirname, "../..");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

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

  it.each([
    ["KANTA_WORKER", "maybe", 'KANTA_WORKER: must be "0" or "1"'],
    ["KANTA_TIER_JOBS", "yes", 'KANTA_TIER_JOBS: must be "0" or "1"'],
    ["KANTA_APP_DATA_JOBS", "true", 'KANTA_APP_DATA_JOBS: must be "0" or "1"'],
    ["KANTA_RECONCILE_JOBS", "yes", 'KANTA_RECONCILE_JOBS: must be "0" or "1"'],
    ["METRICS_TOKEN", "too-short", "METRICS_TOKEN: must be at least 16 characters"],
    ["KANTA_LOCAL", "on", 'KANTA_LOCAL: must be "0" or "1"'],
    ["PORT", "abc", "PORT: must be a whole number"],
    ["PORT", "0", "PORT: must be at least 1"],
    ["PORT", "70000", "PORT: must be at most 65535"],
    ["KANTA_WORKER_NICE", "20", "KANTA_WORKER_NICE: must be at most 19"],
    ["KANTA_WORKER_NICE", "-5", "KANTA_WORKER_NICE: must be a whole number"],
    ["KANTA_CONFIG_CACHE_MS", "-5", "KANTA_CONFIG_CACHE_MS: must be a whole number"],
    ["KANTA_CONFIG_CACHE_MS", "2s", "KANTA_CONFIG_CACHE_MS: must be a whole number"],
    ["KANTA_REDEEM_RATE_LIMIT", "0", "KANTA_REDEEM_RATE_LIMIT: must be at least 1"],
    ["KANTA_ACTION_RATE_LIMIT", "many", "KANTA_ACTION_RATE_LIMIT: must be a whole number"],
    ["KANTA_REFERRAL_RATE_LIMIT", "1.5", "KANTA_REFERRAL_RATE_LIMIT: must be a whole number"],
    ["KANTA_REFERRAL_VISIT_RATE_LIMIT", "-1", "KANTA_REFERRAL_VISIT_RATE_LIMIT: must be a whole number"],
    ["KANTA_REFERRAL_CLAIM_RATE_LIMIT", "0", "KANTA_REFERRAL_CLAIM_RATE_LIMIT: must be at least 1"],
    ["KANTA_QUEUE_PREFIX", "kanta prod", "KANTA_QUEUE_PREFIX: must be one word, no spaces"],
    ["KANTA_LOG_LEVEL", "loud", "KANTA_LOG_LEVEL: "],
    ["REDIS_URL", "redis host", "REDIS_URL: "],
    ["NODE_ENV", "staging", "NODE_ENV: "],
  ])("refuses %s=%s, naming the variable", (name, value, message) => {
    process.env[name] = value;
    expect(() => getEnv()).toThrow(message);
  });

  it("reads valid values as their types, and empty values as unset", () => {
    Object.assign(process.env, { PORT: "8080", HOST: "127.0.0.1", KANTA_WORKER: "0", KANTA_CONFIG_CACHE_MS: "0", KANTA_REDEEM_RATE_LIMIT: "1000", KANTA_QUEUE_PREFIX: "{kanta}", REDIS_URL: "" });
    expect(getEnv()).toMatchObject({ PORT: 8080, HOST: "127.0.0.1", KANTA_WORKER: "0", KANTA_CONFIG_CACHE_MS: 0, KANTA_REDEEM_RATE_LIMIT: 1000, KANTA_QUEUE_PREFIX: "{kanta}", REDIS_URL: undefined });
  });

  it("has the documented defaults, some of them off under NODE_ENV=test", () => {
    for (const name of ["PORT", "HOST", "KANTA_WORKER", "KANTA_WORKER_NICE", "KANTA_QUEUE_PREFIX", "KANTA_TIER_JOBS", "KANTA_APP_DATA_JOBS", "KANTA_LOG_LEVEL", "KANTA_CONFIG_CACHE_MS", "KANTA_REDEEM_RATE_LIMIT"]) {
      delete process.env[name];
    }
    expect(getEnv()).toMatchObject({
      NODE_ENV: "test",
      PORT: 3000,
      HOST: "0.0.0.0",
      KANTA_WORKER: "1",
      KANTA_QUEUE_PREFIX: "kanta",
      KANTA_TIER_JOBS: "0",
      KANTA_APP_DATA_JOBS: "0",
      KANTA_LOG_LEVEL: "warn",
      KANTA_CONFIG_CACHE_MS: 2000,
      KANTA_WORKER_NICE: 10,
      KANTA_REDEEM_RATE_LIMIT: 10,
      KANTA_ACTION_RATE_LIMIT: 20,
      KANTA_REFERRAL_RATE_LIMIT: 30,
      KANTA_REFERRAL_VISIT_RATE_LIMIT: 300,
      KANTA_REFERRAL_CLAIM_RATE_LIMIT: 10,
      KANTA_CUSTOMER_RATE_LIMIT: 60,
    });
    process.env.NODE_ENV = "production";
    expect(getEnv()).toMatchObject({ KANTA_TIER_JOBS: "1", KANTA_APP_DATA_JOBS: "1", KANTA_LOG_LEVEL: "info" });
  });

  it("sees a changed variable without a reset, and parses once while nothing changes", () => {
    process.env.KANTA_REDEEM_RATE_LIMIT = "5";
    const first = getEnv();
    expect(getEnv()).toBe(first);
    process.env.KANTA_REDEEM_RATE_LIMIT = "6";
    expect(getEnv().KANTA_REDEEM_RATE_LIMIT).toBe(6);
  });

  it("gives the logger its level without the rest of the environment", () => {
    delete process.env.SHOPIFY_API_SECRET;
    process.env.KANTA_LOG_LEVEL = "debug";
    expect(getLogLevel()).toBe("debug");
    process.env.KANTA_LOG_LEVEL = "loud";
    expect(getLogLevel()).toBe("info"); // getEnv() refuses it at boot
    delete process.env.KANTA_LOG_LEVEL;
    expect(getLogLevel()).toBe("warn");
  });

  it("is the only reader of process.env in app/, and README.md lists every variable", () => {
    const readers = filesUnder(path.join(root, "app"))
      .filter((file) => /\.tsx?$/.test(file) && !file.endsWith("env.server.ts"))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          // Writing a variable (the worker sets KANTA_WORKER) is not reading one, the build
          // replaces NODE_ENV with its mode (app/shopify/admin.server.ts drops local mode so),
          // and a bundler's define key ("process.env.NODE_ENV": …) names it for code it bundles.
          .filter((line) => /process\.env\b/.test(line) && !/process\.env\.\w+\s*=[^=]/.test(line) && !/process\.env\.NODE_ENV !== "production"/.test(line) && !/"process\.env\.\w+":/.test(line))
          .map((line) => `${path.relative(root, file)}: ${line.trim()}`),
      );
    expect(readers).toEqual([]);
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const configuration = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
    expect(ENV_VARIABLES.filter((name) => !configuration.includes(`\`${name}\``))).toEqual([]);
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
