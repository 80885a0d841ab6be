import { describe, expect, it } from "vitest";
import { runDueEmails, type MailTransport, type OutgoingEmail } from "../../app/jobs/email-job.server";
import { runDueSurprises } from "../../app/jobs/surprise-job.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import type { GatewayFor, ReferralGateway } from "../../app/loyalty/referrals/settings.server";
import { getCustomerView } from "../../app/loyalty/storefront/customer-view.server";
import { giftRequestId } from "../../app/loyalty/rewards/gifts";
import { surpriseGiftPrize } from "../../app/loyalty/surprise/gift-prize.server";
import { awardNextBatch, drawSurprise, type SurpriseHooks } from "../../app/loyalty/surprise/run.server";
import { surpriseKeys } from "../../app/loyalty/surprise/surprise";
import { inTransaction } from "../../app/loyalty/tx.server";
import { SurpriseAdminError, createSurprise, listSurprises, previewAudience, startSurprise, surpriseWinners } from "../../app/loyalty/surprise/surprises.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, createReward } from "../factories";
import { TEST_SECRET, useTestServer } from "../http";

// Surprises (0037): the merchant's audience, all of it or N drawn with crypto randomness,
// points or a reward code, run as a resumable job; announced in the widget and by email.

const { db } = useTestDatabase();
const { server } = useTestServer();
const STAFF = { id: "staff-1", name: "Staff", email: "staff@example.com" };
const DAY = 86_400_000;

async function shopWithTiers() {
  const shop = await createTestShop(db());
  const silver = await db().tier.create({ data: { shopId: shop.id, name: "Silver", rank: 20 } });
  const gold = await db().tier.create({ data: { shopId: shop.id, name: "Gold", rank: 21 } });
  return { shop, silver, gold };
}

const form = (fields: Record<string, unknown>) => ({ name: "Free coffee Friday", prizeType: "points", prizePoints: "250", mode: "all", tierIds: [], orderedWithinDays: "", productTypes: [], collectionIds: [], ...fields });

async function started(shopDomain: string, fields: Record<string, unknown>, hooks: SurpriseHooks = {}) {
  const id = await createSurprise(shopDomain, form(fields), db(), STAFF, hooks);
  expect(await startSurprise(shopDomain, id, db(), STAFF)).toBe(true);
  return id;
}

describe("surprises: the draw", () => {
  it("draws N distinct winners among M eligible, records the draw, and pays each once", async () => {
    const { shop } = await shopWithTiers();
    const members = await Promise.all(Array.from({ length: 30 }, () => createMember(db(), shop.id, { email: "m@example.com" })));
    const id = await started(shop.domain, { mode: "draw", winners: "12" });
    const result = await runDueSurprises({ db: db(), batch: 5 });
    expect(result.surprises).toBe(1);
    const s = await db().surprise.findUniqueOrThrow({ where: { id } });
    expect(s).toMatchObject({ status: "done", eligibleCount: 30, winnerCount: 12, awardedCount: 12 });
    expect(s.drawnAt).not.toBeNull();
    const winners = await surpriseWinners(shop.domain, id, db());
    expect(new Set(winners.map((w) => w.memberId)).size).toBe(12);
    expect(winners.every((w) => members.some((m) => m.id === w.memberId) && w.awardedAt)).toBe(true);
    const rows = await db().ledgerEntry.findMany({ where: { shopId: shop.id, kind: "surprise" } });
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.memberId)).size).toBe(12);
    expect(rows.every((r) => r.delta === 250)).toBe(true);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
    // Another sweep, another draw call: nothing changes.
    expect((await runDueSurprises({ db: db() })).surprises).toBe(0);
    expect(await drawSurprise(db(), id, new Date())).toBe(false);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, kind: "surprise" } })).toBe(12);
    expect((await listSurprises(shop.domain, db()))[0]).toMatchObject({ id, status: "done", prize: "250 points", eligibleCount: 30, winnerCount: 12 });
    // Started once: a second start is refused.
    expect(await startSurprise(shop.domain, id, db(), STAFF)).toBe(false);
    expect((await db().auditEvent.findMany({ where: { shopId: shop.id, subjectId: id } })).map((a) => a.action).sort()).toEqual(["surprise.created", "surprise.started"]);
  });

  it("resumes after a crash mid-way and gives nobody a second prize", async () => {
    const { shop } = await shopWithTiers();
    await Promise.all(Array.from({ length: 8 }, () => createMember(db(), shop.id)));
    const given = new Map<string, number>();
    let calls = 0;
    const hooks: SurpriseHooks = {
      // A gift that fails on the 5th winner, once: the process "dies" there.
      gift: async (_tx, { memberId }) => {
        calls++;
        if (calls === 5) throw new Error("worker died");
        given.set(memberId, (given.get(memberId) ?? 0) + 1);
        return { text: "A tote bag" };
      },
    };
    const tote = await createReward(db(), shop.id, "free_product");
    const id = await started(shop.domain, { prizeType: "gift", prizePoints: "", rewardId: tote.id }, hooks);
    const now = new Date();
    const first = await runDueSurprises({ db: db(), hooks, batch: 3, now });
    expect(first.surprises).toBe(1);
    const mid = await db().surprise.findUniqueOrThrow({ where: { id } });
    expect(mid).toMatchObject({ status: "awarding", winnerCount: 8, awardedCount: 4 });
    expect(mid.lastError).toContain("worker died");
    // Two workers resume at once after the backoff: the claims keep them apart.
    const later = new Date(now.getTime() + 10 * 60_000);
    await Promise.all([runDueSurprises({ db: db(), hooks, batch: 3, now: later }), awardNextBatch(db(), id, later, 3, hooks), awardNextBatch(db(), id, later, 3, hooks)]);
    await runDueSurprises({ db: db(), hooks, batch: 3, now: new Date(later.getTime() + 10 * 60_000) });
    expect(await db().surprise.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "done", awardedCount: 8 });
    expect(given.size).toBe(8);
    expect([...given.values()].every((n) => n === 1)).toBe(true);
    expect(await db().occasion.count({ where: { shopId: shop.id, kind: "surprise" } })).toBe(8);
  });
});

describe("surprises: a product gift (0031)", () => {
  it("accepts only the shop's free-product rewards as a gift prize", async () => {
    const { shop } = await shopWithTiers();
    const other = await createTestShop(db());
    const coupon = await createReward(db(), shop.id, "amount_off");
    const foreign = await createReward(db(), other.id, "free_product");
    const refusal = async (fields: Record<string, unknown>) => {
      const error = await createSurprise(shop.domain, form({ prizeType: "gift", prizePoints: "", ...fields }), db(), STAFF).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SurpriseAdminError);
      return (error as SurpriseAdminError).fieldErrors;
    };
    expect(await refusal({})).toEqual({ rewardId: "Choose a product gift" });
    expect(await refusal({ rewardId: coupon.id })).toEqual({ rewardId: "Choose one of your free-product rewards" });
    expect(await refusal({ rewardId: foreign.id })).toEqual({ rewardId: "Choose one of your free-product rewards" });
    expect(await db().surprise.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("gives each winner one gift through the gifts room; a re-run gives nobody a second", async () => {
    const { shop } = await shopWithTiers();
    const members = await Promise.all(Array.from({ length: 6 }, () => createMember(db(), shop.id)));
    // Disabled: out of the points catalogue, still a gift (0031).
    const tote = await createReward(db(), shop.id, "free_product", { enabled: false });
    const id = await started(shop.domain, { prizeType: "gift", prizePoints: "", rewardId: tote.id, mode: "draw", winners: "4" });
    const run = await runDueSurprises({ db: db(), batch: 3 });
    expect(run.surprises).toBe(1);
    expect(run.codes.issued).toBe(0); // gift codes are the gifts job's, not the surprise job's
    expect(await db().surprise.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "done", winnerCount: 4, awardedCount: 4 });
    const winners = await db().surpriseWinner.findMany({ where: { surpriseId: id } });
    const gifts = await db().redemption.findMany({ where: { shopId: shop.id, giftVariantGid: { not: null } } });
    expect(gifts).toHaveLength(4);
    expect(new Set(gifts.map((g) => g.memberId))).toEqual(new Set(winners.map((w) => w.memberId)));
    for (const w of winners) {
      const g = gifts.find((x) => x.memberId === w.memberId)!;
      expect(g).toMatchObject({ requestId: giftRequestId(surpriseKeys.gift(id, w.memberId)), rewardId: tote.id, pointsSpent: 0, status: "issuing", rewardName: "Linen tote bag – Natural" });
      expect(w.redemptionId).toBe(g.id);
    }
    const occasions = await db().occasion.findMany({ where: { shopId: shop.id, kind: "surprise" } });
    expect(occasions).toHaveLength(4);
    expect(occasions.every((o) => JSON.parse(o.data).rewardText === "Linen tote bag – Natural")).toBe(true);
    expect((await listSurprises(shop.domain, db()))[0]!.prize).toBe("Gift: Free tote");
    expect(members.reduce((n, m) => n + (winners.some((w) => w.memberId === m.id) ? 1 : 0), 0)).toBe(4);

    // Re-runs: the sweep again, a batch called directly, the hook itself for a winner.
    expect((await runDueSurprises({ db: db() })).surprises).toBe(0);
    expect((await awardNextBatch(db(), id, new Date(), 10, { gift: surpriseGiftPrize })).awarded).toBe(0);
    await inTransaction(db(), (tx) => surpriseGiftPrize(tx, { shopId: shop.id, surpriseId: id, memberId: winners[0]!.memberId, now: new Date() }));
    expect(await db().redemption.count({ where: { shopId: shop.id, giftVariantGid: { not: null } } })).toBe(4);
    expect(await db().occasion.count({ where: { shopId: shop.id, kind: "surprise" } })).toBe(4);
  });

  it("a gift reward deleted before the run fails the run instead of announcing a gift nobody gets", async () => {
    const { shop } = await shopWithTiers();
    await createMember(db(), shop.id);
    const tote = await createReward(db(), shop.id, "free_product");
    const id = await started(shop.domain, { prizeType: "gift", prizePoints: "", rewardId: tote.id });
    await db().reward.delete({ where: { id: tote.id } });
    await runDueSurprises({ db: db() });
    const s = await db().surprise.findUniqueOrThrow({ where: { id } });
    expect(s.awardedCount).toBe(0);
    expect(s.lastError).toContain("gift reward no longer exists");
    expect(await db().occasion.count({ where: { shopId: shop.id, kind: "surprise" } })).toBe(0);
  });
});

describe("surprises: the audience", () => {
  it("matches tiers and an order within N days, active members only; the preview counts the same", async () => {
    const { shop, silver, gold } = await shopWithTiers();
    const now = Date.now();
    const silverRecent = await createMember(db(), shop.id, { tierId: silver.id, lastOrderAt: new Date(now - 5 * DAY) });
    const goldRecent = await createMember(db(), shop.id, { tierId: gold.id, lastOrderAt: new Date(now - 20 * DAY) });
    await createMember(db(), shop.id, { tierId: gold.id, lastOrderAt: new Date(now - 90 * DAY) }); // too long ago
    await createMember(db(), shop.id, { tierId: gold.id, lastOrderAt: null }); // never ordered
    await createMember(db(), shop.id, { tierId: null, lastOrderAt: new Date(now - DAY) }); // no tier
    await createMember(db(), shop.id, { tierId: silver.id, lastOrderAt: new Date(now - DAY), status: "excluded" });
    const audience = { tierIds: [silver.id, gold.id], orderedWithinDays: 30 };
    expect(await previewAudience(shop.domain, audience, db())).toEqual({ ok: true, count: 2 });
    expect(await previewAudience(shop.domain, { tierIds: [gold.id] }, db())).toEqual({ ok: true, count: 3 });
    expect(await previewAudience(shop.domain, { orderedWithinDays: 30 }, db())).toEqual({ ok: true, count: 3 });
    const id = await started(shop.domain, { tierIds: [silver.id, gold.id], orderedWithinDays: "30" });
    await runDueSurprises({ db: db() });
    expect((await surpriseWinners(shop.domain, id, db())).map((w) => w.memberId).sort()).toEqual([silverRecent.id, goldRecent.id].sort());
  });
});

describe("surprises: what they bought (the catalogue)", () => {
  it("matches members with a paid order of a product type or from a collection; both given, both must hold", async () => {
    const { shop } = await shopWithTiers();
    const now = new Date();
    const product = (n: number, productType: string) => ({ shopId: shop.id, productGid: `gid://shopify/Product/${n}`, title: `P${n}`, productType, syncedAt: now });
    await db().catalogProduct.createMany({ data: [product(1, "Coffee"), product(2, "Tea"), product(3, "Candle")] });
    await db().catalogMembership.createMany({ data: [{ shopId: shop.id, productGid: "gid://shopify/Product/1", collectionGid: "gid://shopify/Collection/9" }, { shopId: shop.id, productGid: "gid://shopify/Product/3", collectionGid: "gid://shopify/Collection/9" }] });
    let n = 0;
    const bought = async (memberId: string, productNumber: number, state: { paid?: boolean; cancelled?: boolean } = {}) => {
      const orderGid = `gid://shopify/Order/${shop.id}-${++n}`;
      await db().orderRecord.create({ data: { shopId: shop.id, orderGid, memberId, currencyCode: "EUR", stateUpdatedAt: now, paid: state.paid ?? true, cancelled: state.cancelled ?? false } });
      await db().orderLine.create({ data: { shopId: shop.id, orderGid, lineItemId: String(n), productGid: `gid://shopify/Product/${productNumber}`, quantity: 1, currentQuantity: 1, amountMinor: 500n } });
    };
    const coffee = await createMember(db(), shop.id);
    const candle = await createMember(db(), shop.id);
    const tea = await createMember(db(), shop.id);
    const cancelled = await createMember(db(), shop.id);
    await bought(coffee.id, 1);
    await bought(candle.id, 3);
    await bought(tea.id, 2);
    await bought(cancelled.id, 1, { cancelled: true });
    expect(await previewAudience(shop.domain, { productTypes: ["coffee"] }, db())).toEqual({ ok: true, count: 1 });
    expect(await previewAudience(shop.domain, { collectionIds: ["gid://shopify/Collection/9"] }, db())).toEqual({ ok: true, count: 2 });
    expect(await previewAudience(shop.domain, { productTypes: ["Coffee", "Tea"], collectionIds: ["gid://shopify/Collection/9"] }, db())).toEqual({ ok: true, count: 1 });
    const id = await started(shop.domain, { collectionIds: ["gid://shopify/Collection/9"] });
    await runDueSurprises({ db: db() });
    expect((await surpriseWinners(shop.domain, id, db())).map((w) => w.memberId).sort()).toEqual([coffee.id, candle.id].sort());
  });
});

class Outbox implements MailTransport {
  sent: OutgoingEmail[] = [];
  async sendMail(mail: OutgoingEmail) {
    this.sent.push(mail);
    return { messageId: `<${this.sent.length}@test>` };
  }
}

describe("surprises: the announcement", () => {
  it("gives a reward code free (pointsSpent 0), shows it once in the widget and emails the winners", async () => {
    const emulator = new AdminEmulator(loadAdminSchema());
    const { shop } = await shopWithTiers();
    emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    const winner = await createMember(db(), shop.id, { email: "winner@example.com", firstName: "Aino", customerGid: "gid://shopify/Customer/9007199254999001" });
    const reward = await createReward(db(), shop.id, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n });
    const issued: string[] = [];
    const gatewayFor: GatewayFor = async () => ({ findDiscount: async () => null, issueDiscount: async (spec: { code: string }) => (issued.push(spec.code), { discountGid: `gid://shopify/DiscountCodeNode/${issued.length}`, code: spec.code }) }) as unknown as ReferralGateway;
    const id = await started(shop.domain, { prizeType: "reward", prizePoints: "", rewardId: reward.id });
    const run = await runDueSurprises({ db: db(), gatewayFor });
    expect(run.codes).toEqual({ issued: 1, retrying: 0, dead: 0 });
    const redemption = await db().redemption.findFirstOrThrow({ where: { memberId: winner.id } });
    expect(redemption).toMatchObject({ pointsSpent: 0, status: "issued", rewardId: reward.id, requestId: `surprise:${id}:${winner.id}` });
    expect(issued).toEqual([redemption.code]);
    expect((await db().member.findUniqueOrThrow({ where: { id: winner.id } })).points).toBe(0);

    const view = await getCustomerView(shop.domain, winner.customerGid, db());
    expect(view.customer?.surprises).toEqual([{ id: expect.any(String), name: "Free coffee Friday", points: null, rewardText: "5 € off (5.00 EUR off)", code: redemption.code }]);
    const customerId = winner.customerGid.split("/").pop()!;
    const query = signProxyQuery({ shop: shop.domain, path_prefix: "/apps/kanta", logged_in_customer_id: customerId }, TEST_SECRET).toString();
    const seen = await fetch(`${server().url}/proxy/surprise-seen?${query}`, { method: "POST", body: JSON.stringify({ id: view.customer!.surprises[0]!.id }) });
    expect(await seen.json()).toEqual({ seen: true });
    expect((await getCustomerView(shop.domain, winner.customerGid, db())).customer?.surprises).toEqual([]);
    const unsigned = await fetch(`${server().url}/proxy/surprise-seen?shop=${shop.domain}&logged_in_customer_id=${customerId}`, { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(401);

    const outbox = new Outbox();
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor: async (domain: string) => emulator.client(domain) });
    const mail = outbox.sent.find((m) => m.to === "winner@example.com");
    expect(mail?.subject).toBe("A surprise for you, Aino");
    expect(mail?.text).toContain("Free coffee Friday");
    expect(mail?.text).toContain(redemption.code!);
  });

  it("announces a points prize to every winner and to nobody else", async () => {
    const { shop } = await shopWithTiers();
    const members = await Promise.all(Array.from({ length: 6 }, (_, i) => createMember(db(), shop.id, { email: `m${i}@example.com` })));
    const id = await started(shop.domain, { mode: "draw", winners: "2" });
    await runDueSurprises({ db: db() });
    const winners = new Set((await surpriseWinners(shop.domain, id, db())).map((w) => w.memberId));
    for (const m of members) {
      const view = await getCustomerView(shop.domain, m.customerGid, db());
      expect(view.customer?.surprises.length).toBe(winners.has(m.id) ? 1 : 0);
      if (winners.has(m.id)) expect(view.customer?.surprises[0]).toMatchObject({ points: 250, code: null });
    }
  });
});
