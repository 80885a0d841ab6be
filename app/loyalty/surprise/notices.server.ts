import { getDb, type Db } from "../../db.server";
import { readOccasionData } from "../notify/occasions";
import { occasionKey } from "../notify/occasions";

// The widget's announcement of a surprise: each prize a member won and has not seen yet,
// shown once (the widget marks it seen: app/routes/proxy.surprise-seen.tsx).
// docs/decisions/0037-charity-and-surprises.md

export interface SurpriseNotice {
  /** The SurpriseWinner row's id: what the widget sends back when it has shown the notice. */
  id: string;
  name: string;
  points: number | null;
  rewardText: string | null;
  /** The reward's code once Shopify has it; null for points or while it is being made. */
  code: string | null;
}

export async function loadSurpriseNotices(db: Db, shopId: string, memberId: string): Promise<SurpriseNotice[]> {
  const wins = await db.surpriseWinner.findMany({
    where: { memberId, seenAt: null, awardedAt: { not: null } },
    orderBy: { awardedAt: "desc" },
    take: 3,
    select: { id: true, surpriseId: true, redemptionId: true },
  });
  if (wins.length === 0) return [];
  const [surprises, occasions, redemptions] = await Promise.all([
    db.surprise.findMany({ where: { id: { in: [...new Set(wins.map((w) => w.surpriseId))] } }, select: { id: true, name: true } }),
    db.occasion.findMany({ where: { shopId, key: { in: wins.map((w) => occasionKey("surprise", w.surpriseId, memberId)) } }, select: { key: true, data: true } }),
    db.redemption.findMany({ where: { id: { in: wins.flatMap((w) => (w.redemptionId ? [w.redemptionId] : [])) } }, select: { id: true, status: true, code: true } }),
  ]);
  const dataOf = new Map(occasions.map((o) => [o.key, readOccasionData("surprise", o.data)]));
  const nameOf = new Map(surprises.map((s) => [s.id, s.name]));
  const codeOf = new Map(redemptions.map((r) => [r.id, r.status === "issued" || r.status === "used" ? r.code : null]));
  return wins.map((w) => {
    const data = dataOf.get(occasionKey("surprise", w.surpriseId, memberId)) ?? null;
    return { id: w.id, name: nameOf.get(w.surpriseId) ?? "", points: data?.points ?? null, rewardText: data?.rewardText ?? null, code: w.redemptionId ? (codeOf.get(w.redemptionId) ?? null) : null };
  });
}

/** The member saw the notice: it is not shown again. Only the member's own row; true when marked. */
export async function markSurpriseSeen(input: { shopDomain: string; customerGid: string; noticeId: string; now?: Date }, db: Db = getDb()): Promise<boolean> {
  const member = await db.member.findFirst({ where: { customerGid: input.customerGid, shop: { domain: input.shopDomain } }, select: { id: true } });
  if (!member) return false;
  const marked = await db.surpriseWinner.updateMany({ where: { id: input.noticeId, memberId: member.id, seenAt: null }, data: { seenAt: input.now ?? new Date() } });
  return marked.count === 1;
}
