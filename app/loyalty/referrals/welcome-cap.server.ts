import type { Db, Tx } from "../../db.server";
import { localDate, safeTimeZone, zonedToUtc } from "../program/zoned-time";

// The shop-wide daily cap on friend welcome codes (ReferralSettings.friendDailyCap): counted
// from Referral.friendCodeAt since the start of the shop's day, and checked under a lock on
// the shop's Program row, so concurrent claims cannot together go over it.
// docs/decisions/0013-abuse-limits.md

/** The start of `now`'s day in the shop's time zone. */
export function startOfShopDay(now: Date, timeZone: string): Date {
  const zone = safeTimeZone(timeZone);
  const { year, monthIndex, day } = localDate(now, zone);
  return zonedToUtc(zone, year, monthIndex, day);
}

/** Welcome codes reserved today (shop-local day). */
export async function countWelcomeCodesToday(db: Db | Tx, shopId: string, timeZone: string, now: Date): Promise<number> {
  return db.referral.count({ where: { shopId, friendCodeAt: { gte: startOfShopDay(now, timeZone) } } });
}

/**
 * Holds the shop's Program row until the transaction ends (a no-op write: a row lock on
 * PostgreSQL, the write lock on SQLite). Claims of one shop queue here; other shops don't.
 */
export async function lockShopProgram(tx: Tx, shopId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "Program" SET "shopId" = "shopId" WHERE "shopId" = ${shopId}`;
}
