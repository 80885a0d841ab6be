import { describe, expect, it } from "vitest";
import { syncDueBirthdays } from "../../app/jobs/birthday-sync.server";
import { BIRTHDAY_METAFIELD } from "../../app/shopify/customers.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember } from "../factories";

// Members' birthdays to the customer metafield $app:kanta.birthday (0023), through the Admin
// API emulator (documents checked against Shopify's schema): 25 customers per request, the
// mark cleared only for what was sent, a customer Shopify refuses dropped from the batch.

const { db } = useTestDatabase();

describe("the birthday metafield", () => {
  it("sends due birthdays in batches of 25, with or without a year, and clears the mark", async () => {
    const shop = await createTestShop(db());
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    const set = new Date("2026-03-01T00:00:00Z");
    const members = [];
    for (let i = 0; i < 30; i++) {
      members.push(await createMember(db(), shop.id, { birthMonth: 3, birthDay: 1 + (i % 28), birthYear: i === 0 ? 1990 : null, birthdaySetAt: set, birthdaySyncDue: true }));
    }
    const gone = members[5]!;
    emulator.deleteCustomer(gone.customerGid);
    const stats = await syncDueBirthdays(db(), { graphqlFor: async (domain) => emulator.client(domain) });
    expect(stats).toEqual({ synced: 29, refused: 1, failed: 0 });
    const value = (gid: string) => emulator.customerMetafield(shop.domain, gid, BIRTHDAY_METAFIELD.namespace, BIRTHDAY_METAFIELD.key)?.value ?? null;
    expect(value(members[0]!.customerGid)).toBe("1990-03-01");
    expect(value(members[1]!.customerGid)).toBe("--03-02");
    expect(value(gone.customerGid)).toBeNull();
    expect(await db().member.count({ where: { shopId: shop.id, birthdaySyncDue: true } })).toBe(0);
    const calls = emulator.calls.filter((c) => c.operationName === "KantaCustomerMetafieldsSet");
    expect(calls.every((c) => (c.variables.metafields as unknown[]).length <= 25)).toBe(true);
    // Nothing due: no request.
    await syncDueBirthdays(db(), { graphqlFor: async (domain) => emulator.client(domain) });
    expect(emulator.calls.filter((c) => c.operationName === "KantaCustomerMetafieldsSet")).toHaveLength(calls.length);
  });
});
