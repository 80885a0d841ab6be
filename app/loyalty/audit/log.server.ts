import { z } from "zod";
import { getDb, type Db, type Tx } from "../../db.server";
import { parseJsonText } from "../json-column";
import { safeTimeZone, zonedDateTimeToUtc, addDaysToDate } from "../program/zoned-time";
import { actorLabel, auditActionLabel, auditSubjectLabel, diffLines, type DiffLine } from "./audit";

// The Activity log: keyset pages newest first, filtered by action, subject type, staff
// member, subject and date range (each filter has an index: see AuditEvent in
// prisma/schema.prisma), the CSV export's rows in batches, and erasure.

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  /** An action (member.points_adjusted) or a subject type (member) to list all its actions. */
  action?: string;
  subjectType?: string;
  actorId?: string;
  subjectId?: string;
  /** YYYY-MM-DD in the shop's time zone, inclusive. */
  from?: string;
  to?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the filters from a URL's search params; anything malformed is dropped (a bad URL lists everything). */
export function parseAuditFilters(params: URLSearchParams): AuditFilters {
  const text = (name: string, max = 200) => {
    const value = params.get(name)?.trim();
    return value && value.length <= max ? value : undefined;
  };
  const date = (name: string) => {
    const value = params.get(name)?.trim();
    return value && DATE.test(value) ? value : undefined;
  };
  return { action: text("action", 100), subjectType: text("subjectType", 50), actorId: text("actor", 100), subjectId: text("subject"), from: date("from"), to: date("to") };
}

interface Cursor {
  at: string;
  id: string;
}
const cursorSchema = z.object({ at: z.string(), id: z.string().min(1) });
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decode(raw: string | undefined | null): Cursor | null {
  if (!raw) return null;
  const parsed = parseJsonText(Buffer.from(raw, "base64url").toString("utf8"), cursorSchema);
  return parsed.ok && !Number.isNaN(Date.parse(parsed.data.at)) ? parsed.data : null;
}

function whereFor(shopId: string, timezone: string, filters: AuditFilters) {
  const createdAt: { gte?: Date; lt?: Date } = {};
  if (filters.from) {
    const from = zonedDateTimeToUtc(filters.from, "00:00", timezone);
    if (from) createdAt.gte = from;
  }
  if (filters.to) {
    const to = zonedDateTimeToUtc(addDaysToDate(filters.to, 1), "00:00", timezone);
    if (to) createdAt.lt = to;
  }
  const action = filters.action;
  return {
    shopId,
    ...(action ? (action.includes(".") ? { action } : { action: { startsWith: `${action}.` } }) : {}),
    ...(filters.subjectType ? { subjectType: filters.subjectType } : {}),
    ...(filters.actorId ? { actorId: filters.actorId } : {}),
    ...(filters.subjectId ? { subjectId: filters.subjectId } : {}),
    ...(createdAt.gte || createdAt.lt ? { createdAt } : {}),
  };
}

export interface AuditRowView {
  id: string;
  at: string;
  action: string;
  actionLabel: string;
  actorId: string | null;
  actor: string;
  subjectType: string;
  subjectTypeLabel: string;
  subjectId: string | null;
  subjectLabel: string | null;
  note: string | null;
  changes: DiffLine[];
}

type AuditRow = {
  id: string;
  createdAt: Date;
  action: string;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  subjectType: string;
  subjectId: string | null;
  subjectLabel: string | null;
  before: string | null;
  after: string | null;
  note: string | null;
};

function readJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function toAuditView(row: AuditRow): AuditRowView {
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    action: row.action,
    actionLabel: auditActionLabel(row.action),
    actorId: row.actorId,
    actor: actorLabel(row),
    subjectType: row.subjectType,
    subjectTypeLabel: auditSubjectLabel(row.subjectType),
    subjectId: row.subjectId,
    subjectLabel: row.subjectLabel,
    note: row.note,
    changes: diffLines(readJson(row.before), readJson(row.after)),
  };
}

/** One page of the log, newest first; `cursor` from a previous page's nextCursor. */
export async function listAuditEvents(shopDomain: string, filters: AuditFilters, cursorRaw?: string | null, db: Db = getDb(), pageSize = AUDIT_PAGE_SIZE) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, ianaTimezone: true } });
  if (!shop) return { rows: [] as AuditRowView[], nextCursor: null, timezone: "UTC" };
  const timezone = safeTimeZone(shop.ianaTimezone);
  const cursor = decode(cursorRaw);
  const base = whereFor(shop.id, timezone, filters);
  const at = cursor ? new Date(cursor.at) : null;
  const found = await db.auditEvent.findMany({
    where: at ? { AND: [base, { createdAt: { lte: at } }, { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: cursor!.id } }] }] } : base,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: pageSize + 1,
  });
  const page = found.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    rows: page.map(toAuditView),
    nextCursor: found.length > pageSize && last ? encode({ at: last.createdAt.toISOString(), id: last.id }) : null,
    timezone,
  };
}

/**
 * The staff members of the shop's recent log (for the filter), most recent first: read from
 * the newest 5,000 rows by the (shopId, createdAt) index, so it stays fast on a log of
 * millions (a GROUP BY over every row would not). Someone who last acted before those rows
 * is still found through the URL's `actor` filter.
 */
export async function listAuditActors(shopDomain: string, db: Db = getDb(), recent = 5000) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return [];
  const rows = await db.auditEvent.findMany({
    where: { shopId: shop.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: recent,
    select: { actorId: true, actorName: true, actorEmail: true },
  });
  const seen = new Set<string>();
  const actors: { id: string; label: string }[] = [];
  for (const row of rows) {
    if (!row.actorId || seen.has(row.actorId)) continue;
    seen.add(row.actorId);
    actors.push({ id: row.actorId, label: actorLabel(row) });
  }
  return actors;
}

/**
 * Every row matching the filters, newest first, in batches of `batch` (keyset: memory stays
 * one batch whatever the log's size). For the CSV export.
 */
export async function* auditEventsForExport(shopDomain: string, filters: AuditFilters, db: Db = getDb(), batch = 1000): AsyncGenerator<AuditRowView> {
  let cursor: string | null = null;
  do {
    const page = await listAuditEvents(shopDomain, filters, cursor, db, batch);
    for (const row of page.rows) yield row;
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * customers/redact: the member's rows keep what happened (action, actor, points, tiers) and
 * lose what names or describes the person: the label (their name), the note (a staff
 * reason), and any text field of before/after other than numbers, booleans and tier names.
 */
export async function scrubMemberAudit(tx: Tx, shopId: string, memberId: string): Promise<number> {
  const rows = await tx.auditEvent.findMany({ where: { shopId, subjectType: "member", subjectId: memberId }, select: { id: true, before: true, after: true } });
  for (const row of rows) {
    await tx.auditEvent.update({
      where: { id: row.id },
      data: { subjectLabel: null, note: null, before: scrubJson(row.before), after: scrubJson(row.after) },
    });
  }
  return rows.length;
}

/** Fields of a member's audit values that never hold personal data. */
const KEPT_FIELDS = new Set(["points", "pendingPoints", "delta", "tier", "tierManual", "tierManualUntil", "status"]);

function scrubJson(text: string | null): string | null {
  const value = readJson(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value === null ? null : JSON.stringify(null);
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (KEPT_FIELDS.has(k)) kept[k] = v;
  return JSON.stringify(kept);
}

/** How many rows the filters match (the export's progress). */
export async function countAuditEvents(shopDomain: string, filters: AuditFilters, db: Db = getDb()): Promise<number> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, ianaTimezone: true } });
  if (!shop) return 0;
  return db.auditEvent.count({ where: whereFor(shop.id, safeTimeZone(shop.ianaTimezone), filters) });
}
