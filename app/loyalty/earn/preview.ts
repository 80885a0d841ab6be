import { MULTIPLIER_ONE, combineMultipliers, computePurchasePoints } from "./points";
import { currencyScale, formatMoney, readMoneyInput } from "../ledger/money";
import { MAX_RULE_POINTS, MIN_RULE_POINTS, ordinal, type RuleConfig } from "./rules";

// How a rule reads to the merchant ("1 point per 1,00 €") and the purchase preview ("An
// order of 120,00 € earns 120 points"), computed by the same functions orders use. Pure.

/** "1 point per 1,00 €", "100 points on every 5th order", "25 points". */
export function describeEarning(
  rule: { type: string; points: number; spendMinor: number | null; config: RuleConfig; purchaseTerms?: { mode: string; minSpendMinor: number; productRules: readonly unknown[] } | null },
  currencyCode: string,
  locale = "en",
): string {
  const points = `${new Intl.NumberFormat(locale).format(rule.points)} ${rule.points === 1 ? "point" : "points"}`;
  if (rule.type === "purchase") {
    // Fixed points per order and product rules (0033).
    const terms = rule.purchaseTerms;
    const products = terms?.productRules.length ? ` · ${terms.productRules.length} product ${terms.productRules.length === 1 ? "rule" : "rules"}` : "";
    if (terms?.mode === "fixed") return `${points} per order${terms.minSpendMinor > 0 ? ` from ${formatMoney(terms.minSpendMinor, currencyCode, locale)}` : ""}${products}`;
    if (rule.spendMinor) return `${points} per ${formatMoney(rule.spendMinor, currencyCode, locale)} spent${products}`;
  }
  if (rule.type === "nth_order" && rule.config.every) return `${points} on every ${ordinal(rule.config.every)} order`;
  return points;
}

/** The example order amount the purchase preview starts with: 120 units (12 000 in zero-decimal currencies). */
export function defaultExampleMinor(currencyCode: string): number {
  const scale = currencyScale(currencyCode);
  return scale === 0 ? 12_000 : 120 * 10 ** scale;
}

export interface PreviewCampaign {
  name: string;
  multiplierPermille: number;
  /** "active" or "scheduled"; ended and switched-off campaigns are not previewed. */
  status: string;
  /** The tier ranks it is for; empty = every member. */
  tierRanks: readonly number[];
  /** e.g. "from Dec 5, 2026" for scheduled ones. */
  when: string;
}

export interface PreviewTier {
  rank: number;
  name: string;
  multiplierPermille: number;
}

/**
 * The purchase rule's live preview: "An order of 120,00 € earns 120 points", computed with
 * computePurchasePoints (the function order webhooks use) and the multipliers orders get
 * (./campaigns.ts): the member's tier times the highest campaign running. The sentence is
 * for the entry tier; a line names what higher tiers earn, and one line per campaign.
 * Null sentence while the typed values are not valid.
 */
export function purchasePreview(input: {
  exampleText: string;
  pointsText: string;
  spendText: string;
  currencyCode: string;
  locale?: string;
  tiers?: readonly PreviewTier[];
  campaigns?: readonly PreviewCampaign[];
}): { sentence: string | null; tiers: string | null; campaigns: string[] } {
  const locale = input.locale ?? "en";
  const points = Number(input.pointsText.trim());
  const spend = readMoneyInput(input.spendText, input.currencyCode, { sign: "positive" });
  const example = readMoneyInput(input.exampleText, input.currencyCode);
  if (!Number.isInteger(points) || points < MIN_RULE_POINTS || points > MAX_RULE_POINTS || !spend.ok || !example.ok) {
    return { sentence: null, tiers: null, campaigns: [] };
  }
  const spendMinor = spend.minor;
  const exampleMinor = example.minor;
  const rate = { points, spendMinor };
  const format = new Intl.NumberFormat(locale);
  const pts = (n: number) => `${format.format(n)} ${n === 1 ? "point" : "points"}`;
  const ladder = [...(input.tiers ?? [])].sort((a, b) => a.rank - b.rank);
  const entry = ladder[0];
  const earn = (tier: PreviewTier | undefined, campaignPermille = MULTIPLIER_ONE) =>
    computePurchasePoints(exampleMinor, rate, combineMultipliers([tier?.multiplierPermille ?? MULTIPLIER_ONE, campaignPermille]));
  const sentence = `An order of ${formatMoney(exampleMinor, input.currencyCode, locale)} earns ${pts(earn(entry))}.`;
  const higher = ladder.slice(1).filter((t) => t.multiplierPermille !== (entry?.multiplierPermille ?? MULTIPLIER_ONE));
  const tiers = higher.length
    ? `With their tier's multiplier: ${higher.map((t) => `${t.name} ${format.format(earn(t))}`).join(", ")} points.`
    : null;
  const campaigns = (input.campaigns ?? [])
    .filter((c) => c.status === "active" || c.status === "scheduled")
    .map((c) => {
      const audience = c.tierRanks.length ? ladder.filter((t) => c.tierRanks.includes(t.rank)) : ladder;
      const first = audience[0];
      const state = c.status === "active" ? "active now" : c.when;
      const who = c.tierRanks.length && first ? `${first.name} members: ` : "";
      const more = audience.slice(1).some((t) => t.multiplierPermille !== first?.multiplierPermille) ? ", more in higher tiers" : "";
      return `${who}${pts(earn(c.tierRanks.length ? first : entry, c.multiplierPermille))} during ${c.name} (${formatMultiplier(c.multiplierPermille)}, ${state}${more}).`;
    });
  return { sentence, tiers, campaigns };
}

/** 2000 -> "2×", 1500 -> "1.5×", 1250 -> "1.25×". */
export function formatMultiplier(permille: number): string {
  const text = (permille / 1000).toFixed(3).replace(/\.?0+$/, "");
  return `${text}×`;
}
