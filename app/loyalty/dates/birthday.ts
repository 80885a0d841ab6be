// Birthdays and other yearly dates, as pure rules (docs/decisions/0023-dates-and-reminders.md).
// Persistence is in ./birthday.server.ts (the member gives it) and ./sweeps.server.ts (the
// day comes).

import { localDate } from "../program/zoned-time";

export interface BirthdayInput {
  month: number;
  day: number;
  /** Optional; when given, month-day-year must be a real date in the past. */
  year?: number | null;
}

export interface StoredBirthday {
  month: number;
  day: number;
  year: number | null;
}

/** Days in each month; February has 29 so a leap-day birthday can be entered without a year. */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A member may change their birthday once a year: this long after the last time they set it. */
export const BIRTHDAY_CHANGE_AFTER_DAYS = 365;
const DAY_MS = 86_400_000;

export type BirthdayProblem = "bad_birthday";

/**
 * A birthday as the widget sends it, or null when it is not a real day: month 1-12, a day
 * the month has (29 February allowed), and a year (optional) between 1900 and this year
 * that makes a real date not in the future.
 */
export function parseBirthdayInput(input: { month: unknown; day: unknown; year?: unknown }, now: Date): StoredBirthday | null {
  const { month, day } = input;
  const year = input.year ?? null;
  if (!Number.isInteger(month) || !Number.isInteger(day)) return null;
  const m = month as number;
  const d = day as number;
  if (m < 1 || m > 12 || d < 1 || d > DAYS_IN_MONTH[m - 1]!) return null;
  if (year === null) return { month: m, day: d, year: null };
  if (!Number.isInteger(year)) return null;
  const y = year as number;
  if (y < 1900 || y > now.getUTCFullYear()) return null;
  if (m === 2 && d === 29 && !isLeapYear(y)) return null;
  if (Date.UTC(y, m - 1, d) > now.getTime()) return null;
  return { month: m, day: d, year: y };
}

/** When the member may change their birthday again; null: now (never set, or set a year ago). */
export function birthdayChangeableFrom(setAt: Date | null, now: Date): Date | null {
  if (!setAt) return null;
  const from = new Date(setAt.getTime() + BIRTHDAY_CHANGE_AFTER_DAYS * DAY_MS);
  return from.getTime() <= now.getTime() ? null : from;
}

/**
 * The (month, day) pairs celebrated on a calendar date: the date itself, and on 28 February
 * of a year without a 29th, the leap-day birthdays too.
 */
export function yearlyDatesCelebratedOn(date: { year: number; month: number; day: number }): { month: number; day: number }[] {
  const pairs = [{ month: date.month, day: date.day }];
  if (date.month === 2 && date.day === 28 && !isLeapYear(date.year)) pairs.push({ month: 2, day: 29 });
  return pairs;
}

/** "YYYY-MM-DD" of a shop-local date. */
export function dateText(date: { year: number; month: number; day: number }): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

export function parseDateText(text: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** The shop-local date of `at`, month 1-12. */
export function shopDate(at: Date, timeZone: string): { year: number; month: number; day: number } {
  const d = localDate(at, timeZone);
  return { year: d.year, month: d.monthIndex + 1, day: d.day };
}

/** The calendar dates after `from` up to and including `to` (both "YYYY-MM-DD"), oldest first; at most `max`, the newest kept. */
export function datesAfter(from: string | null, to: string, max: number): string[] {
  const end = parseDateText(to);
  if (!end) return [];
  const out: string[] = [];
  let cursor = Date.UTC(end.year, end.month - 1, end.day);
  while (out.length < max) {
    const text = new Date(cursor).toISOString().slice(0, 10);
    if (from !== null && text <= from) break;
    out.unshift(text);
    cursor -= DAY_MS;
  }
  return out;
}

/** Ledger key of a member's birthday points in a year (once per member per year). */
export function birthdayLedgerKey(memberId: string, year: number): string {
  return `birthday:${memberId}:${year}`;
}

/**
 * When a member's points expire under inactivity expiry: `months` calendar months after
 * their last activity (the same arithmetic as ledger/entries.ts isInactiveSince).
 */
export function inactivityExpiryAt(lastActivityAt: Date, months: number): Date {
  const at = new Date(lastActivityAt);
  at.setUTCMonth(at.getUTCMonth() + months);
  return at;
}

/** The last activity instant whose expiry is at `expiresAt` or before: the inverse of inactivityExpiryAt for the sweep's cutoff. */
export function lastActivityCutoffFor(expiresBy: Date, months: number): Date {
  const at = new Date(expiresBy);
  at.setUTCMonth(at.getUTCMonth() - months);
  return at;
}
