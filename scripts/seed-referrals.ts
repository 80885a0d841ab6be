// Referrals for local mode's demo shop: the program on (friends get 10% off, members get
// 500 points), Aino's referral code, and three referrals made through the same domain code
// as the storefront and webhooks: a completed one (a guest friend's paid order), one held
// for the merchant (the link was opened by Aino herself, signed in) and a plain visit.
// Idempotent: a shop that has referrals already is left alone.
import type { PrismaClient } from "@prisma/client";
import { applyOrderSnapshot } from "../app/loyalty/orders/orders.server";
import { DEFAULT_REFERRAL_SETTINGS, parseReferralSettings, serializeReferralSettings } from "../app/loyalty/referrals/settings";
import { applyReferralForOrder } from "../app/loyalty/referrals/completion.server";
import { ensureReferralCode } from "../app/loyalty/referrals/codes.server";
import { recordReferralVisit } from "../app/loyalty/referrals/visits.server";
import { toOrderSnapshot } from "../app/webhooks/payloads";
import { orderPayload } from "../tests/fixtures/payloads";

export const DEMO_REFERRER_CUSTOMER_ID = "7390000001001"; // Aino

export async function seedReferrals(db: PrismaClient, shopId: string): Promise<void> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { program: true } });
  const settings = parseReferralSettings(shop.program?.referralSettings);
  if (!settings.enabled && shop.program?.referralSettings === "{}") {
    await db.program.update({ where: { shopId }, data: { referralSettings: serializeReferralSettings({ ...DEFAULT_REFERRAL_SETTINGS, enabled: true }) } });
  }
  const referrer = await db.member.findUnique({
    where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${DEMO_REFERRER_CUSTOMER_ID}` } },
  });
  if (!referrer) return;
  const code = await ensureReferralCode(db, referrer.id);
  if ((await db.referral.count({ where: { shopId } })) > 0) return;

  const now = Date.now();
  const friends = [
    { order: "5550000008001", email: "lumi.friend@example.com", amount: "64.00", visitor: null },
    { order: "5550000008002", email: "shared.device@example.com", amount: "42.00", visitor: referrer.customerGid },
  ];
  for (const [i, friend] of friends.entries()) {
    const visit = await recordReferralVisit({ shopDomain: shop.domain, code, visitorCustomerGid: friend.visitor, userAgent: null }, db);
    if (!visit?.token) continue;
    const at = new Date(now - (10 - i) * 60_000).toISOString();
    // Guest orders: the friends are not members, so the demo's member list stays as it was.
    const payload = orderPayload({
      id: friend.order,
      customerId: null,
      lines: [{ price: friend.amount }],
      updatedAt: at,
      processedAt: at,
      email: friend.email,
      noteAttributes: { kanta_ref: visit.token },
    });
    const snapshot = toOrderSnapshot(JSON.parse(JSON.stringify(payload)));
    await applyOrderSnapshot(db, shop.domain, snapshot, { paidSignal: true });
    await applyReferralForOrder(db, shop.domain, snapshot, new Date());
  }
  await recordReferralVisit({ shopDomain: shop.domain, code, visitorCustomerGid: null, userAgent: null }, db);
}
