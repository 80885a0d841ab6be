import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { createTestShop, useTestDatabase } from "../db";
import { customerPayload, documentedExample, orderPayload } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

const { db } = useTestDatabase();
const { server: testServer } = useTestServer();
const settle = () => getJobRunner().idle();

async function shopWithMember(customerId: string) {
  const shop = await createTestShop(db());
  await sendWebhook(testServer().url, "customers/create", shop.domain, customerPayload({ id: customerId, email: "aino@example.com", firstName: "Aino", lastName: "Virtanen" }));
  await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: `${customerId}9`, customerId, lines: [{ price: "42.00" }], updatedAt: "2026-11-20T10:00:00Z" }));
  await settle();
  return shop;
}

const complianceBody = (topic: string, shop: string, customerId: string) => ({
  ...documentedExample(topic),
  shop_domain: shop,
  customer: { id: customerId, email: "aino@example.com", phone: null },
  orders_to_redact: [],
  orders_requested: [],
});

describe("compliance webhooks", () => {
  it("customers/data_request exports everything Kanta holds about the customer", async () => {
    const shop = await shopWithMember("6001");
    await sendWebhook(testServer().url, "customers/data_request", shop.domain, complianceBody("customers/data_request", shop.domain, "6001"));
    await settle();
    const exported = await db().complianceExport.findFirstOrThrow({ where: { shopDomain: shop.domain } });
    const data = JSON.parse(exported.data);
    expect(data).toMatchObject({ email: "aino@example.com", firstName: "Aino", points: 142 });
    expect(data.ledger).toHaveLength(2);
  });

  it("customers/redact erases personal data and keeps the points accounting", async () => {
    const shop = await shopWithMember("6002");
    await sendWebhook(testServer().url, "customers/redact", shop.domain, complianceBody("customers/redact", shop.domain, "6002"));
    await settle();
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(member).toMatchObject({ email: null, firstName: null, lastName: null, status: "redacted", points: 142 });
    const inbox = await db().webhookEvent.findMany({ where: { shopDomain: shop.domain } });
    expect(inbox.every((e) => e.status === "done" && e.payload === "")).toBe(true);
  });

  it("customers/redact forgets a referred friend's email and customer id, keeping the referral", async () => {
    const shop = await shopWithMember("6004");
    const referrer = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
    const asFriend = await db().referral.create({
      data: { shopId: shop.id, referrerId: referrer.id, code: "ABCD2345", visitorToken: "tok-friend", status: "completed", friendEmail: "friend@example.com", friendCustomerGid: "gid://shopify/Customer/6005", orderValueMinor: 5000n },
    });
    const byEmail = await db().referral.create({
      data: { shopId: shop.id, referrerId: referrer.id, code: "ABCD2345", visitorToken: "tok-email", status: "friend_rewarded", friendEmail: "friend@example.com" },
    });
    const other = await db().referral.create({
      data: { shopId: shop.id, referrerId: referrer.id, code: "ABCD2345", visitorToken: "tok-other", status: "friend_rewarded", friendEmail: "someone@example.com" },
    });
    await sendWebhook(testServer().url, "customers/redact", shop.domain, {
      ...complianceBody("customers/redact", shop.domain, "6005"),
      customer: { id: "6005", email: "Friend@Example.com", phone: null },
    });
    await settle();
    expect(await db().referral.findUniqueOrThrow({ where: { id: asFriend.id } })).toMatchObject({ friendEmail: null, friendCustomerGid: null, status: "completed", orderValueMinor: 5000n });
    expect(await db().referral.findUniqueOrThrow({ where: { id: byEmail.id } })).toMatchObject({ friendEmail: null });
    expect(await db().referral.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ friendEmail: "someone@example.com" });
  });

  it("refuses a compliance payload for another shop", async () => {
    const shop = await shopWithMember("6003");
    await sendWebhook(testServer().url, "customers/redact", shop.domain, complianceBody("customers/redact", "someone-else.myshopify.com", "6003"));
    await settle();
    const event = await db().webhookEvent.findFirstOrThrow({ where: { shopDomain: shop.domain, topic: "customers/redact" } });
    expect(event.status).toBe("invalid");
    expect(await db().member.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ email: "aino@example.com" });
  });

  it("app/uninstalled drops sessions but keeps the program; shop/redact deletes the shop's data", async () => {
    const shop = await shopWithMember("6004");
    await db().session.create({ data: { id: `offline_${shop.domain}`, shop: shop.domain, state: "x", accessToken: "shpat_test", isOnline: false } });
    await sendWebhook(testServer().url, "app/uninstalled", shop.domain, { ...documentedExample("app/uninstalled"), myshopify_domain: shop.domain });
    await settle();
    expect(await db().session.count({ where: { shop: shop.domain } })).toBe(0);
    expect((await db().shop.findUniqueOrThrow({ where: { id: shop.id } })).uninstalledAt).not.toBeNull();
    expect(await db().member.count({ where: { shopId: shop.id } })).toBe(1);

    await sendWebhook(testServer().url, "shop/redact", shop.domain, { ...documentedExample("shop/redact"), shop_domain: shop.domain });
    await settle();
    expect(await db().shop.count({ where: { id: shop.id } })).toBe(0);
    expect(await db().member.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db().orderRecord.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
