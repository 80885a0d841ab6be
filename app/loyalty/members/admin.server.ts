import { z } from "zod";
import { toBirthdayView } from "../dates/birthday.server";
import { inactivityExpiryAt } from "../dates/birthday";
import { databaseKind, getDb, type Db, type Tx } from "../../db.server";
import { getEnv } from "../../env.server";
import { appendConditionalDebit, appendLedgerEntry } from "../ledger/append.server";
import { ledgerKeys, sameEntry, IdempotencyConflictError, type LedgerEntryInput } from "../ledger/entries";
import { requireShopConfig } from "../program/shop-config.server";
import { upgradeMemberTier } from "../tiers/moves.server";
import { inTransaction } from "../tx.server";
import { parseJsonInput, parseJsonText } from "../json-column";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";

// The admin's Members pages: a keyset-paginated list (fast with 100,000 members: the
// (shopId, points) and (shopId, lastActivityAt) indexes serve the sort), a member's ledger,
// and staff adjustments, which are ledger rows like any other (never an edit of a balance).

export const MEMBER_SORTS = ["points", "lastActivity", "enrolled"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];
export const MEMBER_STATUSES = ["active", "excluded"] as const;
export const MAX_ADJUSTMENT_POINTS = 1_000_000;

export interface ListMembersOptions {
  query?: string;
  /** A tier id. */
  tier?: string;
  status?: (typeof MEMBER_STATUSES)[number];
  minPoints?: number;
  maxPoints?: number;
  sort?: MemberSort;
  direction?: "asc" | "desc";
  /** From a previous page's nextCursor or previousCursor. */
  cursor?: string;
  pageSize?: number;
}

interface Cursor {
  /** The sort column's value of the boundary row (a number, or an ISO date). */
  v: number | string;
  id: string;
  /** "n": rows after the boundary; "p": rows before it. */
  d: "n" | "p";
}

const cursorSchema = z.object({ v: z.union([z.number(), z.string()]), id: z.string().min(1), d: z.enum(["n", "p"]) });

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  const parsed = parseJsonText(Buffer.from(raw, "base64url").toString("utf8"), cursorSchema);
  return parsed.ok ? parsed.data : null; // a mangled URL shows the first page rather than an error
}

const SORT_COLUMN = { points: "points", lastActivity: "lastActivityAt", enrolled: "enrolledAt" } as const;

/**
 * Case-insensitive `contains`. SQLite's LIKE (Prisma's `contains` there) already ignores
 * ASCII case; PostgreSQL needs `mode: "insensitive"` (ILIKE), which the SQLite client's
 * types do not know, hence the widened object.
 */
function containsInsensitive(term: string) {
  return databaseKind(getEnv().DATABASE_URL) === "postgres"
    ? ({ contains: term, mode: "insensitive" } as { contains: string })
    : { contains: term };
}

export function memberName(m: { firstName: string | null; lastName: string | null; email: string | null; customerGid: string }): string {
  return [m.firstName, m.lastName].filter(Boolean).join(" ") || m.email || `Customer ${m.customerGid.split("/").pop()}`;
}

/** The Members list's filters (status, tier, points range) as a Prisma condition; the list and the export share it. */
export function memberFilterWhere(shopId: string, options: Pick<ListMembersOptions, "status" | "tier" | "minPoints" | "maxPoints">) {
  return {
    shopId,
    status: options.status ? options.status : { not: "redacted" },
    ...(options.tier ? { tierId: options.tier } : {}),
    ...(options.minPoints !== undefined || options.maxPoints !== undefined
      ? { points: { ...(options.minPoints !== undefined ? { gte: options.minPoints } : {}), ...(options.maxPoints !== undefined ? { lte: options.maxPoints } : {}) } }
      : {}),
  };
}

/** Every word matches the first name, last name or email: "elsa lind" finds Elsa Lindqvist. */
export function memberWordFilters(query: string | undefined) {
  const words = (query ?? "").trim().split(/\s+/).filter(Boolean).slice(0, 5);
  return words.map((word) => ({
    OR: [{ firstName: containsInsensitive(word) }, { lastName: containsInsensitive(word) }, { email: containsInsensitive(word) }],
  }));
}

export async function listMembers(shopDomain: string, options: ListMembersOptions = {}, db: Db = getDb()) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, ianaTimezone: true } });
  const empty = { rows: [], nextCursor: null, previousCursor: null, timezone: "UTC" };
  if (!shop) return empty;
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? 50), 1), 100);
  const sort = options.sort ?? "points";
  const column = SORT_COLUMN[sort];
  const direction = options.direction ?? "desc";
  const cursor = decodeCursor(options.cursor);
  const backwards = cursor?.d === "p";
  // Going back, read the rows before the boundary in reverse order, then flip them.
  const readDirection = backwards ? (direction === "desc" ? "asc" : "desc") : direction;
  const past = readDirection === "desc" ? "lt" : "gt";

  const where = {
    ...memberFilterWhere(shop.id, options),
    AND: [
      ...memberWordFilters(options.query),
      ...(cursor
        ? [
            // The first condition is implied by the second; it gives the database a range
            // on the sort column's index instead of an OR it would scan for.
            { [column]: { [past === "lt" ? "lte" : "gte"]: sort === "points" ? Number(cursor.v) : new Date(String(cursor.v)) } },
            {
              OR: [
                { [column]: { [past]: sort === "points" ? Number(cursor.v) : new Date(String(cursor.v)) } },
                { [column]: sort === "points" ? Number(cursor.v) : new Date(String(cursor.v)), id: { [past]: cursor.id } },
              ],
            },
          ]
        : []),
    ],
  };
  const found = await db.member.findMany({
    where,
    orderBy: [{ [column]: readDirection }, { id: readDirection }],
    take: pageSize + 1,
    include: { tier: { select: { name: true, rank: true } } },
  });
  const more = found.length > pageSize;
  const page = found.slice(0, pageSize);
  if (backwards) page.reverse();
  const boundary = (m: (typeof page)[number], d: "n" | "p") =>
    encodeCursor({ v: sort === "points" ? m.points : (sort === "lastActivity" ? m.lastActivityAt : m.enrolledAt).toISOString(), id: m.id, d });
  const first = page[0];
  const last = page[page.length - 1];
  const hasNext = backwards ? cursor !== null : more;
  const hasPrevious = backwards ? more : cursor !== null;
  return {
    rows: page.map((m) => ({
      id: m.id,
      customerGid: m.customerGid,
      name: memberName(m),
      email: m.email,
      tier: m.tier ? { name: m.tier.name, rank: m.tier.rank } : null,
      points: m.points,
      pendingPoints: m.pendingPoints,
      lifetimePoints: m.lifetimePoints,
      status: m.status,
      lastActivityAt: m.lastActivityAt.toISOString(),
      enrolledAt: m.enrolledAt.toISOString(),
    })),
    nextCursor: hasNext && last ? boundary(last, "n") : null,
    previousCursor: hasPrevious && first ? boundary(first, "p") : null,
    timezone: shop.ianaTimezone,
  };
}

export type MemberListRow = Awaited<ReturnType<typeof listMembers>>["rows"][number];

export async function listShopTiers(shopDomain: string, db: Db = getDb()) {
  return db.tier.findMany({ where: { shop: { domain: shopDomain } }, orderBy: { rank: "asc" }, select: { id: true, name: true, rank: true } });
}

export async function getMemberDetail(shopDomain: string, memberId: string, db: Db = getDb()) {
  const member = await db.member.findFirst({
    where: { id: memberId, shop: { domain: shopDomain } },
    include: {
      shop: { select: { ianaTimezone: true, currencyCode: true, program: { select: { expiryMonths: true } } } },
      tier: { select: { name: true, rank: true } },
      ledger: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 100 },
      redemptions: { orderBy: { createdAt: "desc" }, take: 50 },
    },
  });
  if (!member) return null;
  const tierChanges = await db.tierChange.findMany({
    where: { shopId: member.shopId, memberId: member.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
  });
  const orderGids = [...new Set(member.ledger.map((e) => e.sourceGid).filter((gid): gid is string => !!gid?.startsWith("gid://shopify/Order/")))];
  const orders = orderGids.length
    ? await db.orderRecord.findMany({ where: { shopId: member.shopId, orderGid: { in: orderGids } }, select: { orderGid: true, name: true } })
    : [];
  const orderNames = new Map(orders.map((o) => [o.orderGid, o.name]));
  return {
    id: member.id,
    customerGid: member.customerGid,
    name: memberName(member),
    email: member.email,
    status: member.status,
    tier: member.tier,
    points: member.points,
    pendingPoints: member.pendingPoints,
    lifetimePoints: member.lifetimePoints,
    enrolledAt: member.enrolledAt.toISOString(),
    lastActivityAt: member.lastActivityAt.toISOString(),
    timezone: member.shop.ianaTimezone,
    /** The birthday the member gave in the widget (0023), and when they may change it. */
    birthday: toBirthdayView(member, new Date()),
    /** What expires when without activity (0023): the spendable balance at lastActivityAt + expiryMonths. */
    expiry:
      member.shop.program?.expiryMonths && member.points > 0 && member.status === "active"
        ? { points: member.points, at: inactivityExpiryAt(member.lastActivityAt, member.shop.program.expiryMonths).toISOString() }
        : null,
    ledger: member.ledger.map((e) => ({
      id: e.id,
      kind: e.kind,
      points: e.delta,
      pendingPoints: e.pendingDelta,
      note: e.note,
      actor: e.actor,
      sourceGid: e.sourceGid,
      /** The order's name (#1001) when the source is an order Kanta has seen. */
      sourceName: e.sourceGid ? (orderNames.get(e.sourceGid) ?? null) : null,
      at: e.createdAt.toISOString(),
    })),
    redemptions: member.redemptions.map((r) => ({
      id: r.id,
      rewardName: r.rewardName,
      pointsSpent: r.pointsSpent,
      status: r.status,
      code: r.code,
      at: r.createdAt.toISOString(),
    })),
    tierManual: member.tierManual,
    tierManualUntil: member.tierManualUntil?.toISOString() ?? null,
    /** Why the member is in their tier: every change, newest first. */
    tierChanges: tierChanges.map((c) => ({
      id: c.id,
      from: c.fromTier,
      to: c.toTier,
      reason: c.reason,
      actor: c.actor,
      note: c.note,
      /** Shopify tag/metafield/Flow sync of this change. */
      sync: c.syncStatus,
      at: c.createdAt.toISOString(),
    })),
  };
}

export type MemberDetail = NonNullable<Awaited<ReturnType<typeof getMemberDetail>>>;

export type AdjustErrorCode = "invalid" | "not_found" | "insufficient_points" | "conflict";

export class AdjustError extends Error {
  override name = "AdjustError";
  constructor(
    readonly code: AdjustErrorCode,
    message: string,
    /** The form field the message belongs to. */
    readonly field?: "points" | "reason" | "form",
  ) {
    super(message);
  }
}

export const adjustmentSchema = z.object({
  points: z.coerce
    .number({ error: "Enter a number of points" })
    .refine((n) => Number.isFinite(n), "Enter a number of points")
    .refine((n) => Number.isInteger(n), "Points must be a whole number")
    .refine((n) => n !== 0, "Enter a number other than 0")
    .refine((n) => Math.abs(n) <= MAX_ADJUSTMENT_POINTS, `At most ${MAX_ADJUSTMENT_POINTS.toLocaleString("en")} points at a time`),
  reason: z
    .string({ error: "Enter a reason" })
    .trim()
    .min(1, "Enter a reason")
    .min(3, "The reason needs at least 3 characters")
    .max(200, "The reason can be at most 200 characters"),
  requestId: z.string().trim().min(8, "Missing request id: reload the page and try again").max(100),
});

export interface AdjustInput {
  shopDomain: string;
  memberId: string;
  points: unknown;
  reason: unknown;
  /** Who: "staff:<email>" or "local-demo". */
  staff: string;
  /** The staff member, for the audit log. */
  actor?: AuditActor;
  /** One per opened form: a double submit writes once. */
  requestId: unknown;
}

/** Validates like adjustMemberPoints does, for routes that show every field's message. */
export function parseAdjustment(input: { points: unknown; reason: unknown; requestId: unknown }) {
  const points = typeof input.points === "string" && input.points.trim() === "" ? undefined : input.points;
  return adjustmentSchema.safeParse({ ...input, points });
}

/**
 * A staff adjustment: one `manual_adjustment` row keyed `manual:<requestId>`. Removing
 * points is a conditional debit, so spendable points never go below zero (AdjustError
 * `insufficient_points`), however many adjustments or redemptions race.
 */
export async function adjustMemberPoints(input: AdjustInput, db: Db = getDb()) {
  const parsed = parseAdjustment(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === "points" || issue.path[0] === "reason" ? issue.path[0] : "form";
    throw new AdjustError("invalid", issue.message, field);
  }
  const { points, reason, requestId } = parsed.data;
  return inTransaction(db, async (tx) => {
    const member = await findMember(tx, input.shopDomain, input.memberId);
    if (member.status === "redacted") throw new AdjustError("not_found", "This member's data was erased", "form");
    const entry: LedgerEntryInput = {
      shopId: member.shopId,
      memberId: member.id,
      delta: points,
      kind: "manual_adjustment",
      idempotencyKey: ledgerKeys.manual(requestId),
      actor: input.staff,
      note: reason,
    };
    const audit = () =>
      recordAudit(tx, {
        shopId: member.shopId,
        actor: input.actor ?? SYSTEM_ACTOR,
        action: "member.points_adjusted",
        subjectType: "member",
        subjectId: member.id,
        subjectLabel: memberName(member),
        before: { points: member.points },
        after: { points: member.points + points },
        note: reason,
      });
    if (points > 0) {
      try {
        const { replayed } = await appendLedgerEntry(tx, entry);
        if (!replayed) await audit();
        // Points earned can qualify for a tier (basis "points"): moving up never waits.
        const shop = await requireShopConfig(tx, input.shopDomain);
        if (!replayed && shop.program.tierBasis === "points") await upgradeMemberTier(tx, shop, member.id, { now: new Date() });
        return { replayed };
      } catch (error) {
        if (error instanceof IdempotencyConflictError) throw new AdjustError("conflict", "This form was already submitted with other values: reload the page", "form");
        throw error;
      }
    }
    const existing = await tx.ledgerEntry.findUnique({ where: { shopId_idempotencyKey: { shopId: member.shopId, idempotencyKey: entry.idempotencyKey } } });
    if (existing) {
      if (!sameEntry({ ...existing, kind: "manual_adjustment" }, entry) || existing.kind !== entry.kind) {
        throw new AdjustError("conflict", "This form was already submitted with other values: reload the page", "form");
      }
      return { replayed: true };
    }
    if (!(await appendConditionalDebit(tx, entry))) {
      throw new AdjustError("insufficient_points", `Only ${member.points.toLocaleString("en")} points are available to remove`, "points");
    }
    await audit();
    return { replayed: false };
  });
}

async function findMember(tx: Tx, shopDomain: string, memberId: string) {
  const member = await tx.member.findFirst({ where: { id: memberId, shop: { domain: shopDomain } } });
  if (!member) throw new AdjustError("not_found", "This member does not exist", "form");
  return member;
}

/** Excluded members keep their points but earn and redeem nothing until included again. */
export async function setMemberExcluded(shopDomain: string, memberId: string, excluded: boolean, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR) {
  return inTransaction(db, async (tx) => {
    const member = await findMember(tx, shopDomain, memberId);
    if (member.status === "redacted") throw new AdjustError("not_found", "This member's data was erased", "form");
    const status = excluded ? "excluded" : "active";
    if (member.status !== status) {
      await tx.member.update({ where: { id: member.id }, data: { status } });
      await recordAudit(tx, {
        shopId: member.shopId,
        actor,
        action: excluded ? "member.excluded" : "member.included",
        subjectType: "member",
        subjectId: member.id,
        subjectLabel: memberName(member),
        before: { status: member.status },
        after: { status },
      });
    }
    return { status };
  });
}

/** Bulk actions work on the members selected on one page of the list. */
export const MAX_BULK_MEMBERS = 100;

const bulkIdsSchema = z
  .array(z.string().min(1).max(50), { error: "Select members first" })
  .min(1, "Select members first")
  .max(MAX_BULK_MEMBERS, `Select at most ${MAX_BULK_MEMBERS} members at a time`);

export function parseBulkIds(raw: unknown): { ok: true; ids: string[] } | { ok: false; message: string } {
  const parsed = parseJsonInput(raw, bulkIdsSchema);
  if (parsed.ok) return { ok: true, ids: [...new Set(parsed.data)] };
  return { ok: false, message: parsed.kind === "invalid" ? parsed.error.issues[0]!.message : "Select members first" };
}

/**
 * The same staff adjustment for several members: one ledger row each, keyed
 * `manual:<requestId>:<memberId>`, so a repeated submit writes nothing twice. Removing
 * points never takes a member below zero: those members are skipped and listed.
 */
export async function bulkAdjustPoints(
  input: { shopDomain: string; memberIds: string[]; points: unknown; reason: unknown; staff: string; actor?: AuditActor; requestId: unknown },
  db: Db = getDb(),
): Promise<{ adjusted: number; replayed: number; skipped: { id: string; message: string }[] }> {
  const parsed = parseAdjustment(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === "points" || issue.path[0] === "reason" ? issue.path[0] : "form";
    throw new AdjustError("invalid", issue.message, field);
  }
  const result = { adjusted: 0, replayed: 0, skipped: [] as { id: string; message: string }[] };
  for (const memberId of input.memberIds) {
    try {
      const { replayed } = await adjustMemberPoints({ ...input, memberId, requestId: `${parsed.data.requestId}:${memberId}` }, db);
      if (replayed) result.replayed++;
      else result.adjusted++;
    } catch (error) {
      if (error instanceof AdjustError && (error.code === "insufficient_points" || error.code === "not_found")) {
        result.skipped.push({ id: memberId, message: error.message });
      } else {
        throw error;
      }
    }
  }
  return result;
}

/** Excludes or includes several members of the shop at once; erased members are left alone. */
export async function bulkSetExcluded(shopDomain: string, memberIds: string[], excluded: boolean, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<number> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return 0;
  const from = excluded ? "active" : "excluded";
  const to = excluded ? "excluded" : "active";
  return inTransaction(db, async (tx) => {
    const members = await tx.member.findMany({
      where: { shopId: shop.id, id: { in: memberIds }, status: from },
      select: { id: true, firstName: true, lastName: true, email: true, customerGid: true },
    });
    if (members.length === 0) return 0;
    const changed = await tx.member.updateMany({ where: { shopId: shop.id, id: { in: members.map((m) => m.id) }, status: from }, data: { status: to } });
    // One row per member: the log of a member shows what happened to them, bulk or not.
    for (const m of members) {
      await recordAudit(tx, {
        shopId: shop.id,
        actor,
        action: excluded ? "member.excluded" : "member.included",
        subjectType: "member",
        subjectId: m.id,
        subjectLabel: memberName(m),
        before: { status: from },
        after: { status: to },
        note: "Bulk action",
      });
    }
    return changed.count;
  });
}
