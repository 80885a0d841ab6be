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

export async function getMemberChallengeView(db: Db, shopId: string, memberId: string, now: Date): Promise<{ challenges: MemberChallengeView[]; badges: MemberBadgeView[] }> {
  const [challenges, badges] = await Promise.all([
    db.challenge.findMany({
      where: { shopId, status: "active", startsAt: { lte: now } },
      orderBy: { startsAt: "desc" },
      take: 50,
      include: { badge: { select: { name: true, icon: true } }, progress: { where: { memberId }, select: { joinedAt: true, progress: true, completedAt: true } } },
    }),
    db.memberBadge.findMany({ where: { memberId }, orderBy: { awardedAt: "asc" }, include: { badge: { select: { name: true, icon: true, description: true } } } }),
  ]);
  const collectionGids = [...new Set(challenges.map((c) => c.collectionGid).filter((g): g is string => g !== null))];
  const titles = new Map(
    collectionGids.length ? (await db.catalogCollection.findMany({ where: { shopId, collectionGid: { in: collectionGids } }, select: { collectionGid: true, title: true } })).map((c) => [c.collectionGid, c.title]) : [],
  );
  const shown: MemberChallengeView[] = [];
  for (const c of challenges) {
    const rules = { ...c, kind: c.kind as ChallengeKind, windowKind: c.windowKind as WindowKind };
    const row = c.progress[0] ?? null;
    const window = row ? memberWindow(rules, row.joinedAt) : challengeSpan(rules);
    const open = row ? inWindow(window, now) : isJoinable(rules, now);
    if (!open && !row?.completedAt) continue;
    shown.push({
      id: c.id,
      name: c.name,
      description: c.description,
      kind: rules.kind,
      collection: c.collectionGid ? (titles.get(c.collectionGid) ?? null) : null,
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
    badges: badges.map((b) => ({ name: b.badge.name, glyph: badgeGlyph(b.badge.icon), description: b.badge.description, awardedAt: b.awardedAt.toISOString() })),
  };
}
