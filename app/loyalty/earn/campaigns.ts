// Points campaigns (a 2x weekend): a multiplier over a window of shop-local time,
// optionally for some tiers. Pure; persistence is in campaigns-admin.server.ts. The first
// half is the form the merchant edits on /app/earn; the second how orders apply them: the
// window is [startsAt, endsAt), overlapping campaigns do not stack (the highest one running
// applies), and the member's tier multiplier multiplies it.
// docs/decisions/0008-multipliers-and-tier-review.md

import { zonedDateTimeToUtc } from "../program/zoned-time";
import { z } from "zod";
import { formatMultiplier } from "./preview";
import { MULTIPLIER_ONE, combineMultipliers } from "./points";

export const MIN_MULTIPLIER_PERMILLE = 1100;
export const MAX_MULTIPLIER_PERMILLE = 10_000;
export const MAX_CAMPAIGN_NAME = 100;

export type CampaignStatus = "scheduled" | "active" | "ended" | "off";

export interface CampaignWindow {
  enabled: boolean;
  startsAt: Date;
  endsAt: Date;
}

/** Off when switched off; else by the window: [startsAt, endsAt). */
export function campaignStatus(campaign: CampaignWindow, now: Date): CampaignStatus {
  if (!campaign.enabled) return "off";
  if (now.getTime() < campaign.startsAt.getTime()) return "scheduled";
  if (now.getTime() < campaign.endsAt.getTime()) return "active";
  return "ended";
}

/** "2", "1.5", "1,5", "2x", "2×" -> permille (2000, 1500); null if not a number with at most 3 decimals. */
export function parseMultiplier(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,3}))?\s*[x×]?$/i.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] ?? "").padEnd(3, "0"));
}

/** "0,2,3" -> [0, 2, 3]; "" -> [] (every member). */
/**
 * A campaign's tiers, stored as "1,2": sorted, without repeats; entries that are not whole
 * numbers are ignored. [] means every member (the one reading, for the editor and for orders).
 */
export function parseTierRanks(value: string | readonly number[] | null): number[] {
  if (value === null) return [];
  const ranks =
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter((s) => /^\d+$/.test(s))
          .map(Number)
      : value.filter((n) => Number.isSafeInteger(n) && n >= 0);
  return [...new Set(ranks)].sort((a, b) => a - b);
}

export function formatTierRanks(ranks: readonly number[]): string {
  return [...new Set(ranks)].sort((a, b) => a - b).join(",");
}

/** "Gold and Platinum members", "" for every member. */
export function describeAudience(ranks: readonly number[], tiers: readonly { rank: number; name: string }[]): string {
  if (ranks.length === 0) return "";
  const names = ranks.map((rank) => tiers.find((t) => t.rank === rank)?.name ?? `tier ${rank}`);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return `${list} members`;
}



// ---------------------------------------------------------------------------------------
// The campaign form

export type CampaignField = "name" | "multiplier" | "startDate" | "startTime" | "endDate" | "endTime" | "tiers" | "collection" | "form";
export type CampaignErrors = Partial<Record<CampaignField, string>>;

export interface CampaignFormValues {
  name?: string;
  multiplier?: string;
  startDate?: string;
  startTime?: string;
  endDate?: string;
  endTime?: string;
  /** Tier ranks ticked (none = every member). */
  tiers?: string[];
  enabled?: string;
  /** A collection's id: the campaign multiplies only its products' lines (0033); "" = the whole order. */
  collection?: string;
}

export interface CampaignDraft {
  name: string;
  multiplierPermille: number;
  startsAt: Date;
  endsAt: Date;
  tierRanks: number[];
  enabled: boolean;
}

/** The campaign form's schema, for the shop's time zone and tier ladder. Built on call. */
export function campaignFormSchema(context: { timeZone: string; tierRanks: readonly number[] }) {
  const dateField = (empty: string) =>
    z
      .string()
      .trim()
      .superRefine((text, ctx) => {
        if (text === "") ctx.addIssue(empty);
        else if (!zonedDateTimeToUtc(text, "00:00", context.timeZone)) ctx.addIssue("Enter a date as YYYY-MM-DD");
      });
  const timeField = z
    .string()
    .trim()
    .transform((text) => text || "00:00")
    .refine((text) => zonedDateTimeToUtc("2000-01-01", text, "UTC") !== null, "Enter a time as HH:MM");
  return z
    .object({
      name: z.string().trim().min(1, "Enter a name for the campaign").max(MAX_CAMPAIGN_NAME, `At most ${MAX_CAMPAIGN_NAME} characters`),
      multiplier: z
        .string()
        .trim()
        .superRefine((text, ctx) => {
          const permille = parseMultiplier(text);
          if (text === "" || permille === null) return ctx.addIssue("Enter a multiplier such as 2 or 1.5");
          if (permille < MIN_MULTIPLIER_PERMILLE || permille > MAX_MULTIPLIER_PERMILLE) {
            ctx.addIssue(`Choose a multiplier from ${formatMultiplier(MIN_MULTIPLIER_PERMILLE)} to ${formatMultiplier(MAX_MULTIPLIER_PERMILLE)}`);
          }
        })
        .transform((text) => parseMultiplier(text)!),
      startDate: dateField("Enter a start date"),
      startTime: timeField,
      endDate: dateField("Enter an end date"),
      endTime: timeField,
      tiers: z
        .array(z.string())
        .transform((ranks) => ranks.filter((r) => r !== ""))
        .refine((ranks) => ranks.every((r) => /^\d+$/.test(r) && context.tierRanks.includes(Number(r))), "Choose tiers from the list")
        .transform((ranks) => parseTierRanks(ranks.join(","))),
      enabled: z
        .string()
        .optional()
        .transform((v) => v === undefined || v === "" || v === "on" || v === "true"),
    })
    .transform((data, ctx) => {
      const startsAt = zonedDateTimeToUtc(data.startDate, data.startTime, context.timeZone)!;
      const endsAt = zonedDateTimeToUtc(data.endDate, data.endTime, context.timeZone)!;
      if (endsAt.getTime() <= startsAt.getTime()) {
        ctx.addIssue({ code: "custom", path: ["endDate"], message: "The end must be after the start" });
        return z.NEVER;
      }
      const draft: CampaignDraft = { name: data.name, multiplierPermille: data.multiplier, startsAt, endsAt, tierRanks: data.tiers, enabled: data.enabled };
      return draft;
    });
}

export function parseCampaignForm(
  values: CampaignFormValues,
  context: { timeZone: string; tierRanks: readonly number[] },
): { ok: true; campaign: CampaignDraft } | { ok: false; errors: CampaignErrors } {
  const input = {
    name: values.name ?? "",
    multiplier: values.multiplier ?? "",
    startDate: values.startDate ?? "",
    startTime: values.startTime ?? "",
    endDate: values.endDate ?? "",
    endTime: values.endTime ?? "",
    tiers: values.tiers ?? [],
    enabled: values.enabled,
  };
  const parsed = campaignFormSchema(context).safeParse(input);
  if (parsed.success) return { ok: true, campaign: parsed.data };
  const errors: CampaignErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form") as CampaignField;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

// ---- how orders apply campaigns ----

export interface CampaignRule {
  multiplierPermille: number;
  startsAt: Date;
  /** Exclusive: a campaign ending at midnight does not cover an order placed at midnight. */
  endsAt: Date;
  /** Tier ranks the campaign is for: "1,2" or [1, 2]; "" / null / [] = every member. */
  tierRanks: string | readonly number[] | null;
  enabled?: boolean;
  /** A campaign on a collection multiplies only the lines of its products (0033); null/absent = the whole order. */
  collectionGid?: string | null;
}

/**
 * Is the campaign running at `at` for a member of `tierRank` (null: a member without a
 * tier)? A campaign on a collection applies only to a line in one of `collectionGids` (the
 * line's collections); without them, only whole-order campaigns apply.
 */
export function campaignApplies(campaign: CampaignRule, at: Date, tierRank: number | null, collectionGids: readonly string[] = []): boolean {
  if (campaign.enabled === false || !(campaign.multiplierPermille > 0)) return false;
  if (campaign.collectionGid && !collectionGids.includes(campaign.collectionGid)) return false;
  if (at.getTime() < campaign.startsAt.getTime() || at.getTime() >= campaign.endsAt.getTime()) return false;
  const ranks = parseTierRanks(campaign.tierRanks);
  return ranks.length === 0 || (tierRank !== null && ranks.includes(tierRank));
}

/**
 * The campaign multiplier for an order placed at `at` by a member of `tierRank`: the single
 * best (highest) campaign running then, or 1× when none is. Campaigns never stack with
 * each other: two overlapping 2× campaigns give 2×, not 4×.
 */
export function campaignMultiplierPermille(campaigns: readonly CampaignRule[], at: Date, tierRank: number | null, collectionGids: readonly string[] = []): number {
  let best: number | null = null;
  for (const campaign of campaigns) {
    if (campaignApplies(campaign, at, tierRank, collectionGids) && (best === null || campaign.multiplierPermille > best)) {
      best = campaign.multiplierPermille;
    }
  }
  return best ?? MULTIPLIER_ONE;
}

/**
 * The one rule: order points are multiplied by the member's tier multiplier, then by the
 * best campaign, each step rounded down to a whole permille (1.25× tier during a 1.5×
 * campaign = 1.875×). Fixed when the order first earns, so refunds reverse at that rate.
 */
export function computeEarnMultiplierPermille(
  tierMultiplierPermille: number,
  campaigns: readonly CampaignRule[],
  at: Date,
  tierRank: number | null,
  /** A line's collections: campaigns on them count too (the best one running applies). */
  collectionGids: readonly string[] = [],
): number {
  const tier = tierMultiplierPermille > 0 ? tierMultiplierPermille : MULTIPLIER_ONE;
  return combineMultipliers([tier, campaignMultiplierPermille(campaigns, at, tierRank, collectionGids)]);
}
