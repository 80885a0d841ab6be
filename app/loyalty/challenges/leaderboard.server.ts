import { getDb, type Db } from "../../db.server";
import { LEADERBOARD_KINDS, LEADERBOARD_SIZE, leaderboardName, monthRange, rankStandings, type Standing } from "./leaderboard";

// The monthly leaderboard, per shop, opt-in. Computed on read with indexed queries: the
// shop's opted-in active members (Member [shopId, leaderboardOptInAt]), then their month's
// earning rows (LedgerEntry [memberId, createdAt]) summed per member, in chunks. Cost grows
// with the members who opted in, not with the shop's ledger; see 0035 for when a monthly
// rollup on the ledger path would replace it. Leaving clears leaderboardOptInAt: the next
// read no longer has the member (no cache to expire).
// docs/decisions/0035-challenges-and-leaderboard.md

const CHUNK = 500;

export interface LeaderboardRow {
  rank: number;
  /** "Anna K."; null when the member has no first name (the widget shows "A member"). */
  name: string | null;
  points: number;
  you: boolean;
}

export interface LeaderboardView {
  month: string;
  top: LeaderboardRow[];
  /** The signed-in member: opted in, and their rank (null: no points this month yet). */
  me: { optedIn: boolean; rank: number | null; points: number } | null;
}

export async function getLeaderboard(db: Db, shop: { id: string; ianaTimezone: string }, memberId: string | null, now = new Date()): Promise<LeaderboardView> {
  const { from, to, month } = monthRange(now, shop.ianaTimezone);
  const members = await db.member.findMany({
    where: { shopId: shop.id, leaderboardOptInAt: { not: null }, status: "active" },
    select: { id: true, firstName: true, lastName: true, leaderboardOptInAt: true },
  });
  const sums = new Map<string, number>();
  for (let i = 0; i < members.length; i += CHUNK) {
    const ids = members.slice(i, i + CHUNK).map((m) => m.id);
    const groups = await db.ledgerEntry.groupBy({
      by: ["memberId"],
      where: { memberId: { in: ids }, createdAt: { gte: from, lt: to }, kind: { in: [...LEADERBOARD_KINDS] } },
      _sum: { delta: true, pendingDelta: true },
    });
    for (const g of groups) sums.set(g.memberId, (g._sum.delta ?? 0) + (g._sum.pendingDelta ?? 0));
  }
  const byId = new Map(members.map((m) => [m.id, m]));
  const standings: Standing[] = members.map((m) => ({ memberId: m.id, points: sums.get(m.id) ?? 0, optInAt: m.leaderboardOptInAt! }));
  const ranked = rankStandings(standings);
  const top = ranked.slice(0, LEADERBOARD_SIZE).map((r) => {
    const m = byId.get(r.memberId)!;
    return { rank: r.rank, name: leaderboardName(m.firstName, m.lastName), points: r.points, you: r.memberId === memberId };
  });
  let me: LeaderboardView["me"] = null;
  if (memberId) {
    const mine = ranked.find((r) => r.memberId === memberId);
    me = { optedIn: byId.has(memberId), rank: mine?.rank ?? null, points: mine?.points ?? 0 };
  }
  return { month, top, me };
}

/** Join (opt in, from now) or leave (hidden at once). Returns whether the member is in. */
export async function setLeaderboardOptIn(db: Db, shopId: string, memberId: string, join: boolean, now = new Date()): Promise<boolean> {
  if (join) await db.member.updateMany({ where: { id: memberId, shopId, leaderboardOptInAt: null }, data: { leaderboardOptInAt: now } });
  else await db.member.updateMany({ where: { id: memberId, shopId }, data: { leaderboardOptInAt: null } });
  return join;
}

export class LeaderboardError extends Error {
  override name = "LeaderboardError";
  constructor(
    readonly code: "program_not_found" | "not_a_member" | "member_excluded",
    message: string,
  ) {
    super(message);
  }
}

async function shopAndMember(db: Db, shopDomain: string, customerGid: string | null) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, ianaTimezone: true, uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) throw new LeaderboardError("program_not_found", "There is no rewards program here.");
  const member = customerGid
    ? await db.member.findUnique({ where: { shopId_customerGid: { shopId: shop.id, customerGid } }, select: { id: true, status: true } })
    : null;
  return { shop, member };
}

/** The app proxy's read: the month's top 10, and "you are #N" for a signed-in member. */
export async function getShopperLeaderboard(shopDomain: string, customerGid: string | null, db: Db = getDb(), now = new Date()): Promise<LeaderboardView> {
  const { shop, member } = await shopAndMember(db, shopDomain, customerGid);
  return getLeaderboard(db, shop, member?.status === "active" ? member.id : null, now);
}

/** The app proxy's join/leave, for the signed-in member only. */
export async function setShopperLeaderboard(shopDomain: string, customerGid: string, join: boolean, db: Db = getDb(), now = new Date()): Promise<LeaderboardView> {
  const { shop, member } = await shopAndMember(db, shopDomain, customerGid);
  if (!member) throw new LeaderboardError("not_a_member", "Join the program to be on the leaderboard.");
  if (member.status !== "active") throw new LeaderboardError("member_excluded", "This account cannot take part.");
  await setLeaderboardOptIn(db, shop.id, member.id, join, now);
  return getLeaderboard(db, shop, member.id, now);
}
