// The block's texts in every language Kanta speaks (app/loyalty/i18n/languages.ts: English
// here, the others in ./texts-languages.ts), chosen by the shopper's language
// (shopify.localization.language) as the server's negotiateLanguage does; anything else reads English.
import { OTHER_LANGUAGES } from "./texts-languages";

export type Language = "en" | "fi" | "sv" | "da" | "nb" | "de" | "fr" | "es" | "it" | "nl" | "pl" | "pt-BR";

export interface BlockTexts {
  heading: string;
  /** "{count} point" / "{count} points", by Intl plural category (Polish: one, few, many, other). */
  points: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  willEarn: string;
  pending: string;
  available: string;
  estimateNote: string;
  estimateUnknown: string;
  joinBonus: string;
  earned: string;
  availableOn: string;
  availableNow: string;
  processing: string;
  inviteHeading: string;
  inviteBonus: string;
  inviteText: string;
  inviteRate: string;
  inviteButton: string;
}

const ENGLISH: BlockTexts = {
  heading: "Rewards",
  points: { one: "{count} point", other: "{count} points" },
  willEarn: "You’ll earn {points} on this order",
  pending: "Pending",
  available: "Available",
  estimateNote: "They’ll be added to your account once we’ve confirmed your order.",
  estimateUnknown: "The points for this order will show in your account once we’ve confirmed it.",
  joinBonus: "Plus {points} for joining our rewards program.",
  earned: "You earned {points} on this order",
  availableOn: "You can use them from {date}, after the return window.",
  availableNow: "They’re in your balance, ready to use.",
  processing: "The points for this order will show here once we’ve confirmed it.",
  inviteHeading: "Earn points on your next order",
  inviteBonus: "Create an account to join our rewards program and get {points} right away.",
  inviteText: "Create an account to join our rewards program and collect points on every order.",
  inviteRate: "Members earn {points} for every {amount} they spend.",
  inviteButton: "Create an account",
};

const TEXTS: Record<Language, BlockTexts> = { en: ENGLISH, ...OTHER_LANGUAGES };
const ALIASES: Record<string, Language> = { no: "nb", nn: "nb", pt: "pt-BR" };

export function pickLanguage(isoCode: string | undefined): Language {
  const tag = (isoCode ?? "").trim().replace(/_/g, "-").toLowerCase();
  const codes = Object.keys(TEXTS) as Language[];
  const base = tag.split("-")[0] ?? "";
  return codes.find((c) => c.toLowerCase() === tag) ?? codes.find((c) => c === base) ?? ALIASES[base] ?? "en";
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

export interface Copy {
  language: Language;
  text(key: Exclude<keyof BlockTexts, "points">, values?: Record<string, string>): string;
  points(count: number): string;
  money(minor: number, currencyCode: string): string;
  date(iso: string): string;
}

export function copyFor(isoCode: string | undefined): Copy {
  const language = pickLanguage(isoCode);
  const texts = TEXTS[language];
  const plural = new Intl.PluralRules(language);
  const number = new Intl.NumberFormat(language);
  return {
    language,
    text: (key, values = {}) => fill(texts[key], values),
    points: (count) => fill(texts.points[plural.select(count)] ?? texts.points.other, { count: number.format(count) }),
    money: (minor, currencyCode) => {
      const format = new Intl.NumberFormat(language, { style: "currency", currency: currencyCode });
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(minor / 10 ** digits);
    },
    date: (iso) => new Intl.DateTimeFormat(language, { day: "numeric", month: "long", year: "numeric" }).format(new Date(iso)),
  };
}

/** Rounds a checkout amount to its currency's minor unit (sums of floats drift: 0.1 + 0.2). */
export function roundMoney(amount: number, currencyCode: string): number {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  return Number(amount.toFixed(digits));
}
