// The languages Kanta speaks to shoppers (the widget, the customer-account blocks, the emails)
// and how a storefront locale picks one (0036). Pure.

export const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "fi", label: "Finnish" },
  { code: "sv", label: "Swedish" },
  { code: "da", label: "Danish" },
  { code: "nb", label: "Norwegian (Bokmål)" },
  { code: "de", label: "German" },
  { code: "fr", label: "French" },
  { code: "es", label: "Spanish" },
  { code: "it", label: "Italian" },
  { code: "nl", label: "Dutch" },
  { code: "pl", label: "Polish" },
  { code: "pt-BR", label: "Portuguese (Brazil)" },
] as const;
export type Language = (typeof LANGUAGES)[number]["code"];
export const LANGUAGE_CODES: readonly Language[] = LANGUAGES.map((l) => l.code);
export const DEFAULT_LANGUAGE: Language = "en";

/** Languages reached through another code: Norwegian ("no", Nynorsk "nn") reads Bokmål; every Portuguese reads pt-BR. */
const ALIASES: Record<string, Language> = { no: "nb", nn: "nb", pt: "pt-BR" };

/**
 * The language a storefront locale ("fi", "fi-FI", "pt-BR", "nb", "no", "en_GB") asks for, or
 * null when Kanta does not speak it. Exact tags first ("pt-BR"), then the language part.
 */
export function matchLanguage(locale: string | null | undefined): Language | null {
  const tag = (locale ?? "").trim().replace(/_/g, "-");
  if (!tag) return null;
  const exact = LANGUAGE_CODES.find((c) => c.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const base = tag.toLowerCase().split("-")[0]!;
  return LANGUAGE_CODES.find((c) => c === base) ?? ALIASES[base] ?? null;
}

/** matchLanguage, falling back to English. */
export function negotiateLanguage(locale: string | null | undefined): Language {
  return matchLanguage(locale) ?? DEFAULT_LANGUAGE;
}

/** Intl's plural categories a language really uses for whole numbers (Polish: one, few, many; English: one). */
export function pluralCategories(language: Language): string[] {
  return new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[];
}
