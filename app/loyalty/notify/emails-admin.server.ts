import { getDb, type Db } from "../../db.server";
import { getEnv } from "../../env.server";
import { WIDGET_LANGUAGES, type WidgetLanguage } from "../program/settings";
import { renderEmail, type RenderedEmail } from "./email-render.server";
import { emailBrandFor, emailDeliveryCounts, emailDeliveryLog, loadEmailSettings, saveOccasionEmail, saveSender } from "./email.server";
import { EMAIL_AUDIENCES, emailLanguage, isEmailOccasionKind, occasionEmailForm, senderForm } from "./email-settings";
import { DEFAULT_EMAIL_TEXTS, EMAIL_PLACEHOLDERS, COMMON_PLACEHOLDERS, type EmailOccasionKind, type EmailText } from "./email-texts";
import { SAMPLE_MEMBER, SAMPLE_OCCASION_DATA, type EmailDraft, type EmailsPageData } from "./emails-page";
import { DELIVERY_STATUSES, EMAIL_OCCASION_KINDS } from "./occasions";
import { unsubscribeUrl } from "./unsubscribe";

// The admin's Emails page (app/routes/app.emails.tsx): settings, per-occasion editing, the
// live preview, the delivery log. By shop domain, like the other admin pages.

async function shopIdOf(db: Db, domain: string): Promise<string> {
  return (await db.shop.findUniqueOrThrow({ where: { domain }, select: { id: true } })).id;
}

export async function getEmailsPage(domain: string, filter: { status?: string | null; kind?: string | null }, db: Db = getDb()): Promise<EmailsPageData> {
  const shopId = await shopIdOf(db, domain);
  const status = filter.status && (DELIVERY_STATUSES as readonly string[]).includes(filter.status) ? filter.status : null;
  const kind = filter.kind && (EMAIL_OCCASION_KINDS as readonly string[]).includes(filter.kind) ? filter.kind : null;
  const [settings, log, counts, brand] = await Promise.all([
    loadEmailSettings(db, shopId),
    emailDeliveryLog(db, shopId, { status, kind }),
    emailDeliveryCounts(db, shopId),
    emailBrandFor(db, shopId),
  ]);
  const env = getEnv();
  return {
    settings,
    defaults: DEFAULT_EMAIL_TEXTS,
    placeholders: Object.fromEntries(EMAIL_OCCASION_KINDS.map((k) => [k, [...COMMON_PLACEHOLDERS, ...EMAIL_PLACEHOLDERS[k]]])) as Record<EmailOccasionKind, string[]>,
    languages: WIDGET_LANGUAGES.map((l) => ({ code: l.code, label: l.label })),
    primaryLanguage: emailLanguage(null, brand.primaryLocale),
    log,
    counts,
    filter: { status, kind },
    smtpConfigured: Boolean(env.SMTP_URL),
    mailFrom: env.MAIL_FROM,
    hourlyCap: env.MAIL_HOURLY_CAP,
  };
}

export type FormErrors = Record<string, string>;

function zodErrors(issues: { path: PropertyKey[]; message: string }[]): FormErrors {
  const errors: FormErrors = {};
  for (const i of issues) errors[i.path.map(String).join(".") || "form"] ??= i.message;
  return errors;
}

/** Saves one occasion's on/off, audience and texts (a language whose text equals the default is not stored). */
export async function saveEmailOccasion(domain: string, input: unknown, db: Db = getDb()): Promise<{ ok: true } | { ok: false; errors: FormErrors }> {
  const parsed = occasionEmailForm.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error.issues) };
  const kind = parsed.data.kind as EmailOccasionKind;
  const texts: Partial<Record<WidgetLanguage, EmailText>> = {};
  for (const { code } of WIDGET_LANGUAGES) {
    const t = parsed.data.texts[code];
    const d = DEFAULT_EMAIL_TEXTS[kind][code];
    if (t && (t.subject !== d.subject || t.text !== d.text)) texts[code] = t;
  }
  await saveOccasionEmail(db, await shopIdOf(db, domain), kind, { on: parsed.data.on, audience: parsed.data.audience, texts });
  return { ok: true };
}

export async function saveEmailSender(domain: string, input: unknown, db: Db = getDb()): Promise<{ ok: true } | { ok: false; errors: FormErrors }> {
  const parsed = senderForm.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error.issues) };
  await saveSender(db, await shopIdOf(db, domain), parsed.data);
  return { ok: true };
}

/** The preview (and the test send's content): example data, this shop's brand, the text being edited. */
export async function previewEmail(domain: string, kind: EmailOccasionKind, language: WidgetLanguage, text: EmailText, db: Db = getDb()): Promise<RenderedEmail & { from: string; replyTo: string | null }> {
  const shopId = await shopIdOf(db, domain);
  const [{ brand }, settings] = await Promise.all([emailBrandFor(db, shopId), loadEmailSettings(db, shopId)]);
  const env = getEnv();
  const rendered = await renderEmail({
    kind,
    data: SAMPLE_OCCASION_DATA[kind] as never,
    language,
    text,
    brand,
    member: SAMPLE_MEMBER,
    unsubscribeUrl: unsubscribeUrl(env.SHOPIFY_APP_URL, env.SHOPIFY_API_SECRET, { shopId, email: "preview@example.com" }),
  });
  const name = (settings.senderName ?? brand.shopName).replace(/["\\\r\n]/g, "");
  return { ...rendered, from: `"${name}" <${env.MAIL_FROM}>`, replyTo: settings.replyTo };
}

/** The draft in a posted body, or null when any part of it is missing or unknown. */
export function readEmailDraft(data: unknown): EmailDraft | null {
  if (!data || typeof data !== "object") return null;
  const { kind, language, text } = data as Record<string, unknown>;
  const t = text as Partial<EmailText> | null | undefined;
  if (
    typeof kind !== "string" ||
    !isEmailOccasionKind(kind) ||
    !WIDGET_LANGUAGES.some((l) => l.code === language) ||
    typeof t?.subject !== "string" ||
    typeof t?.text !== "string"
  )
    return null;
  return { kind, language: language as WidgetLanguage, text: { subject: t.subject, text: t.text } };
}

export { EMAIL_AUDIENCES };
