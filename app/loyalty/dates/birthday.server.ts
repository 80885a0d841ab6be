import { getDb, type Db } from "../../db.server";
import { refreshChallenges } from "../challenges/progress.server";
import { inTransaction } from "../tx.server";
import { birthdayChangeableFrom, parseBirthdayInput, type StoredBirthday } from "./birthday";

// The member gives their birthday in the widget (POST /apps/kanta/birthday). Stored on the
// Member (month, day, optional year) and, by the birthday metafield sync
// (./metafield.server.ts), on the Shopify customer. It can be changed once a year
// (./birthday.ts BIRTHDAY_CHANGE_AFTER_DAYS): the birthday points come on the day, once per
// member per calendar year (./sweeps.server.ts), so moving the date cannot pay twice in a
// year, and the change limit keeps it from being a game. docs/decisions/0023-dates-and-reminders.md

export type BirthdayErrorCode = "program_inactive" | "not_a_member" | "member_excluded" | "bad_birthday" | "birthday_locked";

export class BirthdayError extends Error {
  override name = "BirthdayError";
  constructor(
    readonly code: BirthdayErrorCode,
    message: string,
    readonly changeableFrom: Date | null = null,
  ) {
    super(message);
  }
}

export interface SetBirthdayInput {
  shopDomain: string;
  customerGid: string;
  month: unknown;
  day: unknown;
  year?: unknown;
  now?: Date;
}

export interface BirthdayView {
  month: number;
  day: number;
  year: number | null;
  /** When the member may change it again (ISO); null: now. */
  changeableFrom: string | null;
}

export function toBirthdayView(member: { birthMonth: number | null; birthDay: number | null; birthYear: number | null; birthdaySetAt: Date | null }, now: Date): BirthdayView | null {
  if (member.birthMonth === null || member.birthDay === null) return null;
  const from = birthdayChangeableFrom(member.birthdaySetAt, now);
  return { month: member.birthMonth, day: member.birthDay, year: member.birthYear, changeableFrom: from ? from.toISOString() : null };
}

export async function setBirthday(input: SetBirthdayInput, db: Db = getDb()): Promise<BirthdayView> {
  const now = input.now ?? new Date();
  const shop = await db.shop.findUnique({ where: { domain: input.shopDomain }, select: { id: true, uninstalledAt: true, program: { select: { status: true } } } });
  if (!shop || shop.uninstalledAt || shop.program?.status !== "live") throw new BirthdayError("program_inactive", "The rewards program is not active.");
  const birthday = parseBirthdayInput({ month: input.month, day: input.day, year: input.year }, now);
  if (!birthday) throw new BirthdayError("bad_birthday", "Enter a real date: a month, a day and, if you like, a year in the past.");
  const member = await db.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid: input.customerGid } },
    select: { id: true, status: true, birthMonth: true, birthDay: true, birthYear: true, birthdaySetAt: true },
  });
  if (!member) throw new BirthdayError("not_a_member", "Join the program to add your birthday.");
  if (member.status !== "active") throw new BirthdayError("member_excluded", "This account cannot earn points.");
  if (sameBirthday(member, birthday)) return toBirthdayView(member, now)!;
  const lockedUntil = birthdayChangeableFrom(member.birthdaySetAt, now);
  if (member.birthMonth !== null && lockedUntil) {
    throw new BirthdayError("birthday_locked", "Your birthday can be changed once a year.", lockedUntil);
  }
  // Conditional on what was read: of two concurrent changes, one wins and the other is refused.
  const updated = await db.member.updateMany({
    where: { id: member.id, birthdaySetAt: member.birthdaySetAt },
    data: { birthMonth: birthday.month, birthDay: birthday.day, birthYear: birthday.year, birthdaySetAt: now, birthdaySyncDue: true },
  });
  if (updated.count === 0) throw new BirthdayError("birthday_locked", "Your birthday can be changed once a year.", birthdayChangeableFrom(now, now));
  // A "complete your profile" challenge may complete now (0035).
  await inTransaction(db, (tx) => refreshChallenges(tx, { shopId: shop.id, programLive: true, now }, member.id, "profile"));
  return toBirthdayView({ birthMonth: birthday.month, birthDay: birthday.day, birthYear: birthday.year, birthdaySetAt: now }, now)!;
}

function sameBirthday(member: { birthMonth: number | null; birthDay: number | null; birthYear: number | null }, b: StoredBirthday): boolean {
  return member.birthMonth === b.month && member.birthDay === b.day && member.birthYear === b.year;
}
