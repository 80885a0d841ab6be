// The demo shop's rewards catalogue: one of every type the admin offers. The first four are
// the seeds' own examples (LIVELY's 100 points = 10 €, 100% Pure's 15% off for 200 points);
// the free product is one of the Admin API emulator's demo products (DEMO_PRODUCTS), and
// "Use your points" lets a shopper choose how many points to turn into money off.
// Idempotent: a reward whose name the shop already has is left alone.
import type { Db } from "../app/db.server";
import { DEMO_PRODUCTS, demoProductImageUrl } from "../app/local/demo-shop";

const tote = DEMO_PRODUCTS.find((p) => p.title === "Linen tote bag")!;

export async function seedRewards(db: Db, shopId: string): Promise<void> {
  const rewards = [
    { type: "amount_off", name: "10 € off", pointsCost: 1000, valueMinor: 1000n, minOrderMinor: 3000n, expiryDays: 90 },
    { type: "percent_off", name: "15% off your order", pointsCost: 200, percentOff: 15, expiryDays: 30 },
    { type: "free_shipping", name: "Free shipping", pointsCost: 300, expiryDays: 30 },
    { type: "amount_off", name: "5 € off", pointsCost: 500, valueMinor: 500n, expiryDays: 90 },
    {
      type: "free_product",
      name: "Free linen tote bag",
      pointsCost: 800,
      productVariantGid: tote.variants[0]!.id,
      expiryDays: 60,
      minTierRank: 1,
      // The price makes its code free exactly one unit (docs/decisions/0031-gifts.md); the image is local mode's.
      config: JSON.stringify({ productTitle: `${tote.title} – ${tote.variants[0]!.title}`, priceMinor: 2450, imageUrl: demoProductImageUrl(tote.variants[0]!.id) }),
    },
    {
      type: "points_to_money",
      name: "Use your points",
      pointsCost: 100,
      expiryDays: 30,
      config: JSON.stringify({ pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 }),
    },
  ];
  const existing = new Set((await db.reward.findMany({ where: { shopId }, select: { name: true } })).map((r) => r.name));
  const missing = rewards.filter((r) => !existing.has(r.name));
  if (missing.length) await db.reward.createMany({ data: missing.map((r) => ({ shopId, ...r })) });
}
