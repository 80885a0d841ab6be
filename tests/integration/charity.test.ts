import { describe, expect, it } from "vitest";
import { signProxyQuery } from "../../app/shopify/signing";
import { defaultRange, deleteCause, donationExportRows, donationTotalsExportRows, loadCharityPage, saveCause, saveCharityRate } from "../../app/loyalty/charity/admin.server";
import { DONATION_EXPORT_COLUMNS, DONATION_TOTALS_EXPORT_COLUMNS } from "../../app/loyalty/charity/charity";
import { donatePoints } from "../../app/loyalty/charity/donations.server";
import { csvText } from "../../app/loyalty/export/stream.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { getCustomerView } from "../../app/loyalty/storefront/customer-view.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, customerGid, nextCustomerId } from "../factories";
import { TEST_SECRET, useTestServer } from "../http";

// Charity (0037): members give points to the merchant's causes at the shop's rate, through
// the ledger's conditional debit; the admin sees totals per cause and month and exports them.

const { db } = useTestDatabase();
const { server } = useTestServer();
const STAFF = { id: "staff-1", name: "Staff", email: "staff@example.com" };

async function setup(points: number, rate = 100) {
  const shop = await createTestShop(db());
  await saveCharityRate(shop.domain, { pointsPerUnit: String(rate) }, db(), STAFF);
  const causeId = await saveCause(shop.domain, null, { name: "Baltic Sea", description: "Cleaning beaches", enabled: "true" }, db(), STAFF);
  const customerId = nextCustomerId();
  const member = await createMember(db(), shop.id, { customerGid: customerGid(customerId), email: "aino@example.com" }, { points });
  return { shop, causeId, customerId, member };
}

function donate(shopDomain: string, customerId: string | null, body: unknown, secret = TEST_SECRET) {
  const query = signProxyQuery({ shop: shopDomain, path_prefix: "/apps/kanta", logged_in_customer_id: customerId ?? "" }, secret).toString();
  return fetch(`${server().url}/proxy/donate?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

describe("charity: donating points", () => {
  it("debits exactly once when the widget replays its request", async () => {
    const { shop, causeId, customerId, member } = await setup(1000);
    const body = { causeId, units: 3, requestId: "donate-replay-0001" };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await donate(shop.domain, customerId, body));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(new Set(bodies.map((b) => b.donation.id)).size).toBe(1);
    expect(bodies[0].donation).toMatchObject({ points: 300, amountMinor: 300, currencyCode: "EUR", causeName: "Baltic Sea" });
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(700);
    expect(await db().ledgerEntry.count({ where: { memberId: member.id, kind: "donated" } })).toBe(1);
    expect(await db().donation.count({ where: { shopId: shop.id } })).toBe(1);
    // The same request id for another amount is a client bug, refused, and nothing moves.
    const conflict = await donate(shop.domain, customerId, { ...body, units: 4 });
    expect(conflict.status).toBe(409);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(700);
  });

  it("never goes below zero under 20 concurrent donations", async () => {
    const { shop, causeId, customerId, member } = await setup(1050);
    // Each 100 points; the balance covers 10 of them.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => donatePoints({ shopDomain: shop.domain, customerGid: customerGid(customerId), causeId, units: 1, requestId: `concurrent-${i}-abcdef` }, db())),
    );
    const ok = outcomes.filter((o) => o.status === "fulfilled").length;
    const refused = outcomes.filter((o) => o.status === "rejected" && (o.reason as { code?: string }).code === "insufficient_points").length;
    expect(ok).toBe(10);
    expect(refused).toBe(10);
    const after = await db().member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.points).toBe(50);
    expect(await db().donation.count({ where: { memberId: member.id } })).toBe(10);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("refuses unsigned and forged requests, guests, disabled causes and too little points", async () => {
    const { shop, causeId, customerId, member } = await setup(250);
    const unsigned = await fetch(`${server().url}/proxy/donate?shop=${shop.domain}&logged_in_customer_id=${customerId}`, { method: "POST", body: JSON.stringify({ causeId, units: 1, requestId: "unsigned-000001" }) });
    expect(unsigned.status).toBe(401);
    expect((await donate(shop.domain, customerId, { causeId, units: 1, requestId: "forged-0000001" }, "wrong-secret")).status).toBe(401);
    expect((await donate(shop.domain, null, { causeId, units: 1, requestId: "guest-00000001" })).status).toBe(401);
    expect((await donate(shop.domain, customerId, { causeId, units: 1.5, requestId: "fraction-00001" })).status).toBe(400);
    const short = await donate(shop.domain, customerId, { causeId, units: 3, requestId: "short-00000001" });
    expect(short.status).toBe(409);
    expect(await short.json()).toMatchObject({ error: "insufficient_points", needed: 50 });
    await saveCause(shop.domain, causeId, { name: "Baltic Sea", description: "", enabled: "false" }, db(), STAFF);
    expect((await donate(shop.domain, customerId, { causeId, units: 1, requestId: "disabled-00001" })).status).toBe(404);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(250);
  });

  it("shows the causes, the rate and the whole units the balance covers in the widget's view", async () => {
    const { shop, causeId, member } = await setup(1234, 200);
    const view = await getCustomerView(shop.domain, member.customerGid, db());
    expect(view.charity).toEqual({ pointsPerUnit: 200, currencyCode: "EUR", maxUnits: 6, causes: [{ id: causeId, name: "Baltic Sea", description: "Cleaning beaches" }] });
    const guest = await getCustomerView(shop.domain, null, db());
    expect(guest.charity?.maxUnits).toBe(0);
  });
});

describe("charity: the admin's totals, export and audit", () => {
  it("totals per cause and month for a range, exported as CSV with the formula guard", async () => {
    const { shop, causeId, customerId, member } = await setup(5000);
    const other = await saveCause(shop.domain, null, { name: "=HYPERLINK(\"x\")", description: "", enabled: "true" }, db(), STAFF);
    const gid = customerGid(customerId);
    await donatePoints({ shopDomain: shop.domain, customerGid: gid, causeId, units: 2, requestId: "totals-0000001" }, db());
    await donatePoints({ shopDomain: shop.domain, customerGid: gid, causeId, units: 5, requestId: "totals-0000002" }, db());
    await donatePoints({ shopDomain: shop.domain, customerGid: gid, causeId: other, units: 1, requestId: "totals-0000003" }, db());
    // One of them last month (shop time: Europe/Helsinki): moved back 40 days.
    const moved = await db().donation.findFirstOrThrow({ where: { requestId: "totals-0000002", shopId: shop.id } });
    const earlier = new Date(Date.now() - 40 * 86_400_000);
    await db().donation.update({ where: { id: moved.id }, data: { createdAt: earlier } });

    const page = await loadCharityPage(shop.domain, null, db());
    expect(page.byCause.map((t) => [t.causeName, t.donations, t.points, t.amountMinor])).toEqual([
      ["Baltic Sea", 2, 700, 700],
      ["=HYPERLINK(\"x\")", 1, 100, 100],
    ]);
    expect(page.byMonth).toHaveLength(3);
    // A range that leaves the older one out.
    // Dates are the shop's (Helsinki is a day ahead of UTC from 22:00 or 21:00 UTC).
    const today = defaultRange(shop.ianaTimezone).to;
    const recent = await loadCharityPage(shop.domain, { from: defaultRange(shop.ianaTimezone, new Date(Date.now() - 10 * 86_400_000)).to, to: today }, db());
    expect(recent.byCause.find((t) => t.causeId === causeId)).toMatchObject({ donations: 1, points: 200 });

    const range = { from: "2020-01-01", to: today };
    const csv = await csvText(DONATION_EXPORT_COLUMNS, donationExportRows(shop.domain, range, db()));
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("created_at,cause,customer_id,email,points,amount,currency,request_id");
    expect(lines).toHaveLength(4);
    expect(csv).toContain(`,Baltic Sea,${customerId},aino@example.com,500,5.00,EUR,totals-0000002`);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    const totals = await csvText(DONATION_TOTALS_EXPORT_COLUMNS, donationTotalsExportRows(shop.domain, range, db()));
    expect(totals.trim().split("\n")).toHaveLength(4);
    expect(totals).toContain("Baltic Sea,1,500,5.00,EUR");
    expect(member.id).toBeTruthy();
  });

  it("records the rate and cause changes in the audit log; a cause with donations is turned off, not deleted", async () => {
    const { shop, causeId, customerId } = await setup(500);
    await donatePoints({ shopDomain: shop.domain, customerGid: customerGid(customerId), causeId, units: 1, requestId: "audit-00000001" }, db());
    expect(await deleteCause(shop.domain, causeId, db(), STAFF)).toBe("disabled");
    const unused = await saveCause(shop.domain, null, { name: "Forest", description: "" }, db(), STAFF);
    expect(await deleteCause(shop.domain, unused, db(), STAFF)).toBe("deleted");
    await saveCharityRate(shop.domain, { pointsPerUnit: "150" }, db(), STAFF);
    const actions = (await db().auditEvent.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["charity.rate_updated", "charity.cause_created", "charity.cause_updated", "charity.cause_created", "charity.cause_deleted", "charity.rate_updated"]);
    await expect(saveCharityRate(shop.domain, { pointsPerUnit: "0" }, db(), STAFF)).rejects.toMatchObject({ fieldErrors: { pointsPerUnit: "At least 1 point" } });
  });
});
