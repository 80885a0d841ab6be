// Gifts in the demo shop (docs/decisions/0031-gifts.md): a sign-up gift (LEGO's "a gift on
// sign-up": a birch soap bar, not in the points catalogue) and seed 003's "a small gift every
// 4th order". Elsa joined after the sign-up gift was set, so she has one: the server's gift
// sweep makes its code in the Admin API emulator within seconds of starting, and her widget
// shows it under "Your gifts". Idempotent: does nothing when the shop has the gift reward.
import type { Db } from "../app/db.server";
import { DEMO_PRODUCTS, demoProductImageUrl } from "../app/local/demo-shop";
import { ledgerKeys } from "../app/loyalty/ledger/entries";
import { grantGift } from "../app/loyalty/rewards/gifts.server";
import { inTransaction } from "../app/loyalty/tx.server";

const soap = DEMO_PRODUCTS.find((p) => p.title === "Birch soap bar")!;

export async function seedGifts(db: Db, shopId: string, elsaGid: string, now = new Date()): Promise<void> {
  if ((await db.reward.count({ where: { shopId, name: "Welcome gift: birch soap" } })) > 0) return;
  const variant = soap.variants[0]!;
  const reward = await db.reward.create({
    data: {
      shopId,
      type: "free_product",
      name: "Welcome gift: birch soap",
      pointsCost: 1000,
      productVariantGid: variant.id,
      expiryDays: 60,
      enabled: false, // a gift only, not in the points catalogue
      config: JSON.stringify({ productTitle: soap.title, priceMinor: Math.round(Number(variant.price) * 100), imageUrl: demoProductImageUrl(variant.id) }),
    },
  });
  await db.earningRule.updateMany({ where: { shopId, type: "signup" }, data: { config: JSON.stringify({ giftRewardId: reward.id }) } });
  await db.earningRule.create({
    data: { shopId, type: "nth_order", name: "Every 4th order", points: 50, limit: "unlimited", config: JSON.stringify({ every: 4, giftRewardId: reward.id }) },
  });
  const elsa = await db.member.findFirst({ where: { shopId, customerGid: elsaGid }, select: { id: true } });
  if (elsa) await inTransaction(db, (tx) => grantGift(tx, { shopId, memberId: elsa.id, rewardId: reward.id, sourceKey: ledgerKeys.signup(elsaGid), now }));
}
