import type { Db, Tx } from "../../db.server";
import { log } from "../../log.server";
import { appendLedgerEntriesOnce } from "../ledger/append.server";
import type { LedgerEntryInput } from "../ledger/entries";
import { occasionKey } from "../notify/occasions";
import { recordOccasion } from "../notify/occasions.server";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { zonedToUtc } from "../program/zoned-time";
import { upgradeMemberTier } from "../tiers/moves.server";
import { inTransaction } from "../tx.server";
import { grantGift } from "../rewards/gifts.server";
import { readStoredRuleConfig as readRuleConfig } from "../earn/actions";
import {
  birthdayLedgerKey,
  dateText,
  datesAfter,
  inactivityExpiryAt,
  isLeapYear,
  lastActivityCutoffFor,
  parseDateText,
  shopDate,
  yearlyDatesCelebratedOn,
} from "./birthday";

// The date-driven occasions (docs/decisions/0023-dates-and-reminders.md): birthdays (with
// their points), membership anniversaries, win-back after N days without an order, and
// "your points expire in N days". One periodic task (app/jobs/tasks.server.ts) runs every
// shop's four sweeps.
//
// Set-based, for a million members: each sweep remembers how far it got (DateSweep) and
// asks only for the members that came due since, by an indexed range (birthday month and
// day, enrolledAt, lastOrderAt, lastActivityAt), in keyset pages. Nothing loops over every
// member. Exactly once: every occasion has a key (unique per shop, recordOccasion is
// idempotent) and the birthday points a ledger key, so a sweep that dies half-way and runs
// again adds nothing twice; the mark moves only after a sweep finished.
//
// A sweep catches up at most CATCH_UP_DAYS after downtime; the first sweep of a shop (or
// of a setting just turned on) starts at today, never at the members' history.

export const CATCH_UP_DAYS = 3;
const DAY_MS = 86_400_000;
const PAGE = 500;

export type SweepKind = "birthday" | "anniversary" | "winback" | "points_expiring";

export interface DateSweepResult {
  shops: number;
  birthdays: number;
  birthdayPoints: number;
  anniversaries: number;
  winbacks: number;
  expiryReminders: number;
}

interface SweepShop {
  id: string;
  domain: string;
  ianaTimezone: string;
  program: { expiryMonths: number | null; expiryReminderDays: number | null; winbackDays: number | null };
}

export async function runDateSweeps(db: Db, options: { now?: Date; shopId?: string } = {}): Promise<DateSweepResult> {
  const now = options.now ?? new Date();
  const result: DateSweepResult = { shops: 0, birthdays: 0, birthdayPoints: 0, anniversaries: 0, winbacks: 0, expiryReminders: 0 };
  const shops = await db.shop.findMany({
    where: { uninstalledAt: null, program: { status: "live" }, ...(options.shopId ? { id: options.shopId } : {}) },
    select: { id: true, domain: true, ianaTimezone: true, program: { select: { expiryMonths: true, expiryReminderDays: true, winbackDays: true } } },
  });
  for (const shop of shops) {
    if (!shop.program) continue;
    const s = shop as SweepShop;
    result.shops++;
    const birthdays = await sweepBirthdays(db, s, now);
    result.birthdays += birthdays.members;
    result.birthdayPoints += birthdays.points;
    result.anniversaries += await sweepAnniversaries(db, s, now);
    result.winbacks += await sweepWinback(db, s, now);
    result.expiryReminders += await sweepExpiryReminders(db, s, now);
  }
  if (result.birthdays + result.anniversaries + result.winbacks + result.expiryReminders > 0) log.info("date occasions", { ...result });
  return result;
}

// ---- the sweep marks ----

async function readMark(db: Db, shopId: string, kind: SweepKind): Promise<string | null> {
  const row = await db.dateSweep.findUnique({ where: { shopId_kind: { shopId, kind } }, select: { through: true } });
  return row?.through ?? null;
}

async function writeMark(db: Db, shopId: string, kind: SweepKind, through: string): Promise<void> {
  await db.dateSweep.upsert({ where: { shopId_kind: { shopId, kind } }, create: { shopId, kind, through }, update: { through } });
}

/** Runs `page` over keyset pages of member ids until a page comes back short. */
async function forPages(fetch: (after: string | null) => Promise<string[]>, page: (ids: string[]) => Promise<void>): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const ids = await fetch(after);
    if (ids.length === 0) return;
    await page(ids);
    if (ids.length < PAGE) return;
    after = ids[ids.length - 1]!;
  }
}

// ---- birthdays ----

/**
 * Each shop-local date since the last sweep (today at first): the members whose birthday it
 * is (29 February on 28 February in other years) get the birthday points, once per member
 * per year (`birthday:<member>:<year>`), and the `birthday` occasion. The points are the
 * enabled birthday rule's, or the member's tier's birthday points where the tier sets them
 * (0008). Only birthdays given before the day began count, so typing today's date into the
 * widget does not pay at once. A member who claimed the birthday bonus the old way this
 * year (`action:<rule>:<customer>:<year>`) is not paid again.
 */
async function sweepBirthdays(db: Db, shop: SweepShop, now: Date): Promise<{ members: number; points: number }> {
  const today = dateText(shopDate(now, shop.ianaTimezone));
  const through = await readMark(db, shop.id, "birthday");
  if (through === today) return { members: 0, points: 0 };
  const out = { members: 0, points: 0 };
  const ruleRow = await db.earningRule.findFirst({
    where: { shopId: shop.id, type: "birthday", enabled: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true, points: true, config: true },
  });
  const rule = ruleRow ? { ...ruleRow, giftRewardId: readRuleConfig(ruleRow.config).giftRewardId ?? null } : null;
  const config = await requireShopConfig(db, shop.domain);
  for (const text of datesAfter(through, today, through === null ? 1 : CATCH_UP_DAYS)) {
    const date = parseDateText(text)!;
    const dayStart = zonedToUtc(shop.ianaTimezone, date.year, date.month - 1, date.day);
    const pairs = yearlyDatesCelebratedOn(date);
    await forPages(
      async (after) =>
        (
          await db.member.findMany({
            where: {
              shopId: shop.id,
              status: "active",
              OR: pairs.map((p) => ({ birthMonth: p.month, birthDay: p.day })),
              birthdaySetAt: { lt: dayStart },
              ...(after ? { id: { gt: after } } : {}),
            },
            orderBy: { id: "asc" },
            take: PAGE,
            select: { id: true },
          })
        ).map((m) => m.id),
      async (ids) => {
        const paid = await inTransaction(db, (tx) => celebrateBirthdays(tx, shop, config, rule, ids, date, now));
        out.members += paid.members;
        out.points += paid.points;
      },
    );
  }
  await writeMark(db, shop.id, "birthday", today);
  return out;
}

async function celebrateBirthdays(
  tx: Tx,
  shop: SweepShop,
  config: ShopConfig,
  rule: { id: string; name: string; points: number; giftRewardId: string | null } | null,
  ids: string[],
  date: { year: number; month: number; day: number },
  now: Date,
): Promise<{ members: number; points: number }> {
  const members = await tx.member.findMany({
    where: { id: { in: ids }, status: "active" },
    select: { id: true, customerGid: true, tierId: true, email: true, birthMonth: true, birthDay: true },
  });
  const oldClaims = rule
    ? new Set(
        (
          await tx.ledgerEntry.findMany({
            where: { shopId: shop.id, idempotencyKey: { in: members.map((m) => `action:${rule.id}:${m.customerGid}:${date.year}`) } },
            select: { memberId: true },
          })
        ).map((e) => e.memberId),
      )
    : new Set<string>();
  const entries: LedgerEntryInput[] = [];
  const pointsOf = new Map<string, number>();
  for (const m of members) {
    const tierPoints = config.tiers.find((t) => t.id === m.tierId)?.perks.birthdayPoints ?? null;
    const points = rule && rule.points > 0 && !oldClaims.has(m.id) ? (tierPoints ?? rule.points) : 0;
    pointsOf.set(m.id, points);
    if (points > 0) {
      entries.push({
        shopId: shop.id,
        memberId: m.id,
        delta: points,
        kind: "action_bonus",
        idempotencyKey: birthdayLedgerKey(m.id, date.year),
        sourceGid: rule!.id,
        note: rule!.name,
      });
    }
  }
  const inserted = await appendLedgerEntriesOnce(tx, entries, now);
  // The birthday gift (0031): the tier's where it sets one, else the birthday rule's; keyed
  // like the birthday points, once per member and year.
  for (const m of members) {
    const gift = config.tiers.find((t) => t.id === m.tierId)?.perks.birthdayGiftRewardId ?? rule?.giftRewardId ?? null;
    if (gift && !oldClaims.has(m.id)) await grantGift(tx, { shopId: shop.id, memberId: m.id, rewardId: gift, sourceKey: birthdayLedgerKey(m.id, date.year), now });
  }
  if (inserted > 0 && config.program.tierBasis === "points") {
    for (const e of entries) await upgradeMemberTier(tx, config, e.memberId, { now });
  }
  let recorded = 0;
  for (const m of members) {
    const points = pointsOf.get(m.id) ?? 0;
    const { recorded: created } = await recordOccasion(tx, {
      shopId: shop.id,
      memberId: m.id,
      kind: "birthday",
      key: occasionKey("birthday", m.id, date.year),
      data: { points },
    });
    if (created) recorded++;
  }
  return { members: recorded, points: entries.reduce((sum, e) => sum + e.delta, 0) };
}

// ---- anniversaries ----

/**
 * Each shop-local date since the last sweep: members who enrolled on this month and day in
 * an earlier year (29 February on 28 February in other years) get the `anniversary`
 * occasion, once per year (`anniversary:<member>:<year>`). One indexed range of enrolledAt
 * per earlier year.
 */
async function sweepAnniversaries(db: Db, shop: SweepShop, now: Date): Promise<number> {
  const today = dateText(shopDate(now, shop.ianaTimezone));
  const through = await readMark(db, shop.id, "anniversary");
  if (through === today) return 0;
  const first = await db.member.findFirst({ where: { shopId: shop.id }, orderBy: { enrolledAt: "asc" }, select: { enrolledAt: true } });
  let count = 0;
  if (first) {
    const firstYear = shopDate(first.enrolledAt, shop.ianaTimezone).year;
    for (const text of datesAfter(through, today, through === null ? 1 : CATCH_UP_DAYS)) {
      const date = parseDateText(text)!;
      const ranges: { gte: Date; lt: Date; year: number }[] = [];
      for (let year = firstYear; year < date.year; year++) {
        for (const p of yearlyDatesCelebratedOn(date)) {
          if (p.month === 2 && p.day === 29 && !isLeapYear(year)) continue;
          ranges.push({ gte: zonedToUtc(shop.ianaTimezone, year, p.month - 1, p.day), lt: zonedToUtc(shop.ianaTimezone, year, p.month - 1, p.day + 1), year });
        }
      }
      if (ranges.length === 0) continue;
      await forPages(
        async (after) =>
          (
            await db.member.findMany({
              where: { shopId: shop.id, status: "active", OR: ranges.map((r) => ({ enrolledAt: { gte: r.gte, lt: r.lt } })), ...(after ? { id: { gt: after } } : {}) },
              orderBy: { id: "asc" },
              take: PAGE,
              select: { id: true },
            })
          ).map((m) => m.id),
        async (ids) => {
          count += await inTransaction(db, async (tx) => {
            const members = await tx.member.findMany({ where: { id: { in: ids } }, select: { id: true, enrolledAt: true } });
            let n = 0;
            for (const m of members) {
              const years = date.year - shopDate(m.enrolledAt, shop.ianaTimezone).year;
              if (years < 1) continue;
              const { recorded } = await recordOccasion(tx, { shopId: shop.id, memberId: m.id, kind: "anniversary", key: occasionKey("anniversary", m.id, date.year), data: { years } });
              if (recorded) n++;
            }
            return n;
          });
        },
      );
    }
  }
  await writeMark(db, shop.id, "anniversary", today);
  return count;
}

// ---- win-back ----

/**
 * Members whose newest paid order became `winbackDays` days old since the last sweep get
 * the `winback` occasion, once per stretch without an order: the key names the order's
 * time (`winback:<member>:<lastOrderAt>`), so only a new order starts a new stretch.
 */
async function sweepWinback(db: Db, shop: SweepShop, now: Date): Promise<number> {
  const days = shop.program.winbackDays;
  if (!days || days <= 0) return 0;
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const through = await readMark(db, shop.id, "winback");
  const floor = cutoff.getTime() - (through === null ? DAY_MS : CATCH_UP_DAYS * DAY_MS);
  const lower = new Date(Math.max(floor, through ? Date.parse(through) : floor));
  if (lower.getTime() >= cutoff.getTime()) return 0;
  let count = 0;
  await forPages(
    async (after) =>
      (
        await db.member.findMany({
          where: { shopId: shop.id, status: "active", lastOrderAt: { gt: lower, lte: cutoff }, ...(after ? { id: { gt: after } } : {}) },
          orderBy: { id: "asc" },
          take: PAGE,
          select: { id: true },
        })
      ).map((m) => m.id),
    async (ids) => {
      count += await inTransaction(db, async (tx) => {
        const members = await tx.member.findMany({ where: { id: { in: ids }, status: "active" }, select: { id: true, lastOrderAt: true } });
        let n = 0;
        for (const m of members) {
          // Re-read: an order since the page was read moved the member out of this stretch.
          if (!m.lastOrderAt || m.lastOrderAt.getTime() > cutoff.getTime()) continue;
          const last = m.lastOrderAt.toISOString();
          const { recorded } = await recordOccasion(tx, { shopId: shop.id, memberId: m.id, kind: "winback", key: occasionKey("winback", m.id, last), data: { days } });
          if (recorded) n++;
        }
        return n;
      });
    },
  );
  await writeMark(db, shop.id, "winback", cutoff.toISOString());
  return count;
}

// ---- expiry reminders ----

/**
 * "Your points expire in N days": members with points whose inactivity expiry
 * (lastActivityAt + expiryMonths) minus N days passed since the last sweep, and is still
 * ahead. Once per expiry date: the key names the date (`points_expiring:<member>:<date>`,
 * shop-local), so activity that moves the expiry later brings a new reminder later, and
 * never two for one date. Expiry itself is ledger/expiry.server.ts, unchanged.
 */
async function sweepExpiryReminders(db: Db, shop: SweepShop, now: Date): Promise<number> {
  const months = shop.program.expiryMonths;
  const days = shop.program.expiryReminderDays;
  if (!months || months <= 0 || !days || days <= 0) return 0;
  const through = await readMark(db, shop.id, "points_expiring");
  const floor = now.getTime() - (through === null ? DAY_MS : CATCH_UP_DAYS * DAY_MS);
  const lower = new Date(Math.max(floor, through ? Date.parse(through) : floor));
  if (lower.getTime() >= now.getTime()) return 0;
  const lead = days * DAY_MS;
  // Candidates: a superset (month lengths differ by up to 3 days); the exact rule is below.
  const from = new Date(lastActivityCutoffFor(new Date(lower.getTime() + lead), months).getTime() - 4 * DAY_MS);
  const to = new Date(lastActivityCutoffFor(new Date(now.getTime() + lead), months).getTime() + 4 * DAY_MS);
  const due = (lastActivityAt: Date) => {
    const expiresAt = inactivityExpiryAt(lastActivityAt, months).getTime();
    const remindAt = expiresAt - lead;
    return remindAt > lower.getTime() && remindAt <= now.getTime() && expiresAt > now.getTime();
  };
  let count = 0;
  await forPages(
    async (after) =>
      (
        await db.member.findMany({
          where: { shopId: shop.id, status: "active", points: { gt: 0 }, lastActivityAt: { gt: from, lte: to }, ...(after ? { id: { gt: after } } : {}) },
          orderBy: { id: "asc" },
          take: PAGE,
          select: { id: true },
        })
      ).map((m) => m.id),
    async (ids) => {
      count += await inTransaction(db, async (tx) => {
        const members = await tx.member.findMany({ where: { id: { in: ids }, status: "active", points: { gt: 0 } }, select: { id: true, points: true, lastActivityAt: true } });
        let n = 0;
        for (const m of members) {
          if (!due(m.lastActivityAt)) continue;
          const expiresAt = inactivityExpiryAt(m.lastActivityAt, months);
          const date = dateText(shopDate(expiresAt, shop.ianaTimezone));
          const { recorded } = await recordOccasion(tx, { shopId: shop.id, memberId: m.id, kind: "points_expiring", key: occasionKey("points_expiring", m.id, date), data: { points: m.points, expiresOn: date } });
          if (recorded) n++;
        }
        return n;
      });
    },
  );
  await writeMark(db, shop.id, "points_expiring", now.toISOString());
  return count;
}
