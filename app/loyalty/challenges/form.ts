// The challenge form the merchant edits on /app/challenges/<id>: text fields in, a draft
// out (or errors per field). Pure; ./admin.server.ts saves the draft.
// docs/decisions/0035-challenges-and-leaderboard.md

import { z } from "zod";
import { formatMinorPlain, formatMoney, readMoneyInput } from "../ledger/money";
import { utcToZonedDateTime, zonedDateTimeToUtc } from "../program/zoned-time";
import {
  CHALLENGE_KINDS,
  MAX_CHALLENGE_DESCRIPTION,
  MAX_CHALLENGE_NAME,
  MAX_REWARD_POINTS,
  MAX_TARGET,
  MAX_WINDOW_DAYS,
  WINDOW_KINDS,
  isMoneyKind,
  type ChallengeKind,
  type WindowKind,
} from "./rules";

export type ChallengeField = "name" | "description" | "kind" | "target" | "collectionGid" | "windowKind" | "startDate" | "endDate" | "windowDays" | "rewardPoints" | "badgeId" | "giftRewardId" | "form";
export type ChallengeErrors = Partial<Record<ChallengeField, string>>;

export interface ChallengeFormValues {
  name: string;
  description: string;
  kind: string;
  /** A count, or an amount of money for spend ("100", "49.90"). */
  target: string;
  windowKind: string;
  startDate: string;
  /** Inclusive last day (fixed, from_join); empty: no end. */
  endDate: string;
  windowDays: string;
  rewardPoints: string;
  /** "" for none. */
  badgeId: string;
  /** spend_in_collection: the collection's GID. */
  collectionGid: string;
  /** A product gift: one of the shop's free_product rewards' ids; "" for none (0031). */
  giftRewardId: string;
}

export interface ChallengeDraft {
  name: string;
  description: string;
  kind: ChallengeKind;
  target: number;
  windowKind: WindowKind;
  startsAt: Date;
  endsAt: Date | null;
  windowDays: number | null;
  rewardPoints: number;
  badgeId: string | null;
  collectionGid: string | null;
  /** The gift's free_product reward id (stored as Challenge.giftRef). */
  giftRef: string | null;
}

export interface ChallengeFormContext {
  timeZone: string;
  currencyCode: string;
  badgeIds: readonly string[];
  /** The shop's collections (app/loyalty/catalog) for spend_in_collection. */
  collectionGids: readonly string[];
  /** The shop's free_product rewards: what a challenge may give as a gift. */
  giftRewardIds?: readonly string[];
}

const MS_PER_DAY = 86_400_000;

const intText = (text: string): number | null => (/^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null);

/** Reads the form; dates are whole days in the shop's time zone (end date inclusive). */
export function parseChallengeForm(values: Partial<ChallengeFormValues>, context: ChallengeFormContext): { ok: true; draft: ChallengeDraft } | { ok: false; errors: ChallengeErrors } {
  const errors: ChallengeErrors = {};
  const shape = z.object({
    name: z.string().trim().min(1, "Enter a name for the challenge").max(MAX_CHALLENGE_NAME, `At most ${MAX_CHALLENGE_NAME} characters`),
    description: z.string().trim().max(MAX_CHALLENGE_DESCRIPTION, `At most ${MAX_CHALLENGE_DESCRIPTION} characters`),
    kind: z.enum(CHALLENGE_KINDS, { message: "Choose a goal" }),
    windowKind: z.enum(WINDOW_KINDS, { message: "Choose when it counts" }),
  });
  const base = shape.safeParse({ name: values.name ?? "", description: values.description ?? "", kind: values.kind ?? "", windowKind: values.windowKind ?? "" });
  if (!base.success) for (const issue of base.error.issues) errors[issue.path[0] as ChallengeField] ??= issue.message;
  const kind = base.success ? base.data.kind : (CHALLENGE_KINDS as readonly string[]).includes(values.kind ?? "") ? (values.kind as ChallengeKind) : null;
  const windowKind = base.success ? base.data.windowKind : (WINDOW_KINDS as readonly string[]).includes(values.windowKind ?? "") ? (values.windowKind as WindowKind) : null;

  let target = 1;
  let collectionGid: string | null = null;
  if (kind === "spend_in_collection") {
    collectionGid = (values.collectionGid ?? "").trim() || null;
    if (!collectionGid || !context.collectionGids.includes(collectionGid)) errors.collectionGid = "Choose a collection from the list";
  }
  if (kind === "spend" || kind === "spend_in_collection") {
    const money = readMoneyInput(values.target ?? "", context.currencyCode);
    if (!money.ok || money.minor <= 0) errors.target = "Enter an amount to spend, such as 100";
    else if (money.minor > 2_000_000_000) errors.target = "That amount is too large";
    else target = money.minor;
  } else if (kind !== "profile_complete") {
    const n = intText(values.target ?? "");
    if (n === null || n < 1 || n > MAX_TARGET) errors.target = `Enter a whole number from 1 to ${MAX_TARGET}`;
    else target = n;
  }

  const startDate = (values.startDate ?? "").trim();
  const startsAt = startDate ? zonedDateTimeToUtc(startDate, "00:00", context.timeZone) : null;
  if (!startsAt) errors.startDate = startDate ? "Enter a date as YYYY-MM-DD" : "Enter a start date";
  const endDate = (values.endDate ?? "").trim();
  let endsAt: Date | null = null;
  if (windowKind !== "from_start" && endDate) {
    const day = zonedDateTimeToUtc(endDate, "00:00", context.timeZone);
    if (!day) errors.endDate = "Enter a date as YYYY-MM-DD";
    else {
      // Inclusive last day: the challenge ends at the next midnight, shop time.
      const next = new Date(day.getTime() + MS_PER_DAY + 3 * 3_600_000);
      endsAt = zonedDateTimeToUtc(utcToZonedDateTime(next, context.timeZone).date, "00:00", context.timeZone);
      if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) errors.endDate = "End on or after the start date";
    }
  }
  if (windowKind === "fixed" && !endDate) errors.endDate ??= "Enter an end date";
  let windowDays: number | null = null;
  if (windowKind === "from_start" || windowKind === "from_join") {
    const n = intText(values.windowDays ?? "");
    if (n === null || n < 1 || n > MAX_WINDOW_DAYS) errors.windowDays = `Enter a number of days from 1 to ${MAX_WINDOW_DAYS}`;
    else windowDays = n;
  }

  const rewardText = (values.rewardPoints ?? "").trim();
  const rewardPoints = rewardText === "" ? 0 : intText(rewardText);
  if (rewardPoints === null || rewardPoints > MAX_REWARD_POINTS) errors.rewardPoints = `Enter whole points from 0 to ${MAX_REWARD_POINTS}`;
  const badgeId = (values.badgeId ?? "").trim() || null;
  if (badgeId && !context.badgeIds.includes(badgeId)) errors.badgeId = "Choose a badge from the list";
  const giftRef = (values.giftRewardId ?? "").trim() || null;
  if (giftRef && !(context.giftRewardIds ?? []).includes(giftRef)) errors.giftRewardId = "Choose one of your free-product rewards";
  if (!errors.rewardPoints && !errors.badgeId && !errors.giftRewardId && (rewardPoints ?? 0) === 0 && !badgeId && !giftRef) errors.rewardPoints = "Give points, a badge, or both";

  if (Object.keys(errors).length > 0 || !base.success) return { ok: false, errors };
  return {
    ok: true,
    draft: {
      name: base.data.name,
      description: base.data.description,
      kind: base.data.kind,
      target,
      windowKind: base.data.windowKind,
      startsAt: startsAt!,
      endsAt,
      windowDays,
      rewardPoints: rewardPoints ?? 0,
      badgeId,
      collectionGid,
      giftRef,
    },
  };
}

/** The form's values for a stored challenge (the editor's start). */
export function challengeFormValues(c: ChallengeDraft, context: Pick<ChallengeFormContext, "timeZone" | "currencyCode">): ChallengeFormValues {
  const lastDay = c.endsAt ? utcToZonedDateTime(new Date(c.endsAt.getTime() - 1), context.timeZone).date : "";
  return {
    name: c.name,
    description: c.description,
    kind: c.kind,
    target: isMoneyKind(c.kind) ? formatMinorPlain(c.target, context.currencyCode) : String(c.target),
    windowKind: c.windowKind,
    startDate: utcToZonedDateTime(c.startsAt, context.timeZone).date,
    endDate: lastDay,
    windowDays: c.windowDays === null ? "" : String(c.windowDays),
    rewardPoints: String(c.rewardPoints),
    badgeId: c.badgeId ?? "",
    collectionGid: c.collectionGid ?? "",
    giftRewardId: c.giftRef ?? "",
  };
}

export const EMPTY_CHALLENGE_FORM: ChallengeFormValues = {
  name: "",
  description: "",
  kind: "orders_count",
  target: "3",
  windowKind: "from_join",
  startDate: "",
  endDate: "",
  windowDays: "30",
  rewardPoints: "100",
  badgeId: "",
  collectionGid: "",
  giftRewardId: "",
};

/** The goal in the admin's words: "3 orders", "Spend €100.00", "Refer 2 friends", "Complete their profile". */
export function describeGoal(kind: string, target: number, currencyCode: string, locale = "en", collection?: string | null): string {
  if (kind === "spend") return `Spend ${formatMoney(target, currencyCode, locale)}`;
  if (kind === "spend_in_collection") return `Spend ${formatMoney(target, currencyCode, locale)} on ${collection ?? "a collection"}`;
  if (kind === "referrals") return target === 1 ? "Refer 1 friend" : `Refer ${target} friends`;
  if (kind === "profile_complete") return "Complete their profile (first name and birthday)";
  return target === 1 ? "1 order" : `${target} orders`;
}

/** The reward in the admin's words: "200 points + 🏅 Regular + Gift: Tote bag". */
export function describeChallengeReward(c: { rewardPoints: number; badge: { name: string; glyph: string } | null; gift: string | null }): string {
  return [c.rewardPoints ? `${c.rewardPoints} points` : null, c.badge ? `${c.badge.glyph} ${c.badge.name}` : null, c.gift ? `Gift: ${c.gift}` : null].filter(Boolean).join(" + ");
}

/** When it counts, in the admin's words. */
export function describeWindow(c: { windowKind: string; windowDays: number | null; startDate: string; endDate: string | null }): string {
  if (c.windowKind === "from_start") return `${c.windowDays} days from ${c.startDate}`;
  if (c.windowKind === "from_join") return `${c.windowDays} days from joining, ${c.startDate}${c.endDate ? ` to ${c.endDate}` : " on"}`;
  return `${c.startDate} to ${c.endDate ?? "no end"}`;
}

export const KIND_LABELS: Record<string, string> = {
  orders_count: "Number of orders",
  spend: "Amount spent",
  spend_in_collection: "Amount spent on a collection",
  referrals: "Friends referred",
  profile_complete: "Complete the profile",
};

export const WINDOW_LABELS: Record<string, string> = {
  fixed: "Between two dates",
  from_start: "A number of days from the start date",
  from_join: "A number of days from each member's first step",
};
