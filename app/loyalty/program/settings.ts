// Program settings the merchant sets on the Settings page: names, widget defaults, and the
// rules for reading them back. Pure (the browser uses it for the live preview too).
import { z } from "zod";
import { readJsonColumn, type JsonReport } from "../json-column";
import { LANGUAGES, matchLanguage, type Language } from "../i18n/languages";

/** The languages Kanta speaks to shoppers (app/loyalty/i18n/languages.ts, 0036). */
export const WIDGET_LANGUAGES = LANGUAGES;
export type WidgetLanguage = Language;

export interface PointsName {
  singular: string;
  plural: string;
}
export type PointsNames = Partial<Record<WidgetLanguage, PointsName>>;

/** What the widget says when the merchant sets nothing (its locale files' words). */
export const BUILT_IN_POINTS_NAMES: Record<WidgetLanguage, PointsName> = {
  en: { singular: "point", plural: "points" },
  fi: { singular: "piste", plural: "pistettä" },
  da: { singular: "point", plural: "point" },
  sv: { singular: "poäng", plural: "poäng" },
  nb: { singular: "poeng", plural: "poeng" },
  de: { singular: "Punkt", plural: "Punkte" },
  fr: { singular: "point", plural: "points" },
  es: { singular: "punto", plural: "puntos" },
  it: { singular: "punto", plural: "punti" },
  nl: { singular: "punt", plural: "punten" },
  pl: { singular: "punkt", plural: "punktów" },
  "pt-BR": { singular: "ponto", plural: "pontos" },
};

/** Program.programName's default; the widget then uses its own translated label. */
export const DEFAULT_PROGRAM_NAME = "Rewards";

export const WIDGET_POSITIONS = ["bottom-right", "bottom-left"] as const;
export type WidgetPosition = (typeof WIDGET_POSITIONS)[number];

/** Program.widgetSettings: used when the theme editor's settings are left at their defaults. */
export interface WidgetDefaults {
  accent: string | null;
  onAccent: string | null;
  position: WidgetPosition | null;
  label: string | null;
}

/** The theme editor's own defaults (blocks/app-embed.liquid). */
export const THEME_DEFAULTS = { accent: "#1f4d3d", onAccent: "#ffffff", position: "bottom-right" } as const;

export const MAX_POINTS_NAME_LENGTH = 20;
/** Order points can be held back (pending) for at most this many days. */
export const MAX_PENDING_DAYS = 90;
/** Inactivity expiry: 1 to this many months. */
export const MAX_EXPIRY_MONTHS = 60;
/** Expiry reminders: at most this many days ahead; win-back: after 7 days to two years without an order (0023). */
export const MAX_REMINDER_DAYS = 90;
export const MAX_WINBACK_DAYS = 730;
export const MAX_TAG_LENGTH = 40;

/** A points name the widget can show: trimmed, 1 to 20 characters, nothing that reads as markup. */
const storedName = z.string().trim().min(1).max(MAX_POINTS_NAME_LENGTH).regex(/^[^{}<>]*$/, "Braces and angle brackets are not allowed");
const storedPointsName = z.object({ singular: storedName, plural: storedName }).optional();
/** Program.pointsNames: {"fi":{"singular":"tähti","plural":"tähteä"}}, the widget's languages only. */
const storedPointsNames = z.object(Object.fromEntries(LANGUAGES.map((l) => [l.code, storedPointsName])) as Record<WidgetLanguage, typeof storedPointsName>);

/** Program.pointsNames, keeping only complete, sane entries for the widget's languages. */
export function parsePointsNames(json: string | null | undefined, report?: JsonReport): PointsNames {
  const stored = readJsonColumn(json, storedPointsNames, {}, { what: "Program.pointsNames", salvage: true, ...report });
  const names: PointsNames = {};
  for (const { code } of WIDGET_LANGUAGES) {
    const entry = stored[code];
    if (entry) names[code] = entry;
  }
  return names;
}

/** The language part of a locale ("fi-FI" -> "fi"), if the widget speaks it. */
export function widgetLanguage(locale: string | null | undefined): WidgetLanguage | null {
  return matchLanguage(locale);
}

/** The merchant's name for points in a locale, or null (the widget's own words then). */
export function resolvePointsName(names: PointsNames, locale: string | null | undefined): PointsName | null {
  const lang = widgetLanguage(locale);
  return lang ? (names[lang] ?? null) : null;
}

export const HEX_COLOUR = /^#[0-9a-f]{6}$/;

/** "#ABC" / "abc" / "#aabbcc" -> "#aabbcc"; null if it is not a hex colour. */
export function normaliseHexColour(input: string): string | null {
  let v = input.trim().toLowerCase();
  if (!v.startsWith("#")) v = `#${v}`;
  if (/^#[0-9a-f]{3}$/.test(v)) v = `#${v[1]}${v[1]}${v[2]}${v[2]}${v[3]}${v[3]}`;
  return HEX_COLOUR.test(v) ? v : null;
}

const storedColour = z
  .string()
  .refine((v) => normaliseHexColour(v) !== null, "Not a hex colour")
  .transform((v) => normaliseHexColour(v));
/** Program.widgetSettings: {"accent":"#1f4d3d","onAccent":"#ffffff","position":"bottom-left","label":"Club"}. */
const storedWidgetDefaults = z.object({
  accent: storedColour.nullable().default(null),
  onAccent: storedColour.nullable().default(null),
  position: z.enum(WIDGET_POSITIONS).nullable().default(null),
  label: z
    .string()
    .transform((v) => v.trim().slice(0, 40) || null)
    .nullable()
    .default(null),
});
const NO_WIDGET_DEFAULTS: WidgetDefaults = { accent: null, onAccent: null, position: null, label: null };

/** Program.widgetSettings: malformed values read as unset (and are reported). */
export function parseWidgetDefaults(json: string | null | undefined, report?: JsonReport): WidgetDefaults {
  return readJsonColumn(json, storedWidgetDefaults, NO_WIDGET_DEFAULTS, { what: "Program.widgetSettings", salvage: true, ...report });
}

function luminance(hex: string): number | null {
  const colour = normaliseHexColour(hex);
  if (!colour) return null;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(colour.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two hex colours (1 to 21), the same formula the widget uses. */
export function contrastRatio(a: string, b: string): number | null {
  const la = luminance(a);
  const lb = luminance(b);
  if (la === null || lb === null) return null;
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** WCAG AA for normal text. Below it the widget switches the text to black or white. */
export const MIN_CONTRAST = 4.5;

/** The text colour the widget falls back to on an accent: whichever of black/white reads better. */
export function fallbackTextColour(accent: string): "#000000" | "#ffffff" {
  return (contrastRatio(accent, "#000000") ?? 0) >= (contrastRatio(accent, "#ffffff") ?? 0) ? "#000000" : "#ffffff";
}

/**
 * The defaults as the storefront gets them: a text colour that fails WCAG AA on the accent
 * is replaced by black or white here, as the widget does with theme editor colours.
 */
export function storefrontWidgetDefaults(json: string | null | undefined, report?: JsonReport): WidgetDefaults {
  const w = parseWidgetDefaults(json, report);
  if (w.accent && (!w.onAccent || (contrastRatio(w.accent, w.onAccent) ?? 0) < MIN_CONTRAST)) w.onAccent = fallbackTextColour(w.accent);
  return w;
}

/**
 * Customer tags as the merchant typed them (a list or one comma-separated string):
 * trimmed, lower-case (tag matching ignores case, ./defaults.ts), empty ones dropped,
 * duplicates removed, first occurrence kept.
 */
export function normaliseTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const t = tag.trim().toLowerCase();
    if (t) seen.add(t);
  }
  return [...seen];
}
