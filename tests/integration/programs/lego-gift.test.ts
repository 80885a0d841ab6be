import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../../app/jobs/queue.server";
import { runDueGifts } from "../../../app/jobs/gifts.server";
import { getEmulator } from "../../../app/local/emulator.server";
import { createTestShop, useTestDatabase } from "../../db";
import { createReward } from "../../factories";
import { customerPayload } from "../../fixtures/payloads";
import { sendWebhook, useLocalModeEnv, useTestServer } from "../../http";

// LEGO VIP (PRODUCT.md's seed programs): "a gift on sign-up" (early access and members-only
// products: ./lego.test.ts). A new customer (the signed
// customers/create webhook) is given a free product: one code, for that customer, single
// use, one unit of the variant free, with the reward's expiry (docs/decisions/0031-gifts.md).

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

describe("LEGO VIP: a gift on sign-up", () => {
  it("gives each new member one free-product code through the gift outbox, once, and retries a Shopify failure", async () => {
    const shop = await createTestShop(db());
    const emulator = await getEmulator();
    emulator.addShop({ name: "LEGO", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    // The gift only: the sign-up rule gives the product instead of points. The reward is not
    // in the points catalogue (disabled) and still gives gifts.
    const gift = await createReward(db(), shop.id, "free_product", { name: "Welcome minifigure", expiryDays: 30, enabled: false });
    await db().earningRule.updateMany({ where: { shopId: shop.id, type: "signup" }, data: { points: 0, config: JSON.stringify({ giftRewardId: gift.id }) } });

    // Shopify fails the first attempt (whether the sweep or this test makes it): the gift
    // waits for its backoff and is issued on a later attempt; nothing is lost or doubled.
    emulator.failNext("KantaDiscountCodeBasicCreate", "Internal error");
    const customer = customerPayload({ id: "9410000000001" });
    expect((await sendWebhook(server().url, "customers/create", shop.domain, customer)).status).toBe(200);
    expect((await sendWebhook(server().url, "customers/create", shop.domain, customer)).status).toBe(200); // a duplicate delivery
    await getJobRunner().idle();
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: "gid://shopify/Customer/9410000000001" } });
    expect(member.points).toBe(0);
    const rows = await db().redemption.findMany({ where: { memberId: member.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ pointsSpent: 0, rewardName: "Linen tote bag – Natural", giftVariantGid: "gid://shopify/ProductVariant/4470000000021" });
    expect(rows[0]!.code).toMatch(/^KANTA-G[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    for (let i = 0; i < 3; i++) await runDueGifts(db(), { now: new Date(Date.now() + (i + 1) * 10 * 60_000) });
    const issued = await db().redemption.findUniqueOrThrow({ where: { id: rows[0]!.id } });
    expect(issued.status).toBe("issued");
    const creates = emulator.calls.filter((c) => c.shop === shop.domain && c.operationName === "KantaDiscountCodeBasicCreate");
    expect(creates).toHaveLength(2);

    const codes = emulator.discounts(shop.domain).filter((d) => d.code === issued.code);
    expect(codes).toHaveLength(1);
    expect(codes[0]!.id).toBe(issued.discountGid);
    expect(codes[0]!.customerGids).toEqual([member.customerGid]);
    expect(codes[0]!.input).toMatchObject({
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerGets: { value: { discountAmount: { amount: "24.50", appliesOnEachItem: false } }, items: { products: { productVariantsToAdd: ["gid://shopify/ProductVariant/4470000000021"] } } },
    });
    const endsAt = new Date(String(codes[0]!.input.endsAt));
    expect(Math.round((endsAt.getTime() - issued.createdAt.getTime()) / 86_400_000)).toBe(30);
  });

  it("a crash after Shopify made the code finds that code instead of making another", async () => {
    const shop = await createTestShop(db());
    const emulator = await getEmulator();
    emulator.addShop({ name: "LEGO", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    const gift = await createReward(db(), shop.id, "free_product");
    await db().earningRule.updateMany({ where: { shopId: shop.id, type: "signup" }, data: { config: JSON.stringify({ giftRewardId: gift.id }) } });
    await sendWebhook(server().url, "customers/create", shop.domain, customerPayload({ id: "9410000000002" }));
    await getJobRunner().idle();
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(member.points).toBe(100); // points and a gift
    await runDueGifts(db());
    expect(await db().redemption.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({ status: "issued" });
    // As if the process died after Shopify answered, before the row was marked.
    await db().redemption.updateMany({ where: { memberId: member.id }, data: { status: "issuing", discountGid: null, nextAttemptAt: null } });
    await runDueGifts(db());
    const row = await db().redemption.findFirstOrThrow({ where: { memberId: member.id } });
    expect(row.status).toBe("issued");
    expect(emulator.discounts(shop.domain).filter((d) => d.code === row.code)).toHaveLength(1);
    expect(row.discountGid).toBe(emulator.discounts(shop.domain).find((d) => d.code === row.code)!.id);
  });
});
