import { getDb, type Db } from "../../db.server";
import { memberFilterWhere, memberWordFilters } from "../members/list.server";
import { safeTimeZone, zonedDateTimeToUtc, addDaysToDate } from "../program/zoned-time";
import { auditEventsForExport, type AuditFilters } from "../audit/log.server";
import type { AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { numericId, type CsvCell, type MemberExportFilters } from "./csv";

// The rows of Kanta's CSV exports, read in keyset batches (never the whole table at once).

export const EXPORT_BATCH = 1000;

async function shopOf(db: Db, shopDomain: string) {
  return db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, ianaTimezone: true } });
}

/** How many members the export will hold: announced before the download so the page can show progress. */
export async function countMembersForExport(shopDomain: string, filters: MemberExportFilters, db: Db = getDb()): Promise<number> {
  const shop = await shopOf(db, shopDomain);
  if (!shop) return 0;
  return db.member.count({ where: { ...memberFilterWhere(shop.id, filters), AND: memberWordFilters(filters.query) } });
}

/** customer_id,email,first_name,last_name,points,pending_points,lifetime_points,tier,status,enrolled_at — by id. */
export async function* memberExportRows(shopDomain: string, filters: MemberExportFilters, db: Db = getDb(), batch = EXPORT_BATCH): AsyncGenerator<CsvCell[]> {
  const shop = await shopOf(db, shopDomain);
  if (!shop) return;
  const tiers = new Map((await db.tier.findMany({ where: { shopId: shop.id }, select: { id: true, name: true } })).map((t) => [t.id, t.name]));
  const base = memberFilterWhere(shop.id, filters);
  const words = memberWordFilters(filters.query);
  let after: string | null = null;
  for (;;) {
    const page: {
      id: string;
      customerGid: string;
      email: string | null;
      firstName: string | null;
      lastName: string | null;
      points: number;
      pendingPoints: number;
      lifetimePoints: number;
      tierId: string | null;
      status: string;
      enrolledAt: Date;
    }[] = await db.member.findMany({
      where: { ...base, AND: [...words, ...(after ? [{ id: { gt: after } }] : [])] },
      orderBy: { id: "asc" },
      take: batch,
      select: { id: true, customerGid: true, email: true, firstName: true, lastName: true, points: true, pendingPoints: true, lifetimePoints: true, tierId: true, status: true, enrolledAt: true },
    });
    for (const m of page) {
      yield [
        numericId(m.customerGid),
        m.email,
        m.firstName,
        m.lastName,
        m.points,
        m.pendingPoints,
        m.lifetimePoints,
        m.tierId ? (tiers.get(m.tierId) ?? null) : null,
        m.status,
        m.enrolledAt.toISOString(),
      ];
    }
    if (page.length < batch) return;
    after = page[page.length - 1]!.id;
  }
}

/** The range's bounds in UTC: from the start of `from` to the end of `to`, shop time. */
function rangeBounds(timezone: string, from: string, to: string): { gte: Date; lt: Date } {
  const tz = safeTimeZone(timezone);
  return { gte: zonedDateTimeToUtc(from, "00:00", tz)!, lt: zonedDateTimeToUtc(addDaysToDate(to, 1), "00:00", tz)! };
}

export async function countLedgerForExport(shopDomain: string, range: { from: string; to: string }, db: Db = getDb()): Promise<number> {
  const shop = await shopOf(db, shopDomain);
  if (!shop) return 0;
  return db.ledgerEntry.count({ where: { shopId: shop.id, createdAt: rangeBounds(shop.ianaTimezone, range.from, range.to) } });
}

/** created_at,customer_id,email,kind,delta,pending_delta,note,actor,source,idempotency_key — oldest first. */
export async function* ledgerExportRows(shopDomain: string, range: { from: string; to: string }, db: Db = getDb(), batch = EXPORT_BATCH): AsyncGenerator<CsvCell[]> {
  const shop = await shopOf(db, shopDomain);
  if (!shop) return;
  const bounds = rangeBounds(shop.ianaTimezone, range.from, range.to);
  let cursor: { at: Date; id: string } | null = null;
  for (;;) {
    const page: {
      id: string;
      createdAt: Date;
      kind: string;
      delta: number;
      pendingDelta: number;
      note: string | null;
      actor: string;
      sourceGid: string | null;
      idempotencyKey: string;
      member: { customerGid: string; email: string | null };
    }[] = await db.ledgerEntry.findMany({
      where: {
        shopId: shop.id,
        createdAt: bounds,
        ...(cursor ? { OR: [{ createdAt: { gt: cursor.at } }, { createdAt: cursor.at, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: batch,
      select: {
        id: true,
        createdAt: true,
        kind: true,
        delta: true,
        pendingDelta: true,
        note: true,
        actor: true,
        sourceGid: true,
        idempotencyKey: true,
        member: { select: { customerGid: true, email: true } },
      },
    });
    for (const e of page) {
      yield [e.createdAt.toISOString(), numericId(e.member.customerGid), e.member.email, e.kind, e.delta, e.pendingDelta, e.note, e.actor, e.sourceGid, e.idempotencyKey];
    }
    if (page.length < batch) return;
    const last = page[page.length - 1]!;
    cursor = { at: last.createdAt, id: last.id };
  }
}

/** The Activity log with its filters: created_at,action,actor_id,actor,subject_type,subject_id,subject,changes,note. */
export async function* auditExportRows(shopDomain: string, filters: AuditFilters, db: Db = getDb()): AsyncGenerator<CsvCell[]> {
  for await (const row of auditEventsForExport(shopDomain, filters, db)) {
    yield [
      row.at,
      row.action,
      row.actorId,
      row.actor,
      row.subjectType,
      row.subjectId,
      row.subjectLabel,
      row.changes.map((c) => `${c.field}: ${c.before} → ${c.after}`).join("; "),
      row.note,
    ];
  }
}

export type ExportKind = "members" | "ledger" | "activity" | "donations";

/** Who downloaded which file: customer data leaving Kanta is an action worth a row in the log. */
export async function recordExport(shopDomain: string, kind: ExportKind, filters: Record<string, unknown>, rows: number, actor: AuditActor, db: Db = getDb()): Promise<void> {
  const shop = await shopOf(db, shopDomain);
  if (!shop) return;
  const shown = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ""));
  await recordAudit(db, { shopId: shop.id, actor, action: `export.${kind}`, subjectType: "export", subjectId: null, subjectLabel: `${kind}.csv`, before: null, after: { ...shown, rows } });
}
