// Program defaults and settings rules. Pure.
import { currencyScale } from "../ledger/money";

export interface DefaultTier {
  name: string;
  rank: number;
  /** Threshold in whole units of the shop currency (yearly spend). */
  thresholdUnits: number;
  multiplierPermille: number;
}

/** The seeds' own ladder: Bronze, Silver, Gold, Platinum by yearly spend. */
export const DEFAULT_TIERS: readonly DefaultTier[] = [
  { name: "Bronze", rank: 0, thresholdUnits: 0, multiplierPermille: 1000 },
  { name: "Silver", rank: 1, thresholdUnits: 250, multiplierPermille: 1250 },
  { name: "Gold", rank: 2, thresholdUnits: 750, multiplierPermille: 1500 },
  { name: "Platinum", rank: 3, thresholdUnits: 1500, multiplierPermille: 2000 },
];

export function tierThresholdMinor(tier: DefaultTier, currencyCode: string): number {
  return tier.thresholdUnits * 10 ** currencyScale(currencyCode);
}

export const DEFAULT_SIGNUP_POINTS = 100;

/** 1 point per 1 unit of the shop currency (per 100 yen for zero-decimal currencies). */
export function defaultEarnRate(currencyCode: string): { points: number; spendMinor: number } {
  const scale = currencyScale(currencyCode);
  return scale === 0 ? { points: 1, spendMinor: 100 } : { points: 1, spendMinor: 10 ** scale };
}

export const MS_PER_DAY = 86_400_000;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * MS_PER_DAY);
}

/** Customer tags excluded from the program, normalised. */
export function parseTagList(tags: string): string[] {
  return tags
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

export function isExcludedByTags(customerTags: string, excludedTags: string): boolean {
  const excluded = new Set(parseTagList(excludedTags));
  if (excluded.size === 0) return false;
  return parseTagList(customerTags).some((t) => excluded.has(t));
}
