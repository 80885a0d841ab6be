// Translations of the merchant's own names: rewards, ways to earn and tiers keep
// {"fi":{"name":"15 % alennus"}} in their `translations` column (0036). The shopper reads the
// name in their language, else the name as the merchant typed it. Pure.
import { z } from "zod";
import { readJsonColumn, type JsonReport } from "../json-column";
import { LANGUAGE_CODES, type Language } from "./languages";

export const TRANSLATABLE_FIELDS = ["name"] as const;
export type TranslatableField = (typeof TRANSLATABLE_FIELDS)[number];
export type EntityTranslations = Partial<Record<Language, Partial<Record<TranslatableField, string>>>>;
export const MAX_TRANSLATION_LENGTH = 120;

const text = z.string().trim().min(1).max(MAX_TRANSLATION_LENGTH);
const stored = z.record(z.string(), z.object({ name: text.optional() }));

/** A translations column, keeping only Kanta's languages and sane names. */
export function parseTranslations(json: string | null | undefined, report?: JsonReport & { what?: string }): EntityTranslations {
  const raw = readJsonColumn(json, stored, {}, { what: report?.what ?? "translations", salvage: true, ...report });
  const out: EntityTranslations = {};
  for (const [language, fields] of Object.entries(raw)) {
    if (!LANGUAGE_CODES.includes(language as Language) || !fields.name) continue;
    out[language as Language] = { name: fields.name };
  }
  return out;
}

/** The field in the shopper's language, or `fallback` (what the merchant typed). */
export function translated(translations: EntityTranslations, language: Language, field: TranslatableField, fallback: string): string {
  return translations[language]?.[field] ?? fallback;
}

/**
 * Translations from an editor's form: `name.fi` = "15 % alennus"; blank fields drop out.
 * Returns the value to store or the first problem ("name.fi": message).
 */
export function translationsFromForm(fields: Record<string, unknown>): { ok: true; value: EntityTranslations } | { ok: false; field: string; message: string } {
  const value: EntityTranslations = {};
  for (const language of LANGUAGE_CODES) {
    const raw = fields[`name.${language}`];
    if (typeof raw !== "string" || !raw.trim()) continue;
    const parsed = text.safeParse(raw);
    if (!parsed.success) return { ok: false, field: `name.${language}`, message: `At most ${MAX_TRANSLATION_LENGTH} characters` };
    value[language] = { name: parsed.data };
  }
  return { ok: true, value };
}
