// Challenges: time-boxed goals ("3 orders in 30 days", "spend 100 € on Candles", "refer 2 friends
// this month", "complete your profile") that award points, a badge, or both. Pure rules:
// kinds, windows, progress and completion. Persistence is in ./progress.server.ts (the
// order, referral and profile paths) and ./admin.server.ts (the merchant's page).
// docs/decisions/0035-challenges-and-leaderboard.md

import { MS_PER_DAY } from "../program/defaults";

export const CHALLENGE_KINDS = ["orders_count", "spend", "spend_in_collection", "referrals", "profile_complete"] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/**
 * fixed: [startsAt, endsAt). from_start: [startsAt, startsAt + windowDays). from_join: each
 * member's own [joinedAt, joinedAt + windowDays), joining possible while [startsAt, endsAt).
 */
export const WINDOW_KINDS = ["fixed", "from_start", "from_join"] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export const MAX_WINDOW_DAYS = 366;
export const MAX_CHALLENGE_NAME = 80;
export const MAX_CHALLENGE_DESCRIPTION = 300;
export const MAX_TARGET = 1_000_000;
export const MAX_REWARD_POINTS = 1_000_000;

export interface ChallengeRules {
  kind: ChallengeKind;
  target: number;
  windowKind: WindowKind;
  startsAt: Date;
  endsAt: Date | null;
  windowDays: number | null;
  status: string;
}

export interface TimeWindow {
  from: Date;
  /** Exclusive; null: open-ended. */
  to: Date | null;
}

const addDays = (at: Date, days: number) => new Date(at.getTime() + days * MS_PER_DAY);

/** The span members can join in (and, for fixed and from_start, the span that counts). */
export function challengeSpan(c: Pick<ChallengeRules, "windowKind" | "startsAt" | "endsAt" | "windowDays">): TimeWindow {
  if (c.windowKind === "from_start") return { from: c.startsAt, to: addDays(c.startsAt, c.windowDays ?? 0) };
  return { from: c.startsAt, to: c.endsAt };
}

/** The window a member's activity counts in: the challenge's span, or from their joining for from_join. */
export function memberWindow(c: Pick<ChallengeRules, "windowKind" | "startsAt" | "endsAt" | "windowDays">, joinedAt: Date): TimeWindow {
  if (c.windowKind !== "from_join") return challengeSpan(c);
  const to = addDays(joinedAt, c.windowDays ?? 0);
  return { from: joinedAt, to };
}

export function inWindow(window: TimeWindow, at: Date): boolean {
  return at.getTime() >= window.from.getTime() && (window.to === null || at.getTime() < window.to.getTime());
}

/** A challenge takes new members now: on, and inside its span. */
export function isJoinable(c: ChallengeRules, now: Date): boolean {
  return c.status === "active" && inWindow(challengeSpan(c), now);
}

export type ChallengeStatus = "scheduled" | "running" | "ended" | "paused";

export function challengeStatus(c: ChallengeRules, now: Date): ChallengeStatus {
  if (c.status !== "active") return "paused";
  const span = challengeSpan(c);
  if (now.getTime() < span.from.getTime()) return "scheduled";
  // A from_join challenge runs on for the members inside their windows after joining closes,
  // but it no longer takes new ones: "ended" is about joining.
  if (span.to !== null && now.getTime() >= span.to.getTime()) return "ended";
  return "running";
}

/**
 * Where a member's progress moves to, given what the sources count now. Completed is final:
 * its progress is frozen (a refund after completion takes nothing back, 0035); below the
 * target, progress follows the sources both ways (a refund lowers it). Completion happens
 * once, when the count reaches the target while the member's window is open.
 */
export function nextProgress(
  stored: { progress: number; completedAt: Date | null },
  counted: number,
  target: number,
  windowOpen: boolean,
): { progress: number; completes: boolean } {
  if (stored.completedAt) return { progress: stored.progress, completes: false };
  const progress = Math.max(0, Math.min(counted, target));
  return { progress, completes: windowOpen && progress >= target };
}

/** Whether an event of this kind can move this challenge (the order path asks for orders and spend only). */
export type ChallengeTrigger = "order" | "referral" | "profile";

export const KINDS_BY_TRIGGER: Readonly<Record<ChallengeTrigger, readonly ChallengeKind[]>> = {
  order: ["orders_count", "spend", "spend_in_collection"],
  referral: ["referrals"],
  profile: ["profile_complete"],
};

/** Profile complete: the member's birthday is given and their first name is known (0035). */
export function profileComplete(member: { firstName: string | null; birthMonth: number | null; birthDay: number | null }): boolean {
  return Boolean(member.firstName?.trim()) && member.birthMonth !== null && member.birthDay !== null;
}

/** Percent for a progress bar, 0-100. */
export function progressPercent(progress: number, target: number): number {
  if (target <= 0) return 100;
  return Math.max(0, Math.min(100, Math.floor((progress * 100) / target)));
}

/** Kinds whose target is money (minor units of the shop's currency). */
export function isMoneyKind(kind: string): boolean {
  return kind === "spend" || kind === "spend_in_collection";
}
