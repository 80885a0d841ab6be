// The merchant's own words for the built-in texts (Program.textOverrides, 0036):
// {"fi":{"rewards.redeem":"Lunasta nyt"}}. A text overrides one key of one language's
// catalogue and must keep that text's {placeholders} exactly. Pure.
import { z } from "zod";
import { readJsonColumn, type JsonReport } from "../json-column";
import { CATALOGUES, placeholdersOf, type Texts } from "./catalogue";
import { LANGUAGE_CODES, type Language } from "./languages";

export const MAX_OVERRIDE_LENGTH = 500;
export type TextOverrides = Partial<Record<Language, Texts>>;

export type OverrideProblem = "unknown_language" | "unknown_key" | "empty" | "too_long" | "placeholders";

/** Why `text` cannot replace `key` in `language`, or null when it can. */
export function overrideProblem(language: string, key: string, text: string): { problem: OverrideProblem; expected?: string[] } | null {
  if (!LANGUAGE_CODES.includes(language as Language)) return { problem: "unknown_language" };
  const builtIn = CATALOGUES[language as Language][key];
  if (builtIn == null) return { problem: "unknown_key" };
  if (!text.trim()) return { problem: "empty" };
  if (text.length > MAX_OVERRIDE_LENGTH) return { problem: "too_long" };
  const expected = placeholdersOf(builtIn);
  if (placeholdersOf(text).join() !== expected.join()) return { problem: "placeholders", expected };
  return null;
}

const stored = z.record(z.string(), z.record(z.string(), z.string()));

/** Program.textOverrides, keeping only entries that are still valid (a key removed from the catalogue drops out). */
export function parseTextOverrides(json: string | null | undefined, report?: JsonReport): TextOverrides {
  const raw = readJsonColumn(json, stored, {}, { what: "Program.textOverrides", salvage: true, ...report });
  const out: TextOverrides = {};
  for (const [language, texts] of Object.entries(raw)) {
    for (const [key, text] of Object.entries(texts)) {
      if (overrideProblem(language, key, text)) continue;
      (out[language as Language] ??= {})[key] = text;
    }
  }
  return out;
}

/** `overrides` with `key` in `language` set to `text`, or removed when text is null (reset). */
export function withOverride(overrides: TextOverrides, language: Language, key: string, text: string | null): TextOverrides {
  const next: TextOverrides = { ...overrides, [language]: { ...(overrides[language] ?? {}) } };
  if (text == null) delete next[language]![key];
  else next[language]![key] = text;
  if (Object.keys(next[language]!).length === 0) delete next[language];
  return next;
}
