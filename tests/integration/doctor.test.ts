import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AdminEmulator, EMULATED_DEFAULT_SCOPES } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { loader as proxyPing } from "../../app/routes/proxy.ping";
import { AppConfigError, formatFindings, readAppConfig, runDoctor, type DoctorInput, type Finding } from "../../app/shopify/doctor.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { API_VERSION } from "../../app/shopify.server";
import { useTestDatabase } from "../db";
import { TEST_SECRET } from "../http";

// npm run doctor against the emulator: a healthy install reports no problem; each thing
// that can be wrong is reported with how to fix it.

useTestDatabase();
const config = readAppConfig(readFileSync(path.join(import.meta.dirname, "..", "..", "shopify.app.toml"), "utf8"));
const APP_URL = "https://example.com"; // shopify.app.toml's application_url

/** Shopify's app proxy, played in-process: signs the storefront's request and hands it to /proxy/ping. */
function proxyFetch(secret = TEST_SECRET) {
  return async (url: string) => {
    const { hostname, pathname } = new URL(url);
    expect(pathname).toBe("/apps/kanta/ping");
    const query = signProxyQuery({ shop: hostname, path_prefix: "/apps/kanta", logged_in_customer_id: "" }, secret);
    try {
      return await proxyPing({ request: new Request(`${APP_URL}/proxy/ping?${query}`), params: {}, context: {} });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  };
}

const SETTINGS_ON = `/*
 * IMPORTANT: The contents of this file are auto-generated.
 */
{"current":{"sections":{},"blocks":{"1234":{"type":"shopify://apps/kanta/blocks/app-embed/0c9d-4e1f","disabled":false,"settings":{}},"99":{"type":"shopify://apps/other-app/blocks/app-embed/77","disabled":true}}},"presets":{}}`;

let shopSeq = 0;
function healthyShop() {
  const emulator = new AdminEmulator(loadAdminSchema());
  const shop = `doctor-${++shopSeq}.myshopify.com`;
  emulator.addShop({ name: "Doctor", myshopifyDomain: shop, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  emulator.setAccessScopes(shop, [...EMULATED_DEFAULT_SCOPES, "read_themes"]);
  emulator.addMetafieldDefinition(shop, { ownerType: "CUSTOMER", namespace: "$app:kanta", key: "tier", type: "single_line_text_field" });
  emulator.addMetafieldDefinition(shop, { ownerType: "CUSTOMER", namespace: "$app:kanta", key: "points", type: "number_integer" });
  emulator.setMainTheme(shop, { id: "gid://shopify/OnlineStoreTheme/1", name: "Dawn", files: { "config/settings_data.json": SETTINGS_ON } });
  const input: DoctorInput = { shop, graphql: emulator.client(shop), config, apiVersion: API_VERSION, appUrl: APP_URL, envScopes: [...config.scopes], fetch: proxyFetch() };
  return { emulator, shop, input };
}

const byCheck = (findings: Finding[]) => Object.fromEntries(findings.map((f) => [f.check, f.status]));

describe("npm run doctor", () => {
  it("reads shopify.app.toml: scopes, webhook topics and their API version, the app proxy", () => {
    expect(config.scopes).toEqual([
      "read_customers",
      "write_customers",
      "read_orders",
      "write_discounts",
      "write_app_proxy",
      "read_store_credit_accounts",
      "read_store_credit_account_transactions",
      "write_store_credit_account_transactions",
      "read_products",
    ]);
    expect(config.webhookApiVersion).toBe(API_VERSION);
    expect(config.webhooks).toContainEqual({ topic: "orders/paid", uri: "/webhooks/orders/paid" });
    expect(config.proxy).toEqual({ prefix: "apps", subpath: "kanta", url: "https://example.com/proxy" });
    expect(() => readAppConfig("scopes = [unclosed")).toThrow(AppConfigError);
  });

  it("finds nothing wrong with a healthy install", async () => {
    const { shop, input } = healthyShop();
    const findings = await runDoctor(input);
    expect(byCheck(findings)).toEqual({
      "Access scopes": "ok",
      "Webhook API version": "ok",
      "Webhook subscriptions": "ok",
      "App proxy": "ok",
      "Metafield definitions": "ok",
      "Theme app embed": "ok",
    });
    expect(formatFindings(shop, findings)).toMatch(/No problems\.$/);
  });

  it("says what is wrong and how to fix it", async () => {
    const { emulator, shop, input } = healthyShop();
    emulator.setAccessScopes(shop, ["read_customers", "read_orders", "write_app_proxy", "read_themes"]);
    emulator.addWebhookSubscription(shop, { topic: "ORDERS_PAID", uri: "https://old-host.example/webhooks/orders/paid", apiVersion: "2025-01" });
    emulator.setMainTheme(shop, { id: "gid://shopify/OnlineStoreTheme/2", name: "Dawn", files: { "config/settings_data.json": SETTINGS_ON.replace('"disabled":false', '"disabled":true') } });
    const emptyDefinitions = new AdminEmulator(loadAdminSchema()); // the same shop without the definition
    emptyDefinitions.addShop({ name: "Doctor", myshopifyDomain: shop, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    const graphql: DoctorInput["graphql"] = async (query, options) => (/KantaDoctorMetafieldDefinitions/.test(query) ? emptyDefinitions : emulator).client(shop)(query, options);
    const findings = await runDoctor({ ...input, graphql, envScopes: ["read_customers"], fetch: async () => new Response("Not Found", { status: 404 }) });
    expect(byCheck(findings)).toEqual({
      "Access scopes": "problem",
      "SCOPES setting": "warning",
      "Webhook API version": "ok",
      "Webhook subscriptions": "problem",
      "App proxy": "problem",
      "Metafield definitions": "warning",
      "Theme app embed": "problem",
    });
    const text = formatFindings(shop, findings);
    expect(text).toContain("The shop has not granted write_customers, write_discounts");
    expect(text).toContain("orders/paid sends to https://old-host.example/webhooks/orders/paid, not https://example.com/webhooks/orders/paid and uses API version 2025-01, not 2026-07");
    expect(text).toContain("answered 404");
    expect(text).toContain('Kanta\'s app embed is switched off in the main theme "Dawn"');
    expect(text).toContain(`fix: Theme editor > App embeds > "Kanta rewards": on, then Save: https://${shop}/admin/themes/current/editor?context=apps`);
    expect(text).toMatch(/4 problems to fix\.$/);
  });

  it("skips the theme check without read_themes, telling how to check by hand", async () => {
    const { emulator, shop, input } = healthyShop();
    emulator.setAccessScopes(shop, [...EMULATED_DEFAULT_SCOPES]);
    const theme = (await runDoctor(input)).find((f) => f.check === "Theme app embed")!;
    expect(theme).toMatchObject({ status: "skipped" });
    expect(theme.fix).toContain(`https://${shop}/admin/themes/current/editor?context=apps`);
  });

  it("reports an embed never enabled, a webhook API version the build does not read, a proxy signed with another secret", async () => {
    const { emulator, shop, input } = healthyShop();
    emulator.setMainTheme(shop, { id: "gid://shopify/OnlineStoreTheme/3", name: "Craft", files: { "config/settings_data.json": '{"current":"Default","presets":{"Default":{"blocks":{}}}}' } });
    const findings = await runDoctor({ ...input, config: { ...config, webhookApiVersion: "2025-04" }, fetch: proxyFetch("another-apps-secret") });
    const find = (check: string) => findings.find((f) => f.check === check)!;
    expect(find("Theme app embed").message).toContain('never been enabled in the main theme "Craft"');
    expect(find("Webhook API version")).toMatchObject({ status: "problem", fix: 'Set [webhooks] api_version = "2026-07" in shopify.app.toml and run `shopify app deploy`.' });
    expect(find("App proxy")).toMatchObject({ status: "problem" });
    expect(find("App proxy").fix).toContain("SHOPIFY_API_SECRET");
  });

  it("cannot check the app proxy of a password-protected storefront, and says so", async () => {
    const { shop, input } = healthyShop();
    const locked = async () => new Response(null, { status: 302, headers: { Location: `https://${shop}/password` } });
    const proxy = (await runDoctor({ ...input, fetch: locked })).find((f) => f.check === "App proxy")!;
    expect(proxy).toMatchObject({ status: "skipped", message: `The storefront is password-protected (https://${shop}/apps/kanta/ping redirects to https://${shop}/password).` });
  });

  it("stops at the first call when the shop has no session, saying how to re-authorize", async () => {
    const { input } = healthyShop();
    const emulator = new AdminEmulator(loadAdminSchema());
    const findings = await runDoctor({ ...input, shop: "unknown.myshopify.com", graphql: emulator.client("unknown.myshopify.com") });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: "Admin API access", status: "problem" });
    expect(findings[0]!.fix).toContain("open Kanta from the shop's admin");
  });
});
