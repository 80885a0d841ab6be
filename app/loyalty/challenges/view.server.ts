import type { Db } from "../../db.server";
import { badgeGlyph } from "./badges";
import { challengeSpan, inWindow, isJoinable, memberWindow, progressPercent, type ChallengeKind, type WindowKind } from "./rules";

// What the widget shows a member: the challenges they can still do or have done, with
// their progress, and their badges. Part of the customer view (../storefront). Paused
// challenges are hidden; a completed one stays listed while it runs.
// docs/decisions/0035-challenges-and-leaderboard.md

export interface MemberChallengeView {
  id: string;
  name: string;
  description: string;
  kind: ChallengeKind;
  /** spend_in_collection: the collection's title. */
  collection: string | null;
  /** Count, or minor units of the shop's currency for spend. */
  target: number;
  progress: number;
  percent: number;
  completed: boolean;
  /** The member's window's end (ISO), or the span's end before joining; null: open-ended. */
  endsAt: string | null;
  /** from_join: the window's length in days, when the member has not started yet. */
  windowDays: number | null;
  rewardPoints: number;
  badge: { name: string; glyph: string } | null;
}

export interface MemberBadgeView {
  name: string;
  glyph: string;
  description: string;
  awardedAt: string;
}

const MAX_SHOWN = 10;

/** The shop's side of the view: its active challenges and its badges. Kept with the storefront's cached shop (../storefront). */
export interface ShopChallenges {
  /** Active challenges, latest start first (including those not started yet: the view filters by its clock). */
  challenges: {
    id: string;
    name: string;
    description: string;
    kind: string;
    status: string;
    windowKind: string;
    windowDays: number | null;
    startsAt: Date;
    endsAt: Date | null;
    target: number;
    rewardPoints: number;
    collection: string | null;
    badge: { name: string; icon: string } | null;
  }[];
  badges: Map<string, { name: string; icon: string; description: string }>;
}

const SHOP_CHALLENGES_LOADED = 200;

export async function loadShopChallenges(db: Db, shopId: string): Promise<ShopChallenges> {
  const [rows, badges] = await Promise.all([
    db.challenge.findMany({ where: { shopId, status: "active" }, orderBy: { startsAt: "desc" }, take: SHOP_CHALLENGES_LOADED }),
    db.badge.findMany({ where: { shopId }, select: { id: true, name: true, icon: true, description: true } }),
  ]);
  const badgeOf = new Map(badges.map((b) => [b.id, { name: b.name, icon: b.icon, description: b.description }]));
  const collectionGids = [...new Set(rows.map((c) => c.collectionGid).filter((g): g is string => g !== null))];
  const titles = new Map(
    collectionGids.length ? (await db.catalogCollection.findMany({ where: { shopId, collectionGid: { in: collectionGids } }, select: { collectionGid: true, title: true } })).map((c) => [c.collectionGid, c.title]) : [],
  );
  return {
    challenges: rows.map((c) => {
      const badge = c.badgeId ? badgeOf.get(c.badgeId) : undefined;
      return {
        id: c.id,
        name: c.name,
        description: c.description,
        kind: c.kind,
        status: c.status,
        windowKind: c.windowKind,
        windowDays: c.windowDays,
        startsAt: c.startsAt,
        endsAt: c.endsAt,
        target: c.target,
        rewardPoints: c.rewardPoints,
        collection: c.collectionGid ? (titles.get(c.collectionGid) ?? null) : null,
        badge: badge ? { name: badge.name, icon: badge.icon } : null,
      };
    }),
    badges: badgeOf,
  };
}

/**
 * The member's challenges and badges: the member's progress and awards (at most two
 * indexed reads, none when the shop has no challenges and no badges) against the shop's.
 */
export async function getMemberChallengeView(db: Db, shop: ShopChallenges, memberId: string, now: Date): Promise<{ challenges: MemberChallengeView[]; badges: MemberBadgeView[] }> {
  const started = shop.challenges.filter((c) => c.startsAt <= now).slice(0, 50);
  const [progress, awarded] = await Promise.all([
    started.length
      ? db.challengeProgress.findMany({ where: { memberId, challengeId: { in: started.map((c) => c.id) } }, select: { challengeId: true, joinedAt: true, progress: true, completedAt: true } })
      : Promise.resolve([]),
    shop.badges.size ? db.memberBadge.findMany({ where: { memberId }, orderBy: { awardedAt: "asc" }, select: { badgeId: true, awardedAt: true } }) : Promise.resolve([]),
  ]);
  // A badge made since the shop's side was read: read it now.
  const unknown = awarded.filter((a) => !shop.badges.has(a.badgeId)).map((a) => a.badgeId);
  const badgeOf = unknown.length
    ? new Map([...shop.badges, ...(await db.badge.findMany({ where: { id: { in: unknown } }, select: { id: true, name: true, icon: true, description: true } })).map((b) => [b.id, b] as const)])
    : shop.badges;
  const progressOf = new Map(progress.map((p) => [p.challengeId, p]));
  const shown: MemberChallengeView[] = [];
  for (const c of started) {
    const rules = { ...c, kind: c.kind as ChallengeKind, windowKind: c.windowKind as WindowKind };
    const row = progressOf.get(c.id) ?? null;
    const window = row ? memberWindow(rules, row.joinedAt) : challengeSpan(rules);
    const open = row ? inWindow(window, now) : isJoinable(rules, now);
    if (!open && !row?.completedAt) continue;
    shown.push({
      id: c.id,
      name: c.name,
      description: c.description,
      kind: rules.kind,
      collection: c.collection,
      target: c.target,
      progress: row?.progress ?? 0,
      percent: row?.completedAt ? 100 : progressPercent(row?.progress ?? 0, c.target),
      completed: Boolean(row?.completedAt),
      endsAt: window.to?.toISOString() ?? null,
      windowDays: !row && rules.windowKind === "from_join" ? c.windowDays : null,
      rewardPoints: c.rewardPoints,
      badge: c.badge ? { name: c.badge.name, glyph: badgeGlyph(c.badge.icon) } : null,
    });
    if (shown.length >= MAX_SHOWN) break;
  }
  return {
    challenges: shown,
    badges: awarded.flatMap((a) => {
      const b = badgeOf.get(a.badgeId);
      return b ? [{ name: b.name, glyph: badgeGlyph(b.icon), description: b.description, awardedAt: a.awardedAt.toISOString() }] : [];
    }),
  };
}
