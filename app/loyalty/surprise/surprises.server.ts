import { getDb, type Db } from "../../db.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { parseRewardConfig } from "../rewards/rewards";
import { invalidateShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { listCatalogCollections } from "../catalog/catalog.server";
import { surpriseAudience, type SurpriseAudience } from "./audience";
import { eligibleMemberIds, SurpriseError, type SurpriseHooks } from "./run.server";
import { SURPRISE_REWARD_TYPES, describePrize, surpriseForm, type SurpriseStatus } from "./surprise";

// The admin's Surprises: create (with the audience's size before anything happens), start,
// the list and one surprise's results (the draw: eligible count, time, winners). Each change
// records an audit row. Running is the job's (./run.server.ts, app/jobs/surprise-job.server.ts).
// docs/decisions/0037-charity-and-surprises.md

export class SurpriseAdminError extends Error {
  override name = "SurpriseAdminError";
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function requireShop(db: Db, shopDomain: string) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currencyCode: true } });
  if (!shop) throw new SurpriseAdminError("Unknown shop");
  return shop;
}

/** How many members the audience holds now (the form's preview). */
export async function previewAudience(shopDomain: string, audience: unknown, db: Db = getDb(), hooks: SurpriseHooks = {}, now = new Date()): Promise<{ ok: true; count: number } | { ok: false; message: string }> {
  const shop = await requireShop(db, shopDomain);
  const parsed = surpriseAudience.safeParse(audience);
  if (!parsed.success) return { ok: false, message: "Check the audience" };
  try {
    return { ok: true, count: (await eligibleMemberIds(db, shop.id, parsed.data, now, hooks)).length };
  } catch (error) {
    if (error instanceof SurpriseError) return { ok: false, message: error.message };
    throw error;
  }
}

/** The rewards a surprise may give: enabled, one code each. */
export async function surpriseRewardOptions(shopDomain: string, db: Db = getDb()): Promise<{ id: string; name: string }[]> {
  const shop = await requireShop(db, shopDomain);
  return db.reward.findMany({ where: { shopId: shop.id, enabled: true, type: { in: [...SURPRISE_REWARD_TYPES] } }, orderBy: { name: "asc" }, select: { id: true, name: true } });
}

/** The products a surprise may give as a gift: the shop's free_product rewards (0031). */
export async function surpriseGiftOptions(shopDomain: string, db: Db = getDb()): Promise<{ id: string; name: string }[]> {
  const shop = await requireShop(db, shopDomain);
  const rows = await db.reward.findMany({ where: { shopId: shop.id, type: "free_product" }, orderBy: { name: "asc" }, select: { id: true, name: true, config: true } });
  return rows.map((r) => {
    const title = parseRewardConfig(r.config).productTitle;
    return { id: r.id, name: title && title !== r.name ? `${r.name} (${title})` : r.name };
  });
}

/** The shop's collections as the catalogue knows them (the audience's "bought from"). */
export async function surpriseCollectionOptions(shopDomain: string, db: Db = getDb()): Promise<{ id: string; name: string }[]> {
  const shop = await requireShop(db, shopDomain);
  const rows = await listCatalogCollections(db, shop.id);
  return rows.map((c) => ({ id: c.collectionGid, name: c.title }));
}

/** The shop's tiers, lowest first (the audience's tier choice). */
export async function surpriseTierOptions(shopDomain: string, db: Db = getDb()): Promise<{ id: string; name: string }[]> {
  const shop = await requireShop(db, shopDomain);
  return db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" }, select: { id: true, name: true } });
}

export async function createSurprise(shopDomain: string, form: Record<string, unknown>, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR, _hooks: SurpriseHooks = {}): Promise<string> {
  const shop = await requireShop(db, shopDomain);
  const parsed = surpriseForm.safeParse(form);
  if (!parsed.success) throw new SurpriseAdminError("Check the surprise", Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message])));
  const v = parsed.data;
  const audience: SurpriseAudience = { tierIds: v.tierIds, orderedWithinDays: v.orderedWithinDays, productTypes: v.productTypes, collectionIds: v.collectionIds };
  const id = await inTransaction(db, async (tx) => {
    if (v.prizeType === "reward") {
      const reward = await tx.reward.findFirst({ where: { id: v.rewardId!, shopId: shop.id, enabled: true, type: { in: [...SURPRISE_REWARD_TYPES] } } });
      if (!reward) throw new SurpriseAdminError("Check the surprise", { rewardId: "Choose an enabled reward that gives a code" });
    }
    if (v.prizeType === "gift") {
      // Like the sign-up and milestone rules' gifts: any of the shop's free_product rewards (0031).
      const reward = await tx.reward.findFirst({ where: { id: v.rewardId!, shopId: shop.id, type: "free_product" }, select: { id: true } });
      if (!reward) throw new SurpriseAdminError("Check the surprise", { rewardId: "Choose one of your free-product rewards" });
    }
    if (audience.tierIds.length > 0) {
      const tiers = await tx.tier.count({ where: { shopId: shop.id, id: { in: audience.tierIds } } });
      if (tiers !== audience.tierIds.length) throw new SurpriseAdminError("Check the surprise", { tierIds: "Choose tiers of this shop" });
    }
    const created = await tx.surprise.create({
      data: {
        shopId: shop.id,
        name: v.name,
        audience: JSON.stringify(audience),
        prizeType: v.prizeType,
        prizePoints: v.prizeType === "points" ? v.prizePoints : null,
        rewardId: v.prizeType === "reward" || v.prizeType === "gift" ? v.rewardId : null,
        winnersWanted: v.mode === "draw" ? v.winners : null,
        actor: actor.id ? `staff:${actor.id}` : "system",
      },
    });
    await recordAudit(tx, {
      shopId: shop.id,
      actor,
      action: "surprise.created",
      subjectType: "surprise",
      subjectId: created.id,
      subjectLabel: created.name,
      before: null,
      after: { name: v.name, prize: describePrize(created), winners: v.mode === "draw" ? v.winners : "all", audience },
    });
    return created.id;
  });
  invalidateShopConfig(shopDomain); // the storefront reads winners only in shops that have surprises
  return id;
}

/** draft -> queued (the job draws and awards); once: a started surprise is not started again. */
export async function startSurprise(shopDomain: string, surpriseId: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR, now = new Date()): Promise<boolean> {
  const shop = await requireShop(db, shopDomain);
  return inTransaction(db, async (tx) => {
    const s = await tx.surprise.findFirst({ where: { id: surpriseId, shopId: shop.id } });
    if (!s) throw new SurpriseAdminError("This surprise does not exist");
    const started = await tx.surprise.updateMany({ where: { id: s.id, status: "draft" }, data: { status: "queued", nextAttemptAt: now } });
    if (started.count !== 1) return false;
    await recordAudit(tx, { shopId: shop.id, actor, action: "surprise.started", subjectType: "surprise", subjectId: s.id, subjectLabel: s.name, before: { status: "draft" }, after: { status: "queued" } });
    return true;
  });
}

/** Deletes a surprise not started yet. */
export async function deleteSurprise(shopDomain: string, surpriseId: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<boolean> {
  const shop = await requireShop(db, shopDomain);
  return inTransaction(db, async (tx) => {
    const s = await tx.surprise.findFirst({ where: { id: surpriseId, shopId: shop.id, status: "draft" } });
    if (!s) return false;
    await tx.surprise.delete({ where: { id: s.id } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "surprise.deleted", subjectType: "surprise", subjectId: s.id, subjectLabel: s.name, before: { name: s.name }, after: null });
    return true;
  });
}

export interface SurpriseRow {
  id: string;
  name: string;
  status: SurpriseStatus;
  prize: string;
  winnersWanted: number | null;
  eligibleCount: number | null;
  winnerCount: number;
  awardedCount: number;
  drawnAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  lastError: string | null;
}

export async function listSurprises(shopDomain: string, db: Db = getDb()): Promise<SurpriseRow[]> {
  const shop = await requireShop(db, shopDomain);
  const rows = await db.surprise.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "desc" }, take: 100 });
  const rewards = new Map((await db.reward.findMany({ where: { shopId: shop.id, id: { in: rows.flatMap((r) => (r.rewardId ? [r.rewardId] : [])) } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status as SurpriseStatus,
    prize: describePrize({ ...r, rewardName: r.rewardId ? rewards.get(r.rewardId) : null }),
    winnersWanted: r.winnersWanted,
    eligibleCount: r.eligibleCount,
    winnerCount: r.winnerCount,
    awardedCount: r.awardedCount,
    drawnAt: r.drawnAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    lastError: r.lastError,
  }));
}

/** One surprise's winners (the draw's record), the first `limit` in the order they were drawn. */
export async function surpriseWinners(shopDomain: string, surpriseId: string, db: Db = getDb(), limit = 500) {
  const shop = await requireShop(db, shopDomain);
  const rows = await db.surpriseWinner.findMany({
    where: { surpriseId, shopId: shop.id },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { memberId: true, awardedAt: true, member: { select: { firstName: true, lastName: true, email: true } } },
  });
  return rows.map((w) => ({ memberId: w.memberId, name: [w.member.firstName, w.member.lastName].filter(Boolean).join(" ") || w.member.email || "Member", awardedAt: w.awardedAt?.toISOString() ?? null }));
}

/** Claims a due surprise (queued, or awarding with its lease over) for one worker until `leaseUntil`. */
export async function claimDueSurprise(db: Db, now: Date, leaseUntil: Date): Promise<{ id: string; shopId: string; attempts: number } | null> {
  const due = await db.surprise.findMany({
    where: { status: { in: ["queued", "awarding"] }, nextAttemptAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    orderBy: { nextAttemptAt: "asc" },
    select: { id: true, leaseUntil: true },
    take: 5,
  });
  for (const s of due) {
    const claimed = await db.surprise.updateMany({ where: { id: s.id, leaseUntil: s.leaseUntil }, data: { leaseUntil, attempts: { increment: 1 } } });
    if (claimed.count === 1) {
      const row = await db.surprise.findUniqueOrThrow({ where: { id: s.id }, select: { id: true, shopId: true, attempts: true } });
      return row;
    }
  }
  return null;
}
