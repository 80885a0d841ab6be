import { getDb, type Db } from "../../db.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { numericId, type CsvCell } from "../export/csv";
import { formatMinorPlain } from "../ledger/money";
import { invalidateShopConfig } from "../program/shop-config.server";
import { addDaysToDate, localDate, safeTimeZone, zonedDateTimeToUtc } from "../program/zoned-time";
import { inTransaction } from "../tx.server";
import { causeForm, charityRateForm, totalsByCause, totalsByCauseAndMonth, type DonationTotal } from "./charity";

// The admin's Charity page: the rate, the causes (create, edit, turn on/off, delete while
// nobody gave to them), and what was given per cause and month for a date range, with the
// CSV exports. Every change records an audit row in its transaction.
// docs/decisions/0037-charity-and-surprises.md

export class CharityAdminError extends Error {
  override name = "CharityAdminError";
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function requireShop(db: Db, shopDomain: string) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currencyCode: true, ianaTimezone: true } });
  if (!shop) throw new CharityAdminError("Unknown shop");
  return shop;
}

function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  return Object.fromEntries(issues.map((i) => [String(i.path[0] ?? "form"), i.message]));
}

export interface CharityPage {
  currencyCode: string;
  pointsPerUnit: number | null;
  causes: { id: string; name: string; description: string; enabled: boolean; donations: number }[];
  range: { from: string; to: string };
  byCause: DonationTotal[];
  byMonth: DonationTotal[];
}

/** The default range: the start of the month a year ago (12 months with this one) up to today, shop time. */
export function defaultRange(timeZone: string, now = new Date()): { from: string; to: string } {
  const d = localDate(now, safeTimeZone(timeZone));
  const pad = (n: number) => String(n).padStart(2, "0");
  const start = d.monthIndex === 11 ? { year: d.year, month: 1 } : { year: d.year - 1, month: d.monthIndex + 2 };
  return { from: `${start.year}-${pad(start.month)}-01`, to: `${d.year}-${pad(d.monthIndex + 1)}-${pad(d.day)}` };
}

export async function loadCharityPage(shopDomain: string, range: { from: string; to: string } | null, db: Db = getDb()): Promise<CharityPage> {
  const shop = await requireShop(db, shopDomain);
  const r = range ?? defaultRange(shop.ianaTimezone);
  const [settings, causes, counts] = await Promise.all([
    db.charitySettings.findUnique({ where: { shopId: shop.id } }),
    db.cause.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" } }),
    db.donation.groupBy({ by: ["causeId"], where: { shopId: shop.id }, _count: { _all: true } }),
  ]);
  const countOf = new Map(counts.map((c) => [c.causeId, c._count._all]));
  const byMonth = await donationTotals(db, shop, r);
  return {
    currencyCode: shop.currencyCode,
    pointsPerUnit: settings?.pointsPerUnit ?? null,
    causes: causes.map((c) => ({ id: c.id, name: c.name, description: c.description, enabled: c.enabled, donations: countOf.get(c.id) ?? 0 })),
    range: r,
    byCause: totalsByCause(byMonth),
    byMonth,
  };
}

/** The range's bounds in UTC: from the start of `from` to the end of `to`, shop time. */
function bounds(timeZone: string, range: { from: string; to: string }): { gte: Date; lt: Date } {
  const tz = safeTimeZone(timeZone);
  return { gte: zonedDateTimeToUtc(range.from, "00:00", tz)!, lt: zonedDateTimeToUtc(addDaysToDate(range.to, 1), "00:00", tz)! };
}

const BATCH = 1000;

interface DonationRow {
  id: string;
  createdAt: Date;
  causeId: string;
  points: number;
  amountMinor: bigint;
  currencyCode: string;
  requestId: string;
  cause: { name: string };
  member: { customerGid: string; email: string | null };
}

/** Donations of the range in keyset batches (never the whole table at once), oldest first. */
async function* donationsInRange(db: Db, shop: { id: string; ianaTimezone: string }, range: { from: string; to: string }): AsyncGenerator<DonationRow> {
  const where = { shopId: shop.id, createdAt: bounds(shop.ianaTimezone, range) };
  let cursor: { at: Date; id: string } | null = null;
  for (;;) {
    const page: DonationRow[] = await db.donation.findMany({
      where: { ...where, ...(cursor ? { OR: [{ createdAt: { gt: cursor.at } }, { createdAt: cursor.at, id: { gt: cursor.id } }] } : {}) },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: BATCH,
      select: { id: true, createdAt: true, causeId: true, points: true, amountMinor: true, currencyCode: true, requestId: true, cause: { select: { name: true } }, member: { select: { customerGid: true, email: true } } },
    });
    yield* page;
    if (page.length < BATCH) return;
    const last = page[page.length - 1]!;
    cursor = { at: last.createdAt, id: last.id };
  }
}

function monthOf(at: Date, timeZone: string): string {
  const d = localDate(at, safeTimeZone(timeZone));
  return `${d.year}-${String(d.monthIndex + 1).padStart(2, "0")}`;
}

/** Totals per cause and shop-local month for the range. */
export async function donationTotals(db: Db, shop: { id: string; ianaTimezone: string }, range: { from: string; to: string }): Promise<DonationTotal[]> {
  const rows: { causeId: string; causeName: string; month: string; points: number; amountMinor: number }[] = [];
  for await (const d of donationsInRange(db, shop, range)) {
    rows.push({ causeId: d.causeId, causeName: d.cause.name, month: monthOf(d.createdAt, shop.ianaTimezone), points: d.points, amountMinor: Number(d.amountMinor) });
  }
  return totalsByCauseAndMonth(rows);
}

/** created_at,cause,customer_id,email,points,amount,currency,request_id — oldest first. */
export async function* donationExportRows(shopDomain: string, range: { from: string; to: string }, db: Db = getDb()): AsyncGenerator<CsvCell[]> {
  const shop = await requireShop(db, shopDomain);
  for await (const d of donationsInRange(db, shop, range)) {
    yield [d.createdAt.toISOString(), d.cause.name, numericId(d.member.customerGid), d.member.email, d.points, formatMinorPlain(Number(d.amountMinor), d.currencyCode), d.currencyCode, d.requestId];
  }
}

/** month,cause,donations,points,amount,currency — per cause and month. */
export async function* donationTotalsExportRows(shopDomain: string, range: { from: string; to: string }, db: Db = getDb()): AsyncGenerator<CsvCell[]> {
  const shop = await requireShop(db, shopDomain);
  for (const t of await donationTotals(db, shop, range)) {
    yield [t.month, t.causeName, t.donations, t.points, formatMinorPlain(t.amountMinor, shop.currencyCode), shop.currencyCode];
  }
}

export async function countDonationsForExport(shopDomain: string, range: { from: string; to: string }, db: Db = getDb()): Promise<number> {
  const shop = await requireShop(db, shopDomain);
  return db.donation.count({ where: { shopId: shop.id, createdAt: bounds(shop.ianaTimezone, range) } });
}

export async function saveCharityRate(shopDomain: string, form: Record<string, unknown>, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
  const shop = await requireShop(db, shopDomain);
  const parsed = charityRateForm.safeParse(form);
  if (!parsed.success) throw new CharityAdminError("Check the rate", fieldErrors(parsed.error.issues));
  await inTransaction(db, async (tx) => {
    const before = await tx.charitySettings.findUnique({ where: { shopId: shop.id } });
    await tx.charitySettings.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id, pointsPerUnit: parsed.data.pointsPerUnit }, update: { pointsPerUnit: parsed.data.pointsPerUnit } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "charity.rate_updated", subjectType: "charity", subjectId: null, subjectLabel: "Charity rate", before: before ? { pointsPerUnit: before.pointsPerUnit } : null, after: { pointsPerUnit: parsed.data.pointsPerUnit } });
  });
  invalidateShopConfig(shopDomain); // the storefront's cached causes and rate
}

/** Creates a cause (causeId null) or edits one; returns its id. */
export async function saveCause(shopDomain: string, causeId: string | null, form: Record<string, unknown>, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<string> {
  const shop = await requireShop(db, shopDomain);
  const parsed = causeForm.safeParse(form);
  if (!parsed.success) throw new CharityAdminError("Check the cause", fieldErrors(parsed.error.issues));
  const next = parsed.data;
  const saved = await inTransaction(db, async (tx) => {
    if (!causeId) {
      const created = await tx.cause.create({ data: { shopId: shop.id, ...next } });
      await recordAudit(tx, { shopId: shop.id, actor, action: "charity.cause_created", subjectType: "charity", subjectId: created.id, subjectLabel: created.name, before: null, after: next });
      return created.id;
    }
    const stored = await tx.cause.findFirst({ where: { id: causeId, shopId: shop.id } });
    if (!stored) throw new CharityAdminError("This cause does not exist");
    await tx.cause.update({ where: { id: stored.id }, data: next });
    await recordAudit(tx, {
      shopId: shop.id,
      actor,
      action: "charity.cause_updated",
      subjectType: "charity",
      subjectId: stored.id,
      subjectLabel: next.name,
      before: { name: stored.name, description: stored.description, enabled: stored.enabled },
      after: next,
    });
    return stored.id;
  });
  invalidateShopConfig(shopDomain);
  return saved;
}

/** Deletes a cause nobody gave to; one with donations is turned off instead (its totals stay). */
export async function deleteCause(shopDomain: string, causeId: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<"deleted" | "disabled"> {
  const shop = await requireShop(db, shopDomain);
  const outcome = await inTransaction(db, async (tx): Promise<"deleted" | "disabled"> => {
    const stored = await tx.cause.findFirst({ where: { id: causeId, shopId: shop.id } });
    if (!stored) throw new CharityAdminError("This cause does not exist");
    const given = await tx.donation.count({ where: { causeId: stored.id } });
    if (given > 0) {
      await tx.cause.update({ where: { id: stored.id }, data: { enabled: false } });
      await recordAudit(tx, { shopId: shop.id, actor, action: "charity.cause_updated", subjectType: "charity", subjectId: stored.id, subjectLabel: stored.name, before: { enabled: stored.enabled }, after: { enabled: false } });
      return "disabled";
    }
    await tx.cause.delete({ where: { id: stored.id } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "charity.cause_deleted", subjectType: "charity", subjectId: stored.id, subjectLabel: stored.name, before: { name: stored.name }, after: null });
    return "deleted";
  });
  invalidateShopConfig(shopDomain);
  return outcome;
}
