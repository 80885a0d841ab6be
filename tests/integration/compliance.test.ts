import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { getProgramOverview } from "../../app/loyalty/program/overview.server";
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

  it("customers/redact scrubs staff reasons and what the shopper told from the ledger and tier history, and deletes their exports", async () => {
    const shop = await shopWithMember("6010");
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
    const other = await db().member.create({ data: { shopId: shop.id, customerGid: "gid://shopify/Customer/6011", email: "other@example.com" } });
    const row = (memberId: string, kind: string, note: string, key: string) => ({ shopId: shop.id, memberId, delta: 5, kind, note, idempotencyKey: key });
    await db().ledgerEntry.createMany({
      data: [
        row(member.id, "manual_adjustment", "Aino complained about the late parcel to Oulu", "manual:6010"),
        row(member.id, "action_bonus", "Birthday bonus (03-14)", "action:6010:birthday"),
        row(member.id, "action_bonus", "Follow us on Instagram", "action:6010:follow"),
        row(other.id, "manual_adjustment", "Goodwill for the other customer", "manual:6011"),
      ],
    });
    await db().member.update({ where: { id: member.id }, data: { points: { increment: 15 } } });
    await db().member.update({ where: { id: other.id }, data: { points: { increment: 5 } } });
    await db().tierChange.create({ data: { shopId: shop.id, memberId: member.id, customerGid: member.customerGid, reason: "manual", toTier: "Gold", actor: "staff:ann@shop.example", note: "Aino is the owner's cousin", syncStatus: "done" } });
    await sendWebhook(testServer().url, "customers/data_request", shop.domain, { ...complianceBody("customers/data_request", shop.domain, "6010"), data_request: { id: 77 } });
    await settle();
    expect(await db().complianceExport.count({ where: { shopDomain: shop.domain } })).toBe(1);

    await sendWebhook(testServer().url, "customers/redact", shop.domain, complianceBody("customers/redact", shop.domain, "6010"));
    await settle();
    const notes = await db().ledgerEntry.findMany({ where: { shopId: shop.id, memberId: member.id }, orderBy: { idempotencyKey: "asc" }, select: { kind: true, note: true, delta: true } });
    expect(notes.filter((n) => n.kind === "manual_adjustment" || n.kind === "action_bonus")).toEqual([
      { kind: "action_bonus", note: "Birthday bonus", delta: 5 },
      { kind: "action_bonus", note: "Follow us on Instagram", delta: 5 },
      { kind: "manual_adjustment", note: null, delta: 5 },
    ]);
    expect(notes.some((n) => (n.note ?? "").includes("Aino") || (n.note ?? "").includes("03-14"))).toBe(false);
    expect(await db().tierChange.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({ note: null, toTier: "Gold" });
    expect(await db().ledgerEntry.findFirstOrThrow({ where: { memberId: other.id } })).toMatchObject({ note: "Goodwill for the other customer" });
    expect(await db().complianceExport.count({ where: { shopDomain: shop.domain } })).toBe(0);
    expect(await db().member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({ status: "redacted", points: 142 + 15 });
  });

  it("never brings a redacted member back: a later customers/update or order writes no name or email", async () => {
    const shop = await shopWithMember("6012");
    await sendWebhook(testServer().url, "customers/redact", shop.domain, complianceBody("customers/redact", shop.domain, "6012"));
    await settle();
    await sendWebhook(testServer().url, "customers/update", shop.domain, customerPayload({ id: "6012", email: "aino@example.com", firstName: "Aino", lastName: "Virtanen", updatedAt: "2030-01-01T00:00:00Z" }));
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "60129", customerId: "6012", lines: [{ price: "42.00" }], updatedAt: "2026-11-21T10:00:00Z" }));
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "601299", customerId: "6012", lines: [{ price: "10.00" }], updatedAt: "2026-11-21T10:00:00Z" }));
    await settle();
    const members = await db().member.findMany({ where: { shopId: shop.id } });
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ email: null, firstName: null, lastName: null, tags: "", status: "redacted", points: 142 });
  });

  it("customers/redact for a customer Kanta never saw leaves an anonymous redacted row that later events cannot fill", async () => {
    const shop = await createTestShop(db());
    await sendWebhook(testServer().url, "customers/redact", shop.domain, complianceBody("customers/redact", shop.domain, "6013"));
    await sendWebhook(testServer().url, "customers/redact", shop.domain, complianceBody("customers/redact", shop.domain, "6013"));
    await settle();
    await sendWebhook(testServer().url, "customers/create", shop.domain, customerPayload({ id: "6013", email: "late@example.com", firstName: "Late" }));
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "60139", customerId: "6013", lines: [{ price: "42.00" }], updatedAt: "2026-11-21T10:00:00Z" }));
    await settle();
    const members = await db().member.findMany({ where: { shopId: shop.id } });
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ customerGid: "gid://shopify/Customer/6013", email: null, firstName: null, status: "redacted", points: 0 });
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
    // Not a member on Home: neither counted nor "joined".
    expect(await getProgramOverview(shop.domain, db())).toMatchObject({ members: 0, last30: { membersJoined: 0 } });
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
