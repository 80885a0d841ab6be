import { afterEach, describe, expect, it } from "vitest";
import { UnknownShopError } from "../../app/loyalty/program/shops.server";
import { invalidateShopConfig, requireShopConfig } from "../../app/loyalty/program/shop-config.server";
import { createTestShop, useTestDatabase } from "../db";

const { db } = useTestDatabase();

afterEach(() => {
  process.env.KANTA_CONFIG_CACHE_MS = "0";
  invalidateShopConfig();
});

describe("shop settings cache", () => {
  it("reads the program, rules and entry tier of a shop", async () => {
    const shop = await createTestShop(db());
    const config = await requireShopConfig(db(), shop.domain);
    expect(config).toMatchObject({
      domain: shop.domain,
      currencyCode: "EUR",
      program: { status: "live", pendingDays: 0 },
      purchaseRule: { points: 1, spendMinor: 100n },
      signupRule: { points: 100 },
    });
    const bronze = await db().tier.findFirstOrThrow({ where: { shopId: shop.id, rank: 0 } });
    expect(config.entryTierId).toBe(bronze.id);
    await expect(requireShopConfig(db(), "nope.myshopify.com")).rejects.toThrow(UnknownShopError);
  });

  it("keeps settings for the configured time, and forgets them when invalidated", async () => {
    process.env.KANTA_CONFIG_CACHE_MS = "60000";
    const shop = await createTestShop(db());
    const t0 = Date.now();
    expect((await requireShopConfig(db(), shop.domain, t0)).program.status).toBe("live");
    await db().program.update({ where: { shopId: shop.id }, data: { status: "paused" } });
    expect((await requireShopConfig(db(), shop.domain, t0 + 1000)).program.status).toBe("live");
    expect((await requireShopConfig(db(), shop.domain, t0 + 61_000)).program.status).toBe("paused");
    await db().program.update({ where: { shopId: shop.id }, data: { status: "live" } });
    invalidateShopConfig(shop.domain);
    expect((await requireShopConfig(db(), shop.domain, t0 + 62_000)).program.status).toBe("live");
  });

  it("leaves out disabled rules", async () => {
    const shop = await createTestShop(db());
    await db().earningRule.updateMany({ where: { shopId: shop.id, type: "signup" }, data: { enabled: false } });
    expect((await requireShopConfig(db(), shop.domain)).signupRule).toBeNull();
  });
});
