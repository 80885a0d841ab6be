import { beforeEach, describe, expect, it } from "vitest";
import { syncDueAppData } from "../../app/jobs/app-data.server";
import { launchProgram, setProgramPaused } from "../../app/loyalty/program/overview.server";
import { saveProgramSettings, parseSettingsForm } from "../../app/loyalty/program/settings.server";
import { ensureShop, markShopUninstalled } from "../../app/loyalty/program/shops.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { PROGRAM_APP_DATA_METAFIELD } from "../../app/shopify/app-data.server";
import { AdminEmulator, getEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import type { AdminGraphql } from "../../app/shopify/graphql";
import { renderExtensionBlock } from "../../app/local/storefront.server";
import { createTestShop, useLocalAdminShop, useTestDatabase } from "../db";

// The app-data metafield (AppInstallation kanta.program) the storefront app embed reads:
// marked dirty with every change, synced by the AppDataSync outbox through the Admin API
// emulator (documents checked against Shopify's schema), retried with backoff, never losing
// a change made during a sync; and the app embed rendered from it in local mode.

const { db } = useTestDatabase();
let demoShopId = "";
useLocalAdminShop(db, (id) => {
  demoShopId = id;
});

const row = (shopId: string) => db().appDataSync.findUniqueOrThrow({ where: { shopId } });
const secondsLater = (s: number) => new Date(Date.now() + s * 1000);

async function setup() {
  const shop = await createTestShop(db());
  // Only this shop's row is due, so the sweep's counts are this test's.
  await db().appDataSync.updateMany({ where: { shopId: { not: shop.id } }, data: { dirty: false } });
  const emulator = new AdminEmulator(loadAdminSchema());
  emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const gatewayFor = async (domain: string) => emulator.client(domain);
  const value = () => {
    const m = emulator.appDataMetafield(shop.domain, PROGRAM_APP_DATA_METAFIELD.namespace, PROGRAM_APP_DATA_METAFIELD.key);
    return m ? { type: m.type, namespace: m.namespace, value: JSON.parse(m.value) as unknown } : null;
  };
  return { shop, emulator, gatewayFor, value };
}

function settingsForm(overrides: Record<string, string> = {}) {
  const parsed = parseSettingsForm({
    programName: "Birch Club",
    expiryPolicy: "none",
    expiryMonths: "12",
    pendingDays: "0",
    excludedTags: "[]",
    accent: "#7a1f3d",
    onAccent: "#ffffff",
    position: "bottom-left",
    label: "Perks",
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.data;
}

describe("marking the app data dirty", () => {
  it("marks a new shop, launch, pause, resume and a Settings save; a no-op change marks nothing", async () => {
    // As Shopify's install makes it: with the starter reward, so it can launch.
    const shop = await ensureShop(db(), { domain: `fresh-${Date.now()}.myshopify.com`, name: "Fresh", currencyCode: "EUR", ianaTimezone: "UTC" }, { starter: true });
    expect(await row(shop.id)).toMatchObject({ dirty: true, version: 0, attempts: 0 });
    const clean = () => db().appDataSync.update({ where: { shopId: shop.id }, data: { dirty: false, nextAttemptAt: secondsLater(3600), attempts: 3 } });

    await clean();
    await launchProgram(shop.domain, db());
    const launched = await row(shop.id);
    expect(launched).toMatchObject({ dirty: true, version: 1, attempts: 0 });
    expect(launched.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());

    await clean();
    await launchProgram(shop.domain, db()); // already live: nothing changes, nothing to send
    expect(await row(shop.id)).toMatchObject({ dirty: false, version: 1 });

    await setProgramPaused(shop.domain, true, db());
    expect(await row(shop.id)).toMatchObject({ dirty: true, version: 2 });
    await clean();
    await setProgramPaused(shop.domain, false, db());
    expect(await row(shop.id)).toMatchObject({ dirty: true, version: 3 });

    await clean();
    await saveProgramSettings(shop.domain, settingsForm(), db());
    expect(await row(shop.id)).toMatchObject({ dirty: true, version: 4, attempts: 0 });
  });

  it("marks a reinstalled shop (a new installation has no app-data metafields)", async () => {
    const shop = await createTestShop(db());
    await db().appDataSync.update({ where: { shopId: shop.id }, data: { dirty: false } });
    await ensureShop(db(), { domain: shop.domain, name: "Test shop", currencyCode: "EUR", ianaTimezone: "UTC" });
    expect((await row(shop.id)).dirty).toBe(false); // a detail sync of an installed shop
    await markShopUninstalled(db(), shop.domain);
    await ensureShop(db(), { domain: shop.domain, name: "Test shop", currencyCode: "EUR", ianaTimezone: "UTC" });
    expect((await row(shop.id)).dirty).toBe(true);
  });
});

describe("syncing the app data to Shopify", () => {
  it("sets kanta.program on the app installation and clears the row; nothing left to do afterwards", async () => {
    const { shop, emulator, gatewayFor, value } = await setup();
    await saveProgramSettings(shop.domain, settingsForm(), db());
    expect(await syncDueAppData(db(), gatewayFor, { now: secondsLater(1) })).toEqual({ synced: 1, retrying: 0, dead: 0, superseded: 0 });
    expect(value()).toEqual({
      type: "json",
      namespace: "kanta",
      value: { status: "live", programName: "Birch Club", widget: { accent: "#7a1f3d", onAccent: "#ffffff", position: "bottom-left", label: "Perks" } },
    });
    const after = await row(shop.id);
    expect(after).toMatchObject({ dirty: false, attempts: 0, lastError: null });
    expect(after.syncedAt).not.toBeNull();
    expect(emulator.calls.map((c) => c.operationName)).toEqual(["KantaCurrentAppInstallation", "KantaAppDataMetafieldsSet"]);
    const [, set] = emulator.calls;
    expect((set!.variables.metafields as { ownerId: string }[])[0]!.ownerId).toBe(emulator.appInstallationId(shop.domain));

    expect(await syncDueAppData(db(), gatewayFor, { now: secondsLater(2) })).toEqual({ synced: 0, retrying: 0, dead: 0, superseded: 0 });
    await setProgramPaused(shop.domain, true, db());
    await syncDueAppData(db(), gatewayFor, { now: secondsLater(3) });
    expect(value()?.value).toMatchObject({ status: "paused" });
  });

  it("backs off when Shopify fails, and sends it on the retry", async () => {
    const { shop, emulator, gatewayFor, value } = await setup();
    emulator.failNext("KantaAppDataMetafieldsSet", "Internal error", 2);
    const t0 = secondsLater(1);
    expect(await syncDueAppData(db(), gatewayFor, { now: t0 })).toEqual({ synced: 0, retrying: 1, dead: 0, superseded: 0 });
    let r = await row(shop.id);
    expect(r).toMatchObject({ dirty: true, attempts: 1 });
    expect(r.lastError).toMatch(/Internal error/);
    expect(r.nextAttemptAt.getTime()).toBe(t0.getTime() + 1_000);
    expect(value()).toBeNull();

    // Not due yet: nothing is sent.
    const calls = emulator.calls.length;
    expect(await syncDueAppData(db(), gatewayFor, { now: new Date(t0.getTime() + 500) })).toEqual({ synced: 0, retrying: 0, dead: 0, superseded: 0 });
    expect(emulator.calls.length).toBe(calls);

    const t1 = new Date(t0.getTime() + 1_000);
    expect(await syncDueAppData(db(), gatewayFor, { now: t1 })).toEqual({ synced: 0, retrying: 1, dead: 0, superseded: 0 });
    r = await row(shop.id);
    expect(r.attempts).toBe(2);
    expect(r.nextAttemptAt.getTime()).toBe(t1.getTime() + 4_000);

    expect(await syncDueAppData(db(), gatewayFor, { now: new Date(t1.getTime() + 4_000) })).toEqual({ synced: 1, retrying: 0, dead: 0, superseded: 0 });
    expect(await row(shop.id)).toMatchObject({ dirty: false, attempts: 0, lastError: null });
    expect(value()?.value).toMatchObject({ status: "live" });
  });

  it("loses no change made while a sync is on its way: the row stays dirty and the next sweep sends it", async () => {
    const { shop, gatewayFor, value } = await setup();
    let paused = false;
    const pausingGateway = async (domain: string): Promise<AdminGraphql> => {
      const graphql = await gatewayFor(domain);
      return async (query, options) => {
        // The merchant pauses while Kanta talks to Shopify (after the Program was read).
        if (!paused && query.includes("metafieldsSet")) {
          paused = true;
          await setProgramPaused(shop.domain, true, db());
        }
        return graphql(query, options);
      };
    };
    expect(await syncDueAppData(db(), pausingGateway, { now: secondsLater(1) })).toEqual({ synced: 0, retrying: 0, dead: 0, superseded: 1 });
    expect(value()?.value).toMatchObject({ status: "live" }); // what was read before the pause
    expect((await row(shop.id)).dirty).toBe(true);

    expect(await syncDueAppData(db(), gatewayFor, { now: secondsLater(2) })).toEqual({ synced: 1, retrying: 0, dead: 0, superseded: 0 });
    expect(value()?.value).toMatchObject({ status: "paused" });
    expect((await row(shop.id)).dirty).toBe(false);
  });

  it("skips uninstalled shops, and a sweep survives a gateway that throws", async () => {
    const { shop } = await setup();
    await markShopUninstalled(db(), shop.domain);
    const never = async (): Promise<AdminGraphql> => {
      throw new Error("no session");
    };
    expect(await syncDueAppData(db(), never, { now: secondsLater(1) })).toEqual({ synced: 0, retrying: 0, dead: 0, superseded: 0 });
    await db().shop.update({ where: { id: shop.id }, data: { uninstalledAt: null } });
    expect(await syncDueAppData(db(), never, { now: secondsLater(1) })).toEqual({ synced: 0, retrying: 1, dead: 0, superseded: 0 });
    expect((await row(shop.id)).lastError).toMatch(/no session/);
  });
});

describe("the app embed in local mode's storefront", () => {
  const embed = (options: { customer?: { id: string; first_name: string | null; email: string | null } | null; designMode?: boolean; settings?: Record<string, unknown> } = {}) =>
    renderExtensionBlock("app-embed.liquid", { locale: "en", customer: options.customer ?? null, designMode: options.designMode, settings: options.settings }).then((r) => r.html);
  const syncDemo = async () => {
    const emulator = await getEmulator();
    await db().appDataSync.updateMany({ where: { shopId: { not: demoShopId } }, data: { dirty: false } });
    await syncDueAppData(db(), async (domain) => emulator.client(domain), { now: secondsLater(1) });
  };

  beforeEach(async () => {
    await db().program.update({ where: { shopId: demoShopId }, data: { status: "live", programName: "Rewards", widgetSettings: "{}" } });
    await db().appDataSync.update({ where: { shopId: demoShopId }, data: { dirty: true, nextAttemptAt: new Date(0) } });
  });

  it("shows the launcher as before when nothing is synced yet, then follows the synced status", async () => {
    expect((await getEmulator()).appDataMetafield(LOCAL_SHOP, "kanta", "program")).toBeNull();
    await setProgramPaused(LOCAL_SHOP, true, db());
    expect(await embed()).toContain('id="kanta-root"'); // no metafield: today's behaviour

    await syncDemo();
    const guest = await embed();
    expect(guest).not.toContain("kanta-root");
    expect(guest).not.toContain("kanta-launcher");
    expect(guest).not.toContain("kanta-config");
    expect(await embed({ customer: { id: "7390000001001", first_name: "Aino", email: null } })).not.toContain("kanta-root");
    // The theme editor still shows it, so the merchant can style it.
    expect(await embed({ designMode: true })).toContain('id="kanta-root"');

    await setProgramPaused(LOCAL_SHOP, false, db());
    await syncDemo();
    expect(await embed()).toContain('id="kanta-root"');
  });

  it("applies the merchant's widget defaults where the theme editor's settings are left at theirs", async () => {
    await saveProgramSettings(LOCAL_SHOP, settingsForm({ accent: "#7a1f3d", onAccent: "#fafafa", position: "bottom-left", label: "Birch perks" }), db());
    await syncDemo();
    const html = await embed();
    expect(html).toContain("kanta-root--bottom-left");
    expect(html).toContain("--kanta-accent: #7a1f3d; --kanta-on-accent: #fafafa;");
    expect(html).toMatch(/<span class="kanta-launcher__label">Birch perks<\/span>/);
    const config = JSON.parse(/<script type="application\/json" id="kanta-config">([\s\S]*?)<\/script>/.exec(html)![1]!) as { colors: unknown; settings: { position: string; label: string } };
    expect(config.colors).toEqual({ accent: "#7a1f3d", onAccent: "#fafafa" });
    expect(config.settings).toMatchObject({ position: "bottom-left", label: "Birch perks" });

    // The theme editor's own choices win.
    const own = await embed({ settings: { accent_color: "#123456", text_color: "#ffffff", position: "bottom-right", launcher_label: "Club" } });
    expect(own).toContain("--kanta-accent: #123456; --kanta-on-accent: #ffffff;");
    expect(own).toMatch(/<span class="kanta-launcher__label">Club<\/span>/);

    // No label default: the program name, then the widget's own words.
    await saveProgramSettings(LOCAL_SHOP, settingsForm({ label: "" }), db());
    await syncDemo();
    expect(await embed()).toMatch(/<span class="kanta-launcher__label">Birch Club<\/span>/);
  });
});
