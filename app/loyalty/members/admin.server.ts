import { z } from "zod";
import { toBirthdayView } from "../dates/birthday.server";
import { inactivityExpiryAt } from "../dates/birthday";
import { getDb, type Db, type Tx } from "../../db.server";
import { appendConditionalDebit, appendLedgerEntry } from "../ledger/append.server";
import { ledgerKeys, sameEntry, IdempotencyConflictError, type LedgerEntryInput } from "../ledger/entries";
import { requireShopConfig } from "../program/shop-config.server";
import { upgradeMemberTier } from "../tiers/moves.server";
import { inTransaction } from "../tx.server";
import { parseJsonInput } from "../json-column";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { memberName } from "./list.server";

// The admin's member page and staff actions: a member's detail and ledger, staff
// adjustments (ledger rows like any other, never an edit of a balance), excluding a member,
// and the same in bulk. The list is ./list.server.ts.

export const MAX_ADJUSTMENT_POINTS = 1_000_000;

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
