// The monthly leaderboard's pure rules: which ledger kinds count, the month in the shop's
// time zone, the name shown, and the ranking. Persistence in ./leaderboard.server.ts.
// docs/decisions/0035-challenges-and-leaderboard.md

import type { LedgerKind } from "../ledger/entries";
import { localDate, zonedToUtc } from "../program/zoned-time";

/**
 * Points earned in the month: what the member's own activity earned, net of what refunds
 * took back. Counted as delta + pendingDelta (an order's points count when earned, even if
 * still pending; their release is a move, not an earning). Not counted: redemptions and
 * their reversals, expiry, staff adjustments and imports (not earned this month by the
 * member), pending releases (counted at earning).
 */
export const LEADERBOARD_KINDS: readonly LedgerKind[] = ["order_earned", "order_reversed", "signup_bonus", "action_bonus", "referral"];

export const LEADERBOARD_SIZE = 10;

/** The shop-local calendar month containing `now`, as UTC instants [from, to). */
export function monthRange(now: Date, timeZone: string): { from: Date; to: Date; month: string } {
  const { year, monthIndex } = localDate(now, timeZone);
  const from = zonedToUtc(timeZone, year, monthIndex, 1);
  const to = monthIndex === 11 ? zonedToUtc(timeZone, year + 1, 0, 1) : zonedToUtc(timeZone, year, monthIndex + 1, 1);
  return { from, to, month: `${year}-${String(monthIndex + 1).padStart(2, "0")}` };
}

/** First name and the last name's initial ("Anna K."); null when there is no first name (the widget says "A member"). */
export function leaderboardName(firstName: string | null, lastName: string | null): string | null {
  const first = firstName?.trim().split(/\s+/)[0];
  if (!first) return null;
  const initial = lastName?.trim() ? Array.from(lastName.trim())[0]!.toUpperCase() : "";
  return initial ? `${first} ${initial}.` : first;
}

export interface Standing {
  memberId: string;
  points: number;
  /** Tie-break: who opted in first ranks first, then the id (stable). */
  optInAt: Date;
}

/** Ranks members with points > 0: most points first; equal points share no rank (ordered by opt-in). */
export function rankStandings(rows: readonly Standing[]): Array<Standing & { rank: number }> {
  return rows
    .filter((r) => r.points > 0)
    .sort((a, b) => b.points - a.points || a.optInAt.getTime() - b.optInAt.getTime() || (a.memberId < b.memberId ? -1 : 1))
    .map((r, i) => ({ ...r, rank: i + 1 }));
}
