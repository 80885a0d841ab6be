import { getDb, type Db, type Tx } from "../../db.server";
import { readJsonColumn } from "../json-column";
import { backfillOrder } from "../orders/orders.server";
import type { OrderSnapshot } from "../orders/order-points";
import { isExcludedByTags } from "../program/defaults";
import { requireShopConfig } from "../program/shop-config.server";
import { upgradeMemberTier } from "../tiers/moves.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { quietly } from "../notify/occasions.server";
import { enrollMember } from "./enrol.server";
import { enrolmentOptionsSchema, type EnrolmentCard, type EnrolmentOptions, type EnrolmentRunView } from "./existing-customers";

// Starting with the shop's existing customers: the EnrolmentRun rows (one per run, its
// options fixed when asked for, its progress) and applying one batch of the bulk result in
// one transaction together with the run's progress, so a process that dies between
// batches resumes after the last line applied and counts nothing twice. The Shopify side
// (bulk queries) is app/jobs/enrolment.server.ts. docs/decisions/0020-start-with-existing-customers.md

export type EnrolmentRunRow = Awaited<ReturnType<Db["enrolmentRun"]["findUniqueOrThrow"]>>;

/** A customer as the bulk customers query gives it (app/shopify/bulk.server.ts ShopCustomerRow). */
export interface ExistingCustomer {
  customerGid: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  locale: string | null;
  updatedAt: Date | null;
}

export class EnrolmentConflictError extends Error {
  override name = "EnrolmentConflictError";
}

const ACTIVE = ["queued", "running"];

export function readRunOptions(run: Pick<EnrolmentRunRow, "options">): EnrolmentOptions {
  return readJsonColumn(run.options, enrolmentOptionsSchema, { orderDays: 0, awardPoints: false, signupBonus: false }, { what: "EnrolmentRun.options" });
}

/**
 * Asks for a run with the program's current options; a run already queued or running is
 * returned instead (one at a time per shop). `created` says which.
 */
export async function requestEnrolment(db: Db, shopDomain: string, input: { trigger: "install" | "manual"; actor: string; now?: Date }) {
  return inTransaction(db, async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
    if (!shop?.program) throw new EnrolmentConflictError(`unknown shop ${shopDomain}`);
    const active = await tx.enrolmentRun.findFirst({ where: { shopId: shop.id, status: { in: ACTIVE } }, orderBy: { createdAt: "desc" } });
    if (active) return { run: active, created: false };
    const options: EnrolmentOptions = { orderDays: shop.program.enrolOrderDays, awardPoints: shop.program.enrolAwardPoints, signupBonus: shop.program.enrolSignupBonus };
    const run = await tx.enrolmentRun.create({
      data: { shopId: shop.id, trigger: input.trigger, actor: input.actor, options: JSON.stringify(options), nextAttemptAt: input.now ?? new Date() },
    });
    return { run, created: true };
  });
}

/** On install: the first run, once per shop (a re-authentication finds it and asks for nothing). */
export async function ensureInstallEnrolment(db: Db, shopDomain: string) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return null;
  if (await db.enrolmentRun.findFirst({ where: { shopId: shop.id }, select: { id: true } })) return null;
  return (await requestEnrolment(db, shopDomain, { trigger: "install", actor: "system" })).run;
}

/** Settings' card: the run in progress (if any) and the last one finished. */
export async function enrolmentStatus(db: Db, shopId: string) {
  const [active, last] = await Promise.all([
    db.enrolmentRun.findFirst({ where: { shopId, status: { in: ACTIVE } }, orderBy: { createdAt: "desc" } }),
    db.enrolmentRun.findFirst({ where: { shopId, status: { in: ["done", "failed"] } }, orderBy: { createdAt: "desc" } }),
  ]);
  return { active, last };
}

/** Runs due now: queued and due, or running with a lease its worker let run out (it died). */
export async function findDueEnrolments(db: Db, now: Date, limit = 5) {
  return db.enrolmentRun.findMany({
    where: { OR: [{ status: "queued", nextAttemptAt: { lte: now } }, { status: "running", leaseUntil: { lt: now } }] },
    orderBy: { createdAt: "asc" },
    take: limit,
    include: { shop: { select: { domain: true, uninstalledAt: true } } },
  });
}

/** Takes a due run for this worker until `leaseUntil`; null when another worker took it first. */
export async function claimEnrolment(db: Db, run: Pick<EnrolmentRunRow, "id" | "status" | "leaseUntil" | "nextAttemptAt">, now: Date, leaseUntil: Date) {
  const claimed = await db.enrolmentRun.updateMany({
    where: { id: run.id, status: run.status, leaseUntil: run.leaseUntil, nextAttemptAt: run.nextAttemptAt },
    data: { status: "running", leaseUntil, attempts: { increment: 1 } },
  });
  if (claimed.count !== 1) return null;
  const row = await db.enrolmentRun.update({ where: { id: run.id }, data: {} });
  if (!row.startedAt) return db.enrolmentRun.update({ where: { id: run.id }, data: { startedAt: now } });
  return row;
}

/** Progress while waiting for Shopify: the lease goes on, the operation is remembered. */
export async function recordEnrolmentOperation(db: Db, runId: string, data: { bulkOperationId?: string | null; phaseTotal?: number | null; leaseUntil: Date }) {
  await db.enrolmentRun.updateMany({ where: { id: runId, status: "running" }, data });
}

/** The saved progress must still be what this worker read: another worker has not moved on. */
async function advance(tx: Tx, run: Pick<EnrolmentRunRow, "id" | "linesDone" | "phase">, data: Record<string, unknown>) {
  const saved = await tx.enrolmentRun.updateMany({ where: { id: run.id, status: "running", phase: run.phase, linesDone: run.linesDone }, data });
  if (saved.count !== 1) throw new EnrolmentConflictError(`enrolment run ${run.id} moved on elsewhere`);
}

/**
 * One batch of customers (JSONL lines up to `lastLine`): new customers become members
 * (with the sign-up bonus only if the run's options say so), known ones get their facts,
 * customers with an excluded tag are skipped. Returns the run's new progress.
 */
export async function applyCustomerBatch(db: Db, run: EnrolmentRunRow, shopDomain: string, customers: readonly ExistingCustomer[], lastLine: number) {
  const options = readRunOptions(run);
  // Existing customers are not new joiners: no welcome or tier messages for the backfill.
  return quietly(() => inTransaction(db, async (tx) => {
    const shop = await requireShopConfig(tx, shopDomain);
    let enrolled = 0;
    let known = 0;
    let excluded = 0;
    // Which of the batch are members already: one query, not one per customer.
    const existingGids = new Set(
      (await tx.member.findMany({ where: { shopId: shop.id, customerGid: { in: customers.map((c) => c.customerGid) } }, select: { customerGid: true } })).map((m) => m.customerGid),
    );
    for (const c of customers) {
      const tags = c.tags.join(", ");
      const existing = existingGids.has(c.customerGid);
      if (!existing && isExcludedByTags(tags, shop.program.excludedTags)) {
        excluded++;
        continue;
      }
      await enrollMember(tx, shop, { customerGid: c.customerGid, email: c.email, firstName: c.firstName, lastName: c.lastName, tags, locale: c.locale, updatedAt: c.updatedAt }, undefined, { signupBonus: options.signupBonus });
      if (existing) known++;
      else enrolled++;
    }
    await advance(tx, run, {
      linesDone: lastLine,
      customersSeen: { increment: customers.length },
      enrolled: { increment: enrolled },
      alreadyMembers: { increment: known },
      excludedSkipped: { increment: excluded },
    });
    return tx.enrolmentRun.findUniqueOrThrow({ where: { id: run.id } });
  }));
}

/** One batch of past orders (lines up to `lastLine`), each through backfillOrder. */
export async function applyOrderBatch(db: Db, run: EnrolmentRunRow, shopDomain: string, orders: readonly OrderSnapshot[], lastLine: number, now: Date) {
  const options = readRunOptions(run);
  // Past orders: no points or tier messages for what happened before Kanta.
  return quietly(() => inTransaction(db, async (tx) => {
    const shop = await requireShopConfig(tx, shopDomain);
    let counted = 0;
    let points = 0;
    const tierChecks = new Set<string>();
    for (const order of orders) {
      const result = await backfillOrder(tx, shop, order, { awardPoints: options.awardPoints, now, deferTierCheck: true });
      if (result.outcome === "counted" || result.outcome === "awarded") counted++;
      points += result.points;
      if (result.tierCheck) tierChecks.add(result.tierCheck);
    }
    // Each member's tier once per batch, after all their orders in it (upgrades only, as on the order path).
    for (const memberId of tierChecks) await upgradeMemberTier(tx, shop, memberId, { now });
    await advance(tx, run, { linesDone: lastLine, ordersSeen: { increment: orders.length }, ordersCounted: { increment: counted }, pointsAwarded: { increment: points } });
    return tx.enrolmentRun.findUniqueOrThrow({ where: { id: run.id } });
  }));
}

/** The customers are all read: on to the orders (or done when the run counts none). */
export async function finishCustomerPhase(db: Db, run: EnrolmentRunRow, now: Date) {
  const options = readRunOptions(run);
  return inTransaction(db, async (tx) => {
    // A freshly installed program speaks its customers' language: the most common locale
    // among them (Kanta does not ask for read_locales, which shopLocales needs), unless
    // the shop's language was set otherwise already.
    if (run.trigger === "install") await adoptCustomersLocale(tx, run.shopId);
    const next = options.orderDays > 0 ? { phase: "orders" } : { phase: "done", status: "done", finishedAt: now, leaseUntil: null };
    await advance(tx, run, { ...next, linesDone: 0, bulkOperationId: null, phaseTotal: null });
    return tx.enrolmentRun.findUniqueOrThrow({ where: { id: run.id } });
  });
}

export async function finishEnrolment(db: Db, run: EnrolmentRunRow, now: Date) {
  await inTransaction(db, (tx) => advance(tx, run, { phase: "done", status: "done", finishedAt: now, leaseUntil: null, lastError: null }));
}

/** After a failed attempt: due again later (progress kept), or failed for good. */
export async function recordEnrolmentFailure(db: Db, runId: string, verdict: { status: "dead"; error: string } | { status: "retry"; error: string; nextAttemptAt: Date }, now: Date) {
  await db.enrolmentRun.updateMany({
    where: { id: runId, status: "running" },
    data:
      verdict.status === "dead"
        ? { status: "failed", lastError: verdict.error, finishedAt: now, leaseUntil: null }
        : { status: "queued", lastError: verdict.error, nextAttemptAt: verdict.nextAttemptAt, leaseUntil: null },
  });
}

/** Only over the default ("en", what an install starts with): a language someone chose stays. */
async function adoptCustomersLocale(tx: Tx, shopId: string) {
  const shop = await tx.shop.findUniqueOrThrow({ where: { id: shopId }, select: { primaryLocale: true } });
  if (shop.primaryLocale !== "en") return;
  const groups = await tx.member.groupBy({ by: ["locale"], where: { shopId, locale: { not: null } }, _count: { _all: true } });
  const top = groups.filter((g) => g.locale).sort((a, b) => b._count._all - a._count._all || String(a.locale).localeCompare(String(b.locale)))[0];
  if (top?.locale) await tx.shop.update({ where: { id: shopId }, data: { primaryLocale: top.locale } });
}

/** Settings' card: the options, the run in progress and the last finished one, as plain data. */
export async function getEnrolmentCard(shopDomain: string, db: Db = getDb()): Promise<EnrolmentCard | null> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
  if (!shop?.program) return null;
  const { active, last } = await enrolmentStatus(db, shop.id);
  const view = (run: EnrolmentRunRow | null): EnrolmentRunView | null =>
    run && {
      id: run.id,
      trigger: run.trigger,
      status: run.status,
      phase: run.phase,
      phaseTotal: run.phaseTotal,
      customersSeen: run.customersSeen,
      enrolled: run.enrolled,
      alreadyMembers: run.alreadyMembers,
      excludedSkipped: run.excludedSkipped,
      ordersSeen: run.ordersSeen,
      ordersCounted: run.ordersCounted,
      pointsAwarded: run.pointsAwarded,
      lastError: run.lastError,
      options: readRunOptions(run),
      createdAt: run.createdAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  return {
    options: { orderDays: shop.program.enrolOrderDays, awardPoints: shop.program.enrolAwardPoints, signupBonus: shop.program.enrolSignupBonus },
    active: view(active),
    last: view(last),
  };
}

export type { EnrolmentCard };

/** Settings' "Enrol existing customers": the options saved, a run asked for (or the one already running returned). */
export async function saveOptionsAndRequestEnrolment(shopDomain: string, options: EnrolmentOptions, actor: string, db: Db = getDb(), auditActor: AuditActor = SYSTEM_ACTOR) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) throw new EnrolmentConflictError(`unknown shop ${shopDomain}`);
  const active = await db.enrolmentRun.findFirst({ where: { shopId: shop.id, status: { in: ACTIVE } }, select: { id: true } });
  if (active) return { created: false as const };
  await inTransaction(db, async (tx) => {
    const after = { enrolOrderDays: options.orderDays, enrolAwardPoints: options.awardPoints, enrolSignupBonus: options.signupBonus };
    await tx.program.update({ where: { shopId: shop.id }, data: after });
    // Recorded even when the options are unchanged: running the enrolment again is the action (with the options it ran with).
    await recordAudit(tx, { shopId: shop.id, actor: auditActor, action: "enrolment.requested", subjectType: "enrolment", subjectId: null, subjectLabel: "Existing customers", before: null, after });
  });
  const { created } = await requestEnrolment(db, shopDomain, { trigger: "manual", actor });
  return { created };
}
