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

/**
 * About how many units of a currency buy what one euro does, for a new program's defaults
 * only (tier thresholds, the starter reward): order-of-magnitude factors (rounded rates of
 * late 2025), so Silver is ¥40,000 rather than ¥250. The merchant edits the results; no
 * live rate is ever used. Currencies not listed count as euro-like (factor 1).
 * docs/decisions/0020-start-with-existing-customers.md
 */
export const UNITS_PER_EURO: Readonly<Record<string, number>> = {
  EUR: 1, USD: 1, GBP: 1, CHF: 1, CAD: 1.5, AUD: 1.5, NZD: 2, SGD: 1.5, BND: 1.5,
  SEK: 11, NOK: 11, DKK: 7.5, ISK: 150, PLN: 4.3, CZK: 25, HUF: 400, RON: 5, BGN: 2, RSD: 117, TRY: 40, UAH: 45,
  JPY: 160, KRW: 1500, CNY: 8, HKD: 9, TWD: 35, THB: 38, VND: 27_000, IDR: 18_000, MYR: 5, PHP: 65, INR: 95, PKR: 320, BDT: 135, LKR: 340,
  AED: 4, SAR: 4, QAR: 4, ILS: 4, EGP: 55, MAD: 11, ZAR: 20, NGN: 1_700, KES: 150, GHS: 13,
  MXN: 20, BRL: 6, CLP: 1_000, COP: 4_500, PEN: 4, ARS: 1_300, UYU: 45,
};

export function unitsPerEuro(currencyCode: string): number {
  return UNITS_PER_EURO[currencyCode.toUpperCase()] ?? 1;
}

/** Two significant digits, whole units: 2,875 -> 2,900; 40,000 stays; 375 -> 380; 7.5 -> 8. Zero stays zero. */
export function roundNice(value: number): number {
  if (value <= 0) return 0;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(value)) - 1);
  return Math.round(value / magnitude) * magnitude;
}

/** A default amount in whole euros, in the shop currency's minor units, scaled and rounded. */
export function scaledDefaultMinor(euros: number, currencyCode: string): number {
  return roundNice(euros * unitsPerEuro(currencyCode)) * 10 ** currencyScale(currencyCode);
}

export function tierThresholdMinor(tier: DefaultTier, currencyCode: string): number {
  return scaledDefaultMinor(tier.thresholdUnits, currencyCode);
}

/** A new program's starter reward: 5 € off (scaled to the currency) for 500 points. */
export const STARTER_REWARD = { name: "Starter reward", euros: 5, pointsCost: 500 } as const;

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
