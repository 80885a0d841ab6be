// The tier editor's rules: what a merchant may save as basis, period and ladder. Pure.
// Every message belongs to one field ("tiers.2.threshold"), so the editor shows it inline.
import { formatMinorPlain, readMoneyInput } from "../ledger/money";
import { isTierBasis, isTierPeriod, tierSlug, type TierBasis, type TierPerks, type TierPeriod } from "./rules";

export const MAX_TIERS = 10;
/** The member page's "Automatic" choice: the merchant's assignment ends, the numbers decide again. */
export const AUTOMATIC_TIER = "auto";
export const MAX_TIER_NAME = 40;
export const MIN_MULTIPLIER_PERMILLE = 1000;
export const MAX_MULTIPLIER_PERMILLE = 10_000;
export const MAX_TIER_POINTS = 1_000_000;

/** One tier row as the editor sends it: text fields as typed. */
export interface TierRowInput {
  /** The existing tier's id; null for a new tier. */
  id: string | null;
  name: string;
  /** Money in shop currency ("250.00"), points or orders, per the basis. */
  threshold: string;
  /** "1.5" for 1.5× points. */
  multiplier: string;
  entryPoints: string;
  /** "" keeps the birthday rule's points. */
  birthdayPoints: string;
  freeShipping: boolean;
  /** A free-product reward's id given as a gift on reaching the tier; "" none (0031). */
  entryGiftRewardId?: string;
  /** A free-product reward's id given as a birthday gift to the tier's members; "" none (0031). */
  birthdayGiftRewardId?: string;
}

export interface TierSettingsInput {
  basis: string;
  period: string;
  keepNextPeriod: boolean;
  tiers: TierRowInput[];
}

export interface ValidTier {
  id: string | null;
  name: string;
  rank: number;
  /** In the basis' unit (minor units for spend). */
  threshold: number;
  multiplierPermille: number;
  perks: TierPerks;
}

export interface ValidTierSettings {
  basis: TierBasis;
  period: TierPeriod;
  keepNextPeriod: boolean;
  tiers: ValidTier[];
}

export type TierSettingsErrors = Record<string, string>;

export type TierSettingsResult = { ok: true; settings: ValidTierSettings } | { ok: false; errors: TierSettingsErrors };

function parseWholeNumber(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** "1.5" -> 1500 permille; up to three decimals. */
export function parseMultiplierPermille(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? "").padEnd(3, "0"));
}

export function formatMultiplier(permille: number): string {
  return String(permille / 1000);
}

/** A stored threshold as the editor shows it: "250.00" for spend, "500" for points or orders. */
export function formatThreshold(value: number, basis: TierBasis, currencyCode: string): string {
  return basis === "spend" ? formatMinorPlain(value, currencyCode) : String(value);
}

function parseThreshold(text: string, basis: TierBasis, currencyCode: string): { value: number } | { error: string } {
  if (basis === "spend") {
    const read = readMoneyInput(text, currencyCode);
    if (read.ok) return { value: read.minor };
    const { code, message } = read.error;
    return { error: code === "empty" || code === "not_money" ? "Enter an amount, e.g. 250.00" : message };
  }
  const n = parseWholeNumber(text);
  if (n === null) return { error: basis === "points" ? "Enter a whole number of points" : "Enter a whole number of orders" };
  return { value: n };
}

const BASIS_UNIT: Record<TierBasis, string> = { spend: "spend", points: "points", orders: "orders" };

export function validateTierSettings(input: TierSettingsInput, currencyCode: string): TierSettingsResult {
  const errors: TierSettingsErrors = {};
  const basis = isTierBasis(input.basis) ? input.basis : null;
  const period = isTierPeriod(input.period) ? input.period : null;
  if (!basis) errors.basis = "Choose what members qualify by";
  if (!period) errors.period = "Choose a qualification period";
  if (input.tiers.length === 0) errors.tiers = "Add at least one tier";
  if (input.tiers.length > MAX_TIERS) errors.tiers = `At most ${MAX_TIERS} tiers`;

  const slugs = new Map<string, number>();
  const tiers: ValidTier[] = [];
  input.tiers.forEach((row, index) => {
    const at = (field: string) => `tiers.${index}.${field}`;
    const name = row.name.trim().replace(/\s+/g, " ");
    if (!name) errors[at("name")] = "Enter a name";
    else if (name.length > MAX_TIER_NAME) errors[at("name")] = `Names can be at most ${MAX_TIER_NAME} characters`;
    else {
      const slug = tierSlug(name);
      // Names that differ only in case or punctuation would share one Shopify tag.
      if (slugs.has(slug)) errors[at("name")] = "Each tier needs its own name";
      else slugs.set(slug, index);
    }

    let threshold = 0;
    if (basis) {
      const parsed = parseThreshold(row.threshold, basis, currencyCode);
      if ("error" in parsed) errors[at("threshold")] = parsed.error;
      else threshold = parsed.value;
    }

    const multiplierPermille = parseMultiplierPermille(row.multiplier);
    if (multiplierPermille === null || multiplierPermille < MIN_MULTIPLIER_PERMILLE || multiplierPermille > MAX_MULTIPLIER_PERMILLE) {
      errors[at("multiplier")] = "Enter a multiplier from 1.0 to 10.0";
    }

    const pointsField = (field: "entryPoints" | "birthdayPoints", text: string, optional: boolean): number | null => {
      if (optional && text.trim() === "") return null;
      const n = text.trim() === "" ? 0 : parseWholeNumber(text);
      if (n === null || n > MAX_TIER_POINTS) {
        errors[at(field)] = `Enter a whole number of points from 0 to ${MAX_TIER_POINTS.toLocaleString("en")}`;
        return null;
      }
      return n;
    };
    const entryPoints = pointsField("entryPoints", row.entryPoints, false) ?? 0;
    const birthdayPoints = pointsField("birthdayPoints", row.birthdayPoints, true);

    tiers.push({
      id: row.id || null,
      name,
      rank: index,
      threshold,
      multiplierPermille: multiplierPermille ?? MIN_MULTIPLIER_PERMILLE,
      // A paid tier's membership is set on its own (./paid.server.ts) and kept by the save.
      perks: {
        entryPoints,
        birthdayPoints,
        freeShipping: row.freeShipping === true,
        entryGiftRewardId: row.entryGiftRewardId?.trim() || null,
        birthdayGiftRewardId: row.birthdayGiftRewardId?.trim() || null,
      },
    });
  });

  // The ladder: the first tier is where everyone starts (0); each next one asks for more.
  if (basis) {
    tiers.forEach((tier, index) => {
      const key = `tiers.${index}.threshold`;
      if (errors[key]) return;
      if (index === 0) {
        if (tier.threshold !== 0) errors[key] = "The first tier is where every member starts: its threshold must be 0";
        return;
      }
      if (tier.threshold === 0) {
        errors[key] = "Only the first tier can start at 0";
        return;
      }
      const previous = tiers[index - 1]!;
      if (!errors[`tiers.${index - 1}.threshold`] && tier.threshold <= previous.threshold) {
        errors[key] = `Must be more ${BASIS_UNIT[basis]} than ${previous.name || "the tier above it in the list"} needs`;
      }
    });
  }

  const ids = input.tiers.map((t) => t.id).filter(Boolean);
  if (new Set(ids).size !== ids.length) errors.tiers = "A tier appears twice: reload the page";

  if (Object.keys(errors).length > 0 || !basis || !period) return { ok: false, errors };
  return { ok: true, settings: { basis, period, keepNextPeriod: input.keepNextPeriod === true, tiers } };
}
