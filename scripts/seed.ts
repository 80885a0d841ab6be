// Seeds local mode's demo shop: kanta-demo.myshopify.com (EUR, Europe/Helsinki), a live
// program (1 point per 1 €, 100 points for joining), the default tiers, and a few
// customers whose points come from real order events through the domain (so the ledger is
// genuine). Idempotent: running it again changes nothing.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { createPrismaClient } from "../app/db.server";
import { applyOrderSnapshot, applyRefund } from "../app/loyalty/orders/orders.server";
import { enrollMember } from "../app/loyalty/members/enrol.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { requireShopConfig } from "../app/loyalty/program/shop-config.server";
import { inTransaction } from "../app/loyalty/tx.server";
import { toCustomerFacts, toOrderSnapshot, toRefundSnapshot } from "../app/webhooks/payloads";
import { customerPayload, lineId, orderPayload, refundPayload } from "../tests/fixtures/payloads";
import { DEMO_SHOP } from "../app/local/demo-shop";
import { seedEarn } from "./seed-earn";
import { seedReferrals } from "./seed-referrals";
import { seedRewards } from "./seed-rewards";
import { seedGifts } from "./seed-gifts";
import { seedAnalytics } from "./seed-analytics";
import { quietly } from "../app/loyalty/notify/occasions.server";
import { requestEnrolment } from "../app/loyalty/members/existing-customers.server";
import { requestCatalogSync } from "../app/loyalty/catalog/catalog.server";

/** The demo orders are placed just before seeding, so they count towards this year's tiers. */
const seededAt = Date.now();
const minutesAgo = (minutes: number) => new Date(seededAt - minutes * 60_000).toISOString();

export const DEMO_CUSTOMERS = [
  { id: "7390000001001", firstName: "Aino", lastName: "Virtanen", email: "aino@example.com" },
  { id: "7390000001002", firstName: "Mikkel", lastName: "Jensen", email: "mikkel@example.com" },
  { id: "7390000001003", firstName: "Elsa", lastName: "Lindqvist", email: "elsa@example.com" },
  { id: "7390000001004", firstName: "Onni", lastName: "Korhonen", email: "onni@example.com" },
];

async function main() {
  const url = process.env.DATABASE_URL ?? "file:./prisma/local.db";
  const db = createPrismaClient(url);
  try {
    const shop = await ensureShop(db, {
      domain: DEMO_SHOP.myshopifyDomain,
      name: DEMO_SHOP.name,
      currencyCode: DEMO_SHOP.currencyCode,
      ianaTimezone: DEMO_SHOP.ianaTimezone,
      primaryLocale: "fi",
    });
    await db.program.updateMany({ where: { shopId: shop.id, status: "draft" }, data: { status: "live" } });
    const full = await requireShopConfig(db, shop.domain);
    for (const c of DEMO_CUSTOMERS) {
      const facts = toCustomerFacts(JSON.parse(JSON.stringify(customerPayload({ ...c, updatedAt: "2026-10-01T09:00:00Z" }))));
      await inTransaction(db, (tx) => enrollMember(tx, full, facts));
    }
    const orders = [
      { id: "5550000002001", customer: DEMO_CUSTOMERS[0]!.id, lines: [{ price: "89.90", productId: "8812000000005" }, { price: "24.50", quantity: 2, productId: "8812000000002" }], at: minutesAgo(4) },
      { id: "5550000002002", customer: DEMO_CUSTOMERS[1]!.id, lines: [{ price: "120.00", productId: "8812000000006" }], at: minutesAgo(3) },
      { id: "5550000002003", customer: DEMO_CUSTOMERS[2]!.id, lines: [{ price: "349.00", discount: "35.00" }], at: minutesAgo(2) },
      { id: "5550000002004", customer: DEMO_CUSTOMERS[0]!.id, lines: [{ price: "45.00" }, { price: "50.00", giftCard: true }], at: minutesAgo(1) },
    ];
    for (const o of orders) {
      const payload = orderPayload({ id: o.id, customerId: o.customer, lines: o.lines, updatedAt: o.at, processedAt: o.at });
      await applyOrderSnapshot(db, shop.domain, toOrderSnapshot(payload), { paidSignal: true });
    }
    // One partial refund, so the ledger shows a reversal.
    const refund = refundPayload({
      id: "6660000003001",
      orderId: "5550000002001",
      createdAt: minutesAgo(0),
      lines: [{ lineItemId: lineId("5550000002001", 1), quantity: 1, subtotal: "24.50" }],
    });
    await applyRefund(db, shop.domain, toRefundSnapshot(refund));
    await seedRewards(db, shop.id);
    await seedActionRules(db, shop.id);
    await seedReferrals(db, shop.id);
    await seedEarn(db, shop.id);
    await seedGifts(db, shop.id, `gid://shopify/Customer/${DEMO_CUSTOMERS[2]!.id}`);
    // A year of made-up history: recorded, but not emailed (/local/mail shows what happens from now on).
    await quietly(() => seedAnalytics(db, shop.domain));
    await enrolExistingCustomers(db, shop.id, shop.domain);
    // The demo catalogue (products, the "Candles" collection): the server's job sweep reads it from its emulator.
    if (!(await db.catalogSync.findUnique({ where: { shopId: shop.id } }))) await requestCatalogSync(db, shop.id, new Date());
    const members = await db.member.count({ where: { shopId: shop.id } });
    console.log(`  demo shop ${shop.domain}: ${members} members`);
  } finally {
    await db.$disconnect();
  }
}

/**
 * The shop's customers from before Kanta (the emulator's, app/local/demo-shop.ts): their
 * enrolment is queued as a fresh install queues it, and the server's job sweep runs it
 * against its emulator within seconds of starting (the seeds do not wait for it: local
 * mode starts as fast as before). Wholesale excluded, the last 60 days' orders counted for
 * tiers; no points, no sign-up bonus (the defaults). Once: a shop that has a run keeps it.
 */
async function enrolExistingCustomers(db: ReturnType<typeof createPrismaClient>, shopId: string, domain: string) {
  if ((await db.enrolmentRun.count({ where: { shopId } })) > 0) return;
  await db.program.update({ where: { shopId }, data: { excludedTags: "wholesale", enrolOrderDays: 60, enrolAwardPoints: false, enrolSignupBonus: false } });
  await requestEnrolment(db, domain, { trigger: "install", actor: "system" });
  console.log("  existing customers: enrolment queued (the server runs it; see Settings)");
}

/**
 * "Ways to earn" beyond purchase and sign-up: the bonus actions the widget lets a shopper
 * claim (the TikTok follow is the seeds' LIVELY example), and a review shown for
 * information. Skipped when the shop has any of these types already.
 */
async function seedActionRules(db: ReturnType<typeof createPrismaClient>, shopId: string) {
  const types = ["social_follow", "newsletter", "birthday", "review"];
  if ((await db.earningRule.count({ where: { shopId, type: { in: types } } })) > 0) return;
  await db.earningRule.createMany({
    data: [
      { shopId, type: "social_follow", name: "Follow us on Instagram", points: 10, limit: "once", config: JSON.stringify({ network: "instagram", url: "https://www.instagram.com/shopify/" }) },
      { shopId, type: "social_follow", name: "Follow us on TikTok", points: 10, limit: "once", config: JSON.stringify({ network: "tiktok", url: "https://www.tiktok.com/@shopify" }) },
      { shopId, type: "newsletter", name: "Sign up for our newsletter", points: 25, limit: "once" },
      { shopId, type: "birthday", name: "Birthday bonus", points: 100, limit: "once_per_year" },
      { shopId, type: "review", name: "Write a review", points: 10, limit: "unlimited" },
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
