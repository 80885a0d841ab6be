import { z } from "zod";
import { readJsonColumn, type JsonReport } from "../json-column";
import { WIDGET_LANGUAGES, widgetLanguage, type WidgetLanguage } from "../program/settings";
import { DEFAULT_EMAIL_TEXTS, type EmailOccasionKind, type EmailText } from "./email-texts";
import { EMAIL_OCCASION_KINDS } from "./occasions";

// A shop's loyalty email settings: sender name, reply-to, logo, and per occasion whether it
// is on, who gets it (every member, or only customers subscribed to email marketing in
// Shopify) and the merchant's own subject and text per language (else the defaults of
// ./email-texts.ts). Stored in EmailSettings.occasions as JSON; no row = the defaults.

export const EMAIL_AUDIENCES = ["all", "subscribed"] as const;
export type EmailAudience = (typeof EMAIL_AUDIENCES)[number];

export const MAX_SUBJECT_LENGTH = 150;
export const MAX_TEXT_LENGTH = 2000;

export interface OccasionEmailSettings {
  on: boolean;
  audience: EmailAudience;
  /** The merchant's texts; a language missing here uses the default. */
  texts: Partial<Record<WidgetLanguage, EmailText>>;
}

export interface EmailSettingsView {
  senderName: string | null;
  replyTo: string | null;
  logoUrl: string | null;
  rewardsUrl: string | null;
  occasions: Record<EmailOccasionKind, OccasionEmailSettings>;
}

export const DEFAULT_OCCASION_EMAIL: OccasionEmailSettings = { on: true, audience: "all", texts: {} };

/**
 * Defaults: every occasion on. Marketing-like occasions (win-back, anniversary, a reward
 * became affordable) go only to subscribed customers; what a member has earned, owes or was
 * given goes to every member (transactional).
 */
export function defaultOccasionEmail(kind: EmailOccasionKind): OccasionEmailSettings {
  const subscribedOnly: readonly EmailOccasionKind[] = ["winback", "anniversary", "reward_affordable"];
  return { ...DEFAULT_OCCASION_EMAIL, audience: subscribedOnly.includes(kind) ? "subscribed" : "all", texts: {} };
}

const emailText = z.object({
  subject: z.string().trim().min(1, "Subject is required").max(MAX_SUBJECT_LENGTH, `Subject is at most ${MAX_SUBJECT_LENGTH} characters`),
  text: z.string().trim().min(1, "Text is required").max(MAX_TEXT_LENGTH, `Text is at most ${MAX_TEXT_LENGTH} characters`),
});
const languageTexts = z.object(Object.fromEntries(WIDGET_LANGUAGES.map((l) => [l.code, emailText.optional()])) as Record<WidgetLanguage, z.ZodOptional<typeof emailText>>);
const storedOccasion = z.object({
  on: z.boolean().optional(),
  audience: z.enum(EMAIL_AUDIENCES).optional(),
  texts: languageTexts.optional(),
});
const storedOccasions = z.record(z.string(), storedOccasion);

export function parseEmailOccasions(json: string | null | undefined, report?: JsonReport): Record<EmailOccasionKind, OccasionEmailSettings> {
  const stored = readJsonColumn(json, storedOccasions, {}, { what: "EmailSettings.occasions", salvage: true, ...report });
  const out = {} as Record<EmailOccasionKind, OccasionEmailSettings>;
  for (const kind of EMAIL_OCCASION_KINDS) {
    const s = stored[kind];
    const d = defaultOccasionEmail(kind);
    const texts: Partial<Record<WidgetLanguage, EmailText>> = {};
    for (const { code } of WIDGET_LANGUAGES) {
      const t = s?.texts?.[code];
      if (t) texts[code] = t;
    }
    out[kind] = { on: s?.on ?? d.on, audience: s?.audience ?? d.audience, texts };
  }
  return out;
}

/** The subject and text an email uses: the merchant's, else the default. */
export function emailTextFor(settings: OccasionEmailSettings, kind: EmailOccasionKind, language: WidgetLanguage): EmailText {
  return settings.texts[language] ?? DEFAULT_EMAIL_TEXTS[kind][language];
}

export function isEmailOccasionKind(kind: string): kind is EmailOccasionKind {
  return (EMAIL_OCCASION_KINDS as readonly string[]).includes(kind);
}

/** The form of one occasion on the Emails page. */
export const occasionEmailForm = z.object({
  kind: z.string().refine(isEmailOccasionKind, "Unknown occasion"),
  on: z.boolean(),
  audience: z.enum(EMAIL_AUDIENCES),
  texts: languageTexts,
});

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || null)
    .nullable()
    .default(null);

export const senderForm = z.object({
  senderName: optionalText(80).refine((v) => v === null || !/[<>"\r\n]/.test(v), "The sender name cannot contain < > \" or line breaks"),
  replyTo: optionalText(254).refine((v) => v === null || z.string().email().safeParse(v).success, "Reply-to must be an email address"),
  logoUrl: optionalText(500).refine((v) => v === null || /^https:\/\/\S+$/.test(v), "The logo must be an https:// URL"),
  rewardsUrl: optionalText(500).refine((v) => v === null || /^https:\/\/\S+$/.test(v), "The rewards page must be an https:// URL"),
});
export type SenderForm = z.output<typeof senderForm>;

/** Stored JSON: only what differs from the defaults. */
export function serializeEmailOccasions(occasions: Record<EmailOccasionKind, OccasionEmailSettings>): string {
  const out: Record<string, Partial<OccasionEmailSettings>> = {};
  for (const kind of EMAIL_OCCASION_KINDS) {
    const s = occasions[kind];
    const d = defaultOccasionEmail(kind);
    const entry: Partial<OccasionEmailSettings> = {};
    if (s.on !== d.on) entry.on = s.on;
    if (s.audience !== d.audience) entry.audience = s.audience;
    if (Object.keys(s.texts).length > 0) entry.texts = s.texts;
    if (Object.keys(entry).length > 0) out[kind] = entry;
  }
  return JSON.stringify(out);
}

/** The member's language when the widget speaks it, else the shop's primary language, else English. */
export function emailLanguage(memberLocale: string | null | undefined, shopLocale: string | null | undefined): WidgetLanguage {
  return widgetLanguage(memberLocale) ?? widgetLanguage(shopLocale) ?? "en";
}
