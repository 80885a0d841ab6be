import { getDb, type Db } from "../../db.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { parseRewardConfig } from "../rewards/rewards";
import { invalidateShopConfig } from "../program/shop-config.server";
import { utcToZonedDateTime } from "../program/zoned-time";
import { inTransaction } from "../tx.server";
import { BADGE_ICONS, badgeFormSchema, badgeGlyph, type BadgeErrors } from "./badges";
import { EMPTY_CHALLENGE_FORM, challengeFormValues, parseChallengeForm, type ChallengeDraft, type ChallengeErrors, type ChallengeFormValues } from "./form";
import { challengeStatus, type ChallengeKind, type ChallengeRules, type WindowKind } from "./rules";

// The merchant's Challenges page: the list with results (joined, completed), the editor
// (create, edit, pause, resume) and the badges. Every change records an audit row in its
// transaction; saving invalidates the order path's cached shop configuration (whether the
// shop has a challenge on). docs/decisions/0035-challenges-and-leaderboard.md

async function findShop(db: Db, shopDomain: string) {
  return db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, domain: true, currencyCode: true, ianaTimezone: true, primaryLocale: true } });
}

type ChallengeRow = ChallengeRules & ChallengeDraft & { id: string; updatedAt: Date };

function toDraft(row: { name: string; description: string; kind: string; target: number; windowKind: string; startsAt: Date; endsAt: Date | null; windowDays: number | null; rewardPoints: number; badgeId: string | null; collectionGid: string | null; giftRef: string | null }): ChallengeDraft {
  return { ...row, kind: row.kind as ChallengeKind, windowKind: row.windowKind as WindowKind };
}

function auditValues(c: ChallengeDraft & { status?: string }) {
  return { name: c.name, description: c.description, kind: c.kind, target: c.target, windowKind: c.windowKind, startsAt: c.startsAt, endsAt: c.endsAt, windowDays: c.windowDays, rewardPoints: c.rewardPoints, badgeId: c.badgeId, collectionGid: c.collectionGid, giftRef: c.giftRef, ...(c.status ? { status: c.status } : {}) };
}

/** The shop's collections as the catalogue room keeps them (app/loyalty/catalog), for spend_in_collection. */
async function listCollections(db: Db, shopId: string) {
  const rows = await db.catalogCollection.findMany({ where: { shopId }, orderBy: { title: "asc" }, select: { collectionGid: true, title: true }, take: 500 });
  return rows.map((r) => ({ gid: r.collectionGid, title: r.title }));
}

/** The products a challenge can give as a gift: the shop's free_product rewards (0031), as the earn editor lists them. */
export async function listChallengeGiftChoices(db: Db, shopId: string): Promise<{ id: string; label: string; product: string }[]> {
  const rows = await db.reward.findMany({ where: { shopId, type: "free_product" }, orderBy: { name: "asc" }, select: { id: true, name: true, config: true } });
  return rows.map((r) => {
    const title = parseRewardConfig(r.config).productTitle;
    return { id: r.id, label: title && title !== r.name ? `${r.name} (${title})` : r.name, product: title || r.name };
  });
}

export async function listBadges(db: Db, shopId: string) {
  const badges = await db.badge.findMany({ where: { shopId }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, icon: true, description: true, _count: { select: { awarded: true } } } });
  return badges.map((b) => ({ id: b.id, name: b.name, icon: b.icon, glyph: badgeGlyph(b.icon), description: b.description, awarded: b._count.awarded }));
}

/** The list: every challenge with its status and results, and the badges. */
export async function getChallengesPage(shopDomain: string, db: Db = getDb(), now = new Date()) {
  const shop = await findShop(db, shopDomain);
  if (!shop) return null;
  const rows = await db.challenge.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "desc" }, include: { badge: { select: { name: true, icon: true } } } });
  const ids = rows.map((r) => r.id);
  const joined = ids.length ? await db.challengeProgress.groupBy({ by: ["challengeId"], where: { challengeId: { in: ids } }, _count: { _all: true } }) : [];
  const completed = ids.length ? await db.challengeProgress.groupBy({ by: ["challengeId"], where: { challengeId: { in: ids }, completedAt: { not: null } }, _count: { _all: true } }) : [];
  const count = (list: typeof joined, id: string) => list.find((g) => g.challengeId === id)?._count._all ?? 0;
  const collections = await listCollections(db, shop.id);
  const gifts = await listChallengeGiftChoices(db, shop.id);
  return {
    shop: { currencyCode: shop.currencyCode, timezone: shop.ianaTimezone, locale: shop.primaryLocale || "en" },
    challenges: rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind as ChallengeKind,
      target: r.target,
      collection: collections.find((c) => c.gid === r.collectionGid)?.title ?? null,
      windowKind: r.windowKind as WindowKind,
      windowDays: r.windowDays,
      startDate: utcToZonedDateTime(r.startsAt, shop.ianaTimezone).date,
      endDate: r.endsAt ? utcToZonedDateTime(new Date(r.endsAt.getTime() - 1), shop.ianaTimezone).date : null,
      rewardPoints: r.rewardPoints,
      badge: r.badge ? { name: r.badge.name, glyph: badgeGlyph(r.badge.icon) } : null,
      gift: r.giftRef ? (gifts.find((g) => g.id === r.giftRef)?.product ?? "a deleted reward") : null,
      status: challengeStatus({ ...r, kind: r.kind as ChallengeKind, windowKind: r.windowKind as WindowKind }, now),
      joined: count(joined, r.id),
      completed: count(completed, r.id),
    })),
    badges: await listBadges(db, shop.id),
    icons: Object.entries(BADGE_ICONS).map(([value, glyph]) => ({ value, glyph })),
  };
}

/** The editor: the stored challenge's form values (or a new one's, starting today). */
export async function getChallengeEditor(shopDomain: string, id: string, db: Db = getDb(), now = new Date()) {
  const shop = await findShop(db, shopDomain);
  if (!shop) return null;
  const row = id === "new" ? null : await db.challenge.findFirst({ where: { id, shopId: shop.id } });
  if (id !== "new" && !row) return null;
  const context = { timeZone: shop.ianaTimezone, currencyCode: shop.currencyCode };
  const values: ChallengeFormValues = row ? challengeFormValues(toDraft(row), context) : { ...EMPTY_CHALLENGE_FORM, startDate: utcToZonedDateTime(now, shop.ianaTimezone).date };
  const results = row
    ? {
        joined: await db.challengeProgress.count({ where: { challengeId: row.id } }),
        completed: await db.challengeProgress.count({ where: { challengeId: row.id, completedAt: { not: null } } }),
      }
    : null;
  return {
    shop: { currencyCode: shop.currencyCode, timezone: shop.ianaTimezone, locale: shop.primaryLocale || "en" },
    challenge: row ? { id: row.id, name: row.name, paused: row.status !== "active", status: challengeStatus({ ...toDraft(row), status: row.status }, now), results } : null,
    badges: await listBadges(db, shop.id),
    collections: await listCollections(db, shop.id),
    gifts: await listChallengeGiftChoices(db, shop.id),
    values,
  };
}

export type SaveChallengeResult = { ok: true; id: string; name: string; created: boolean } | { ok: false; errors: ChallengeErrors };

/** Creates (id null) or updates a challenge. Invalid input saves nothing and says why, per field. */
export async function saveChallenge(shopDomain: string, id: string | null, values: Partial<ChallengeFormValues>, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<SaveChallengeResult> {
  const shop = await findShop(db, shopDomain);
  if (!shop) return { ok: false, errors: { form: "Your shop is not set up yet: reload the page" } };
  const badgeIds = (await db.badge.findMany({ where: { shopId: shop.id }, select: { id: true } })).map((b) => b.id);
  const collectionGids = (await listCollections(db, shop.id)).map((c) => c.gid);
  const giftRewardIds = (await listChallengeGiftChoices(db, shop.id)).map((g) => g.id);
  const parsed = parseChallengeForm(values, { timeZone: shop.ianaTimezone, currencyCode: shop.currencyCode, badgeIds, collectionGids, giftRewardIds });
  if (!parsed.ok) return parsed;
  const data = parsed.draft;
  if (id) {
    const result = await inTransaction(db, async (tx): Promise<ChallengeErrors | null> => {
      const stored = (await tx.challenge.findFirst({ where: { id, shopId: shop.id } })) as ChallengeRow | null;
      if (!stored) return { form: "This challenge no longer exists" };
      // Members' progress is counted in the goal's units: the goal's kind stays once anyone joined.
      if (stored.kind !== data.kind && (await tx.challengeProgress.count({ where: { challengeId: id } })) > 0) {
        return { kind: "Members have joined: the goal cannot change. Pause this challenge and create another." };
      }
      await tx.challenge.update({ where: { id }, data });
      await recordAudit(tx, { shopId: shop.id, actor, action: "challenge.updated", subjectType: "challenge", subjectId: id, subjectLabel: data.name, before: auditValues(toDraft(stored)), after: auditValues(data) });
      return null;
    });
    if (result) return { ok: false, errors: result };
    invalidateShopConfig(shop.domain);
    return { ok: true, id, name: data.name, created: false };
  }
  const created = await inTransaction(db, async (tx) => {
    const row = await tx.challenge.create({ data: { shopId: shop.id, ...data } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "challenge.created", subjectType: "challenge", subjectId: row.id, subjectLabel: data.name, before: null, after: auditValues({ ...data, status: row.status }) });
    return row;
  });
  invalidateShopConfig(shop.domain);
  return { ok: true, id: created.id, name: data.name, created: true };
}

export class ChallengeError extends Error {
  override name = "ChallengeError";
}

/** Pause (nobody joins, nothing moves, nothing completes) or resume. */
export async function setChallengePaused(shopDomain: string, id: string, paused: boolean, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
  await inTransaction(db, async (tx) => {
    const challenge = await tx.challenge.findFirst({ where: { id, shop: { domain: shopDomain } } });
    if (!challenge) throw new ChallengeError("This challenge no longer exists");
    const status = paused ? "paused" : "active";
    if (challenge.status === status) return;
    await tx.challenge.update({ where: { id }, data: { status } });
    await recordAudit(tx, {
      shopId: challenge.shopId, actor, action: paused ? "challenge.paused" : "challenge.resumed", subjectType: "challenge", subjectId: id, subjectLabel: challenge.name,
      before: { status: challenge.status }, after: { status },
    });
  });
  invalidateShopConfig(shopDomain);
}

export type SaveBadgeResult = { ok: true; id: string; name: string } | { ok: false; errors: BadgeErrors };

/** Creates (id null) or updates a badge definition. */
export async function saveBadge(shopDomain: string, id: string | null, values: { name?: string; icon?: string; description?: string }, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<SaveBadgeResult> {
  const shop = await findShop(db, shopDomain);
  if (!shop) return { ok: false, errors: { form: "Your shop is not set up yet: reload the page" } };
  const parsed = badgeFormSchema.safeParse({ name: values.name ?? "", icon: values.icon ?? "", description: values.description ?? "" });
  if (!parsed.success) {
    const errors: BadgeErrors = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as keyof BadgeErrors] ??= issue.message;
    return { ok: false, errors };
  }
  const data = parsed.data;
  const saved = await inTransaction(db, async (tx) => {
    if (id) {
      const stored = await tx.badge.findFirst({ where: { id, shopId: shop.id } });
      if (!stored) return null;
      await tx.badge.update({ where: { id }, data });
      await recordAudit(tx, { shopId: shop.id, actor, action: "badge.updated", subjectType: "badge", subjectId: id, subjectLabel: data.name, before: { name: stored.name, icon: stored.icon, description: stored.description }, after: data });
      return id;
    }
    const row = await tx.badge.create({ data: { shopId: shop.id, ...data } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "badge.created", subjectType: "badge", subjectId: row.id, subjectLabel: data.name, before: null, after: data });
    return row.id;
  });
  if (!saved) return { ok: false, errors: { form: "This badge no longer exists" } };
  invalidateShopConfig(shopDomain); // the storefront's cached badges
  return { ok: true, id: saved, name: data.name };
}

/** A member's badges and challenges, for the admin member page (null: not this shop's member). */
export async function getMemberChallenges(shopDomain: string, memberId: string, db: Db = getDb()) {
  const member = await db.member.findFirst({ where: { id: memberId, shop: { domain: shopDomain } }, select: { id: true, shop: { select: { currencyCode: true } } } });
  if (!member) return null;
  const [badges, progress] = await Promise.all([
    db.memberBadge.findMany({ where: { memberId }, orderBy: { awardedAt: "asc" }, include: { badge: { select: { name: true, icon: true, description: true } } } }),
    db.challengeProgress.findMany({ where: { memberId }, orderBy: { joinedAt: "desc" }, take: 20, include: { challenge: { select: { name: true, kind: true, target: true } } } }),
  ]);
  return {
    currencyCode: member.shop.currencyCode,
    badges: badges.map((b) => ({ id: b.badgeId, name: b.badge.name, glyph: badgeGlyph(b.badge.icon), description: b.badge.description, awardedAt: b.awardedAt.toISOString() })),
    challenges: progress.map((p) => ({ id: p.challengeId, name: p.challenge.name, kind: p.challenge.kind, progress: p.progress, target: p.challenge.target, completedAt: p.completedAt?.toISOString() ?? null })),
  };
}
