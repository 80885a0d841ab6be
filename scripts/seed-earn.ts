// Demo campaigns for local mode's shop (Ways to earn → Campaigns): a double-points weekend
// and a week for the top tiers, both in the future so the seeded orders earn at the plain
// rate. Call seedEarn(db, shopId) from scripts/seed.ts after the shop exists. Idempotent:
// does nothing when the shop has any campaign.
import type { Db } from "../app/db.server";
import { addDaysToDate, utcToZonedDateTime, zonedDateTimeToUtc } from "../app/loyalty/program/zoned-time";

export async function seedEarn(db: Db, shopId: string, now = new Date()): Promise<void> {
  if ((await db.campaign.count({ where: { shopId } })) > 0) return;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { ianaTimezone: true } });
  const zone = shop.ianaTimezone;
  const today = utcToZonedDateTime(now, zone).date;
  // The coming Friday (a week later if today is Friday), shop-local.
  const weekday = new Date(`${today}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  const friday = addDaysToDate(today, ((5 - weekday + 7) % 7) || 7);
  const at = (date: string, time: string) => zonedDateTimeToUtc(date, time, zone)!;
  await db.campaign.createMany({
    data: [
      { shopId, name: "Double points weekend", multiplierPermille: 2000, startsAt: at(friday, "18:00"), endsAt: at(addDaysToDate(friday, 3), "00:00") },
      { shopId, name: "Gold & Platinum week", multiplierPermille: 1500, startsAt: at(addDaysToDate(friday, 10), "00:00"), endsAt: at(addDaysToDate(friday, 17), "00:00"), tierRanks: "2,3" },
    ],
  });
}
