import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../../app/jobs/queue.server";
import { runDueGifts } from "../../../app/jobs/gifts.server";
import { getEmulator } from "../../../app/local/emulator.server";
import { runDateSweeps } from "../../../app/loyalty/dates/sweeps.server";
import { createTestShop, useTestDatabase } from "../../db";
import { createReward } from "../../factories";
import { orderPayload } from "../../fixtures/payloads";
import { sendWebhook, useLocalModeEnv, useTestServer } from "../../http";

// Sephora Beauty Insider (PRODUCT.md's seed programs): three tiers by yearly spend, and a
// birthday gift (a product) on the birthday for the tier that offers it. The gift comes
// with the date sweep on the member's birthday (0023), once a year, and becomes a code in
// Shopify through the gift outbox (docs/decisions/0031-gifts.md).

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

describe("Sephora Beauty Insider: a birthday product gift by tier", () => {
  it("gives the VIB member the tier's birthday gift on the day, once a year, and the Insider member none", async () => {
    const shop = await createTestShop(db());
    const emulator = await getEmulator();
    emulator.addShop({ name: "Sephora", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    const gift = await createReward(db(), shop.id, "free_product", { name: "Birthday gift", expiryDays: 30, enabled: false });
    const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    await db().tier.delete({ where: { id: tiers[3]!.id } });
    const ladder = [
      { name: "Insider", thresholdMinor: 0n, perks: "{}" },
      { name: "VIB", thresholdMinor: 35_000n, perks: JSON.stringify({ birthdayGiftRewardId: gift.id }) },
      { name: "Rouge", thresholdMinor: 100_000n, perks: JSON.stringify({ birthdayGiftRewardId: gift.id, birthdayPoints: 250 }) },
    ];
    for (const [i, t] of ladder.entries()) await db().tier.update({ where: { id: tiers[i]!.id }, data: t });

    // This year's spend: 400 € (VIB) and 50 € (Insider), through signed order webhooks.
    const spend = async (orderId: string, customerId: string, price: string) =>
      expect((await sendWebhook(server().url, "orders/paid", shop.domain, orderPayload({ id: orderId, customerId, lines: [{ price }], updatedAt: "2026-02-10T10:00:00Z" }))).status).toBe(200);
    await spend("7400001", "9430000000001", "400.00");
    await spend("7400002", "9430000000002", "50.00");
    await getJobRunner().idle();
    const vib = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: "gid://shopify/Customer/9430000000001" }, include: { tier: true } });
    const insider = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: "gid://shopify/Customer/9430000000002" }, include: { tier: true } });
    expect([vib.tier?.name, insider.tier?.name]).toEqual(["VIB", "Insider"]);

    const set = new Date("2026-01-01T00:00:00Z");
    await db().member.updateMany({ where: { id: { in: [vib.id, insider.id] } }, data: { birthMonth: 3, birthDay: 14, birthdaySetAt: set } });
    // The day before: nothing. On the day (two sweeps): one gift for the VIB member.
    await runDateSweeps(db(), { now: new Date("2026-03-13T09:00:00Z"), shopId: shop.id });
    expect(await db().redemption.count({ where: { shopId: shop.id } })).toBe(0);
    await runDateSweeps(db(), { now: new Date("2026-03-14T09:00:00Z"), shopId: shop.id });
    await runDateSweeps(db(), { now: new Date("2026-03-14T10:00:00Z"), shopId: shop.id });
    await runDueGifts(db(), { now: new Date("2026-03-14T10:05:00Z") });
    const rows = await db().redemption.findMany({ where: { shopId: shop.id } });
    expect(rows.map((r) => [r.memberId, r.status, r.requestId])).toEqual([[vib.id, "issued", `gift:birthday:${vib.id}:2026`]]);
    const code = emulator.discounts(shop.domain).find((d) => d.code === rows[0]!.code)!;
    expect(code.customerGids).toEqual([vib.customerGid]);
    expect(code.input).toMatchObject({ usageLimit: 1, customerGets: { value: { discountAmount: { amount: "24.50", appliesOnEachItem: false } } } });

    // The next birthday: another gift.
    await runDateSweeps(db(), { now: new Date("2027-03-14T09:00:00Z"), shopId: shop.id });
    expect(await db().redemption.count({ where: { memberId: vib.id } })).toBe(2);
    expect(await db().redemption.count({ where: { memberId: insider.id } })).toBe(0);
  });
});
