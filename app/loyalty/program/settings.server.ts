import { z } from "zod";
import { getDb, type Db } from "../../db.server";
import {
  MAX_EXPIRY_MONTHS,
  MAX_REMINDER_DAYS,
  MAX_WINBACK_DAYS,
  MAX_PENDING_DAYS,
  MAX_POINTS_NAME_LENGTH,
  MAX_TAG_LENGTH,
  THEME_DEFAULTS,
  WIDGET_LANGUAGES,
  WIDGET_POSITIONS,
  normaliseHexColour,
  normaliseTags,
  parsePointsNames,
  parseWidgetDefaults,
  type PointsNames,
  type WidgetLanguage,
  type WidgetPosition,
} from "./settings";
import { parseTagList } from "./defaults";
import { invalidateShopConfig } from "./shop-config.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { parseJsonText } from "../json-column";
import { logInvalidJson } from "../json-column.server";
import { markAppDataDirty } from "./app-data.server";

// The Settings page: program name, points names per widget language, points expiry,
// the pending period, excluded customer tags and the widget's appearance defaults.
// Saving invalidates the per-process shop config (pending period, expiry and excluded tags
// are read from it on every order event).

export const MAX_EXCLUDED_TAGS = 50;
export const MAX_PROGRAM_NAME_LENGTH = 40;
export const MAX_LAUNCHER_LABEL_LENGTH = 30;

export class SettingsError extends Error {
  override name = "SettingsError";
}

/** The form's values, as text (what the inputs hold). */
export interface SettingsFormValues {
  programName: string;
  /** `name_<lang>_singular` / `name_<lang>_plural`. */
  names: Record<WidgetLanguage, { singular: string; plural: string }>;
  expiryPolicy: "none" | "inactivity";
  expiryMonths: string;
  /** Days before expiry to remind the member; "" = no reminder (0023). */
  expiryReminderDays: string;
  /** Days without an order before the win-back occasion; "" = off (0023). */
  winbackDays: string;
  pendingDays: string;
  excludedTags: string[];
  accent: string;
  onAccent: string;
  position: WidgetPosition;
  label: string;
}

export type SettingsField =
  | "programName"
  | `name_${WidgetLanguage}_singular`
  | `name_${WidgetLanguage}_plural`
  | "expiryPolicy"
  | "expiryMonths"
  | "expiryReminderDays"
  | "winbackDays"
  | "pendingDays"
  | "excludedTags"
  | "accent"
  | "onAccent"
  | "position"
  | "label";
export const SETTINGS_FIELDS: readonly SettingsField[] = [
  "programName",
  ...WIDGET_LANGUAGES.flatMap(({ code }) => [`name_${code}_singular`, `name_${code}_plural`] as const),
  "expiryPolicy",
  "expiryMonths",
  "expiryReminderDays",
  "winbackDays",
  "pendingDays",
  "excludedTags",
  "accent",
  "onAccent",
  "position",
  "label",
];
export type SettingsErrors = Partial<Record<SettingsField | "form", string>>;

export interface SettingsData {
  programName: string;
  pointsNames: PointsNames;
  expiryMonths: number | null;
  expiryReminderDays: number | null;
  winbackDays: number | null;
  pendingDays: number;
  excludedTags: string[];
  widget: { accent: string; onAccent: string; position: WidgetPosition; label: string | null };
}

export async function getProgramSettings(shopDomain: string, db: Db = getDb()) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { currencyCode: true, program: true } });
  if (!shop?.program) return null;
  const p = shop.program;
  const onInvalid = logInvalidJson({ shop: shopDomain });
  const names = parsePointsNames(p.pointsNames, { id: p.id, onInvalid });
  const widget = parseWidgetDefaults(p.widgetSettings, { id: p.id, onInvalid });
  const values: SettingsFormValues = {
    programName: p.programName,
    names: Object.fromEntries(WIDGET_LANGUAGES.map(({ code }) => [code, { singular: names[code]?.singular ?? "", plural: names[code]?.plural ?? "" }])) as SettingsFormValues["names"],
    expiryPolicy: p.expiryMonths ? "inactivity" : "none",
    expiryMonths: p.expiryMonths ? String(p.expiryMonths) : "12",
    expiryReminderDays: p.expiryReminderDays ? String(p.expiryReminderDays) : "",
    winbackDays: p.winbackDays ? String(p.winbackDays) : "",
    pendingDays: String(p.pendingDays),
    excludedTags: parseTagList(p.excludedTags),
    accent: widget.accent ?? THEME_DEFAULTS.accent,
    onAccent: widget.onAccent ?? THEME_DEFAULTS.onAccent,
    position: widget.position ?? THEME_DEFAULTS.position,
    label: widget.label ?? "",
  };
  return { values, status: p.status };
}

/** Tags arrive as a JSON array (the page's tag list) or as one comma-separated string. */
function tagInput(value: unknown): string[] {
  if (typeof value !== "string") return [];
  const text = value.trim();
  const list = text.startsWith("[") ? parseJsonText(text, z.array(z.unknown())) : null;
  if (list?.ok) return list.data.map((t) => (typeof t === "string" ? t : String(t)));
  return text.split(","); // not a JSON list: a comma-separated one

}

/** Validates the Settings form. The zod schema is built per call (never in a browser bundle). */
export function parseSettingsForm(raw: Partial<Record<string, unknown>>): { ok: true; data: SettingsData } | { ok: false; errors: SettingsErrors } {
  const text = z.preprocess((v) => (typeof v === "string" ? v.trim() : ""), z.string());
  const nameFields = Object.fromEntries(WIDGET_LANGUAGES.flatMap(({ code }) => [[`name_${code}_singular`, text], [`name_${code}_plural`, text]]));
  const schema = z
    .object({
      // Plain text, checked in the transform: every mistake is reported at once, on its field.
      programName: text,
      ...nameFields,
      expiryPolicy: text,
      expiryMonths: text,
      expiryReminderDays: text,
      winbackDays: text,
      pendingDays: text,
      excludedTags: z.unknown(),
      accent: text,
      onAccent: text,
      position: text,
      label: text,
    })
    .transform((f, ctx): SettingsData => {
      const fields = f as unknown as Record<string, string>;
      const fail = (path: SettingsField, message: string) => {
        ctx.addIssue({ code: "custom", path: [path], message });
        return null;
      };
      if (f.programName === "") fail("programName", "Enter a program name");
      else if (f.programName.length > MAX_PROGRAM_NAME_LENGTH) fail("programName", `The name can be at most ${MAX_PROGRAM_NAME_LENGTH} characters`);
      if (f.label.length > MAX_LAUNCHER_LABEL_LENGTH) fail("label", `The label can be at most ${MAX_LAUNCHER_LABEL_LENGTH} characters`);
      const expiryPolicy = f.expiryPolicy === "none" || f.expiryPolicy === "inactivity" ? f.expiryPolicy : fail("expiryPolicy", "Choose when points expire");
      const position = (WIDGET_POSITIONS as readonly string[]).includes(f.position) ? (f.position as WidgetPosition) : fail("position", "Choose a corner");
      const wholeNumber = (path: SettingsField, value: string, min: number, max: number, empty: string, range: string) => {
        if (value === "") return fail(path, empty);
        if (!/^[+-]?\d+$/.test(value)) return fail(path, "Enter a whole number");
        const n = Number(value);
        return n < min || n > max ? fail(path, range) : n;
      };

      const pointsNames: PointsNames = {};
      for (const { code, label } of WIDGET_LANGUAGES) {
        const singular = fields[`name_${code}_singular`] ?? "";
        const plural = fields[`name_${code}_plural`] ?? "";
        let ok = true;
        for (const [key, value] of [[`name_${code}_singular`, singular], [`name_${code}_plural`, plural]] as const) {
          if (value.length > MAX_POINTS_NAME_LENGTH) ok = fail(key, `At most ${MAX_POINTS_NAME_LENGTH} characters`) !== null;
          else if (/[{}<>]/.test(value)) ok = fail(key, "Use words only, without { } < or >") !== null;
        }
        if (!ok) continue;
        if (singular && !plural) fail(`name_${code}_plural`, `Enter the plural for ${label} too`);
        else if (plural && !singular) fail(`name_${code}_singular`, `Enter the singular for ${label} too`);
        else if (singular && plural) pointsNames[code] = { singular, plural };
      }

      const expiryMonths =
        expiryPolicy === "inactivity"
          ? wholeNumber("expiryMonths", f.expiryMonths, 1, MAX_EXPIRY_MONTHS, "Enter a number of months", `Choose 1 to ${MAX_EXPIRY_MONTHS} months`)
          : null;
      // Optional day counts: empty is off.
      const optionalDays = (path: SettingsField, value: string, min: number, max: number) => (value === "" ? null : wholeNumber(path, value, min, max, "", `Choose ${min} to ${max} days, or leave empty`));
      const expiryReminderDays = expiryPolicy === "inactivity" ? optionalDays("expiryReminderDays", f.expiryReminderDays, 1, MAX_REMINDER_DAYS) : null;
      const winbackDays = optionalDays("winbackDays", f.winbackDays, 7, MAX_WINBACK_DAYS);
      const pendingDays = wholeNumber("pendingDays", f.pendingDays, 0, MAX_PENDING_DAYS, "Enter a number of days (0 for none)", `Choose 0 to ${MAX_PENDING_DAYS} days`);

      const rawTags = tagInput(f.excludedTags).map((t) => t.trim()).filter(Boolean);
      const withComma = rawTags.find((t) => t.includes(","));
      const tooLong = rawTags.find((t) => t.length > MAX_TAG_LENGTH);
      const tags = normaliseTags(rawTags);
      if (withComma) fail("excludedTags", `Tags can't contain commas: “${withComma}”`);
      else if (tooLong) fail("excludedTags", `Tags can be at most ${MAX_TAG_LENGTH} characters: “${tooLong.slice(0, 20)}…”`);
      else if (tags.length > MAX_EXCLUDED_TAGS) fail("excludedTags", `At most ${MAX_EXCLUDED_TAGS} tags`);

      const colour = (path: SettingsField, value: string) => (normaliseHexColour(value) ?? fail(path, "Enter a colour like #1f4d3d"));
      const accent = colour("accent", f.accent);
      const onAccent = colour("onAccent", f.onAccent);

      return {
        programName: f.programName,
        pointsNames,
        expiryMonths,
        expiryReminderDays,
        winbackDays,
        pendingDays: pendingDays ?? 0,
        excludedTags: tags,
        widget: { accent: accent ?? "", onAccent: onAccent ?? "", position: position ?? "bottom-right", label: f.label || null },
      };
    });
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: SettingsErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    const field = typeof key === "string" && SETTINGS_FIELDS.includes(key as SettingsField) ? (key as SettingsField) : "form";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

export async function saveProgramSettings(shopDomain: string, data: SettingsData, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) throw new SettingsError("This shop is not installed");
  // The storefront's app-data metafield (program name, widget defaults) is marked for sync in the same transaction.
  await inTransaction(db, async (tx) => {
    const next = {
      programName: data.programName,
      pointsNames: JSON.stringify(data.pointsNames),
      expiryMonths: data.expiryMonths,
      expiryReminderDays: data.expiryReminderDays,
      winbackDays: data.winbackDays,
      pendingDays: data.pendingDays,
      excludedTags: data.excludedTags.join(", "),
      widgetSettings: JSON.stringify(data.widget),
    };
    const stored = await tx.program.findUniqueOrThrow({
      where: { shopId: shop.id },
      select: { programName: true, pointsNames: true, expiryMonths: true, expiryReminderDays: true, winbackDays: true, pendingDays: true, excludedTags: true, widgetSettings: true },
    });
    await tx.program.update({ where: { shopId: shop.id }, data: next });
    // JSON columns as objects, so the log shows the one changed colour, not the whole blob.
    const readable = (v: typeof next) => ({ ...v, pointsNames: parseMaybe(v.pointsNames), widgetSettings: parseMaybe(v.widgetSettings) });
    await recordAudit(tx, { shopId: shop.id, actor, action: "program.settings_updated", subjectType: "program", subjectId: null, subjectLabel: "Settings", before: readable(stored), after: readable(next) });
    await markAppDataDirty(tx, shop.id);
  });
  invalidateShopConfig(shopDomain);
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
