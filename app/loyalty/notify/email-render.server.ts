import mjml2html from "mjml";
import { formatMoney } from "../ledger/money";
import { CATALOGUES } from "../i18n/catalogue";
import { BUILT_IN_POINTS_NAMES, fallbackTextColour, normaliseHexColour, THEME_DEFAULTS, type PointsName, type WidgetLanguage } from "../program/settings";
import { EMAIL_CHROME, EMAIL_WORDS, type EmailOccasionKind, type EmailText } from "./email-texts";
import type { OccasionData } from "./occasions";

// One loyalty email, HTML and plain text. The HTML comes from an MJML template (responsive,
// tables written by MJML, not by hand) compiled ONCE per language and layout (logo or not,
// code box or not) and cached; each email then only fills placeholders in the compiled HTML,
// escaped: a batch of thousands renders in milliseconds each (bench/email-render.ts).
// Colours are compiled as marker colours and swapped for the shop's.

export interface EmailBrand {
  shopName: string;
  programName: string;
  /** The widget's accent and text-on-accent colours (Program.widgetSettings, else the theme defaults). */
  accent: string | null;
  onAccent: string | null;
  logoUrl: string | null;
  /** The shop's rewards page (the button). */
  rewardsUrl: string;
  currencyCode: string;
  pointsNames: Partial<Record<WidgetLanguage, PointsName>>;
}

export interface EmailMember {
  firstName: string | null;
  points: number;
  tier: { name: string; next: { name: string; remaining: number; basis: "spend" | "points" | "orders" } | null } | null;
}

export interface RenderEmailInput<K extends EmailOccasionKind = EmailOccasionKind> {
  kind: K;
  data: OccasionData<K>;
  language: WidgetLanguage;
  text: EmailText;
  brand: EmailBrand;
  member: EmailMember;
  unsubscribeUrl: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const ACCENT_MARK = "#0a0b0c";
const ON_ACCENT_MARK = "#0d0e0f";
const LOGO_MARK = "https://kanta.invalid/logo-mark.png";
const TOKENS = ["HEADING", "BODY", "BALANCE", "TIER", "CODE_LABEL", "CODE", "BUTTON", "BUTTON_URL", "WHY", "UNSUBSCRIBE", "UNSUBSCRIBE_URL", "SHOP"] as const;
type Token = (typeof TOKENS)[number];
const mark = (t: Token) => `%%${t}%%`;

function template(language: WidgetLanguage, logo: boolean, code: boolean): string {
  return `<mjml lang="${language}">
  <mj-head>
    <mj-attributes>
      <mj-all font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif" />
      <mj-text font-size="16px" line-height="1.5" color="#202223" />
    </mj-attributes>
    <mj-preview>${mark("BODY")}</mj-preview>
  </mj-head>
  <mj-body background-color="#f4f4f5" width="600px">
    <mj-section background-color="${ACCENT_MARK}" padding="20px 24px">
      <mj-column>
        ${logo ? `<mj-image src="${LOGO_MARK}" alt="${mark("SHOP")}" width="120px" padding="0" align="left" />` : `<mj-text color="${ON_ACCENT_MARK}" font-size="20px" font-weight="700" padding="0">${mark("SHOP")}</mj-text>`}
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="28px 24px 8px">
      <mj-column>
        <mj-text font-size="24px" font-weight="700" line-height="1.25" padding="0 0 16px">${mark("HEADING")}</mj-text>
        <mj-text padding="0 0 16px">${mark("BODY")}</mj-text>
        ${code ? `<mj-text padding="8px 0 16px" align="center"><div style="font-size:13px;color:#6d7175">${mark("CODE_LABEL")}</div><div style="font-size:24px;font-weight:700;letter-spacing:2px;border:2px dashed ${ACCENT_MARK};padding:10px 16px;display:inline-block;margin-top:4px">${mark("CODE")}</div></mj-text>` : ""}
        <mj-divider border-width="1px" border-color="#e1e3e5" padding="8px 0 16px" />
        <mj-text font-size="18px" font-weight="600" padding="0 0 4px">${mark("BALANCE")}</mj-text>
        <mj-text font-size="14px" color="#6d7175" padding="0 0 20px">${mark("TIER")}</mj-text>
        <mj-button href="${mark("BUTTON_URL")}" background-color="${ACCENT_MARK}" color="${ON_ACCENT_MARK}" font-size="16px" font-weight="600" border-radius="6px" inner-padding="14px 28px" padding="0 0 28px" align="left">${mark("BUTTON")}</mj-button>
      </mj-column>
    </mj-section>
    <mj-section padding="16px 24px 32px">
      <mj-column>
        <mj-text font-size="12px" color="#6d7175" line-height="1.5" padding="0">${mark("WHY")}<br /><a href="${mark("UNSUBSCRIBE_URL")}" style="color:#6d7175;text-decoration:underline">${mark("UNSUBSCRIBE")}</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

const compiled = new Map<string, Promise<string>>();
/** How many MJML compilations this process has done (tests check the cache). */
export let mjmlCompilations = 0;

async function compiledTemplate(language: WidgetLanguage, logo: boolean, code: boolean): Promise<string> {
  const key = `${language}:${logo ? 1 : 0}:${code ? 1 : 0}`;
  let html = compiled.get(key);
  if (!html) {
    mjmlCompilations++;
    html = Promise.resolve(mjml2html(template(language, logo, code), { validationLevel: "strict", minify: false })).then((r) => {
      if (r.errors.length > 0) throw new Error(`email template: ${r.errors.map((e) => e.formattedMessage).join("; ")}`);
      return r.html;
    });
    compiled.set(key, html);
    html.catch(() => compiled.delete(key));
  }
  return html;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** {placeholders} filled; unknown ones stay as written (the preview shows the typo). */
export function fillPlaceholders(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? (vars[name] as string) : whole));
}

function pointsText(n: number, language: WidgetLanguage, names: EmailBrand["pointsNames"]): string {
  const count = new Intl.NumberFormat(language).format(n);
  const name = names[language];
  if (name) return `${count} ${Math.abs(n) === 1 ? name.singular : name.plural}`;
  // The widget's own words, in every plural form the language has (Polish 2 punkty, 5 punktów; 0036).
  const texts = CATALOGUES[language];
  const form = texts[`general.points_${new Intl.PluralRules(language).select(n)}`] ?? texts["general.points_other"];
  return form ? form.replace("{count}", count) : `${count} ${BUILT_IN_POINTS_NAMES[language].plural}`;
}

function dateText(isoDate: string, language: WidgetLanguage): string {
  const d = new Date(`${isoDate}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDate : new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(d);
}

/** The occasion's placeholders, in the email's language. */
export function emailVariables(input: Pick<RenderEmailInput, "kind" | "data" | "language" | "brand" | "member">): Record<string, string> {
  const { language: lang, brand, member } = input;
  const words = EMAIL_WORDS[lang];
  const pts = (n: number) => pointsText(n, lang, brand.pointsNames);
  const vars: Record<string, string> = {
    name: member.firstName?.trim() || words.customer,
    shop: brand.shopName,
    program: brand.programName,
    balance: pts(member.points),
  };
  const d = input.data as Record<string, unknown>;
  const num = (k: string) => (typeof d[k] === "number" ? (d[k] as number) : null);
  const str = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : null);
  const gift = str("rewardText") ?? (num("points") ? pts(num("points")!) : null) ?? str("code") ?? "";
  if (num("points") !== null) vars.points = pts(num("points")!);
  if (str("orderName")) vars.order = str("orderName")!;
  else vars.order = "";
  if (str("rewardName")) vars.reward = str("rewardName")!;
  if (num("pointsCost") !== null) vars.cost = pts(num("pointsCost")!);
  if (str("expiresOn")) vars.date = dateText(str("expiresOn")!, lang);
  if (str("until")) vars.date = dateText(str("until")!, lang);
  if (input.kind === "tier_lowered") {
    vars.tier = str("tierName") ?? words.noTier;
    vars.from_tier = str("fromTierName") ?? "";
  } else if (str("tierName")) vars.tier = str("tierName")!;
  vars.gift = gift;
  vars.code = str("code") ?? "";
  vars.friend = str("friendName") ?? words.friend;
  vars.referrer = str("referrerName") ?? words.friend;
  if (num("years") !== null) vars.years = words.years(num("years")!);
  if (num("days") !== null) vars.days = String(num("days"));
  if (str("surpriseName")) vars.surprise = str("surpriseName")!;
  if (input.kind === "winback") vars.gift = str("code") ? `${EMAIL_CHROME[lang].codeLabel}: ${str("code")}` : num("points") ? pts(num("points")!) : "";
  return vars;
}

function tierLine(member: EmailMember, language: WidgetLanguage, brand: EmailBrand): string {
  if (!member.tier) return "";
  const chrome = EMAIL_CHROME[language];
  const next = member.tier.next;
  if (!next) return fillPlaceholders(chrome.tierTop, { tier: member.tier.name });
  const remaining =
    next.basis === "spend"
      ? formatMoney(next.remaining, brand.currencyCode, language)
      : next.basis === "points"
        ? pointsText(next.remaining, language, brand.pointsNames)
        : new Intl.NumberFormat(language).format(next.remaining);
  return `${member.tier.name} · ${fillPlaceholders(chrome.tierProgress, { remaining, next: next.name })}`;
}

function colours(brand: EmailBrand): { accent: string; onAccent: string } {
  const accent = (brand.accent && normaliseHexColour(brand.accent)) ?? THEME_DEFAULTS.accent;
  const onAccent = (brand.onAccent && normaliseHexColour(brand.onAccent)) ?? (brand.accent ? fallbackTextColour(accent) : THEME_DEFAULTS.onAccent);
  return { accent, onAccent };
}

/** The email: subject, HTML and text, every value escaped where it goes. */
export async function renderEmail(input: RenderEmailInput): Promise<RenderedEmail> {
  const vars = emailVariables(input);
  const chrome = EMAIL_CHROME[input.language];
  const subject = fillPlaceholders(input.text.subject, vars).replace(/\s+/g, " ").trim();
  const body = fillPlaceholders(input.text.text, vars).trim();
  const code = vars.code && input.kind !== "winback" ? vars.code : "";
  const balance = fillPlaceholders(chrome.balance, vars);
  const tier = tierLine(input.member, input.language, input.brand);
  const why = fillPlaceholders(chrome.why, vars);
  const paragraphs = body
    .split(/\n{2,}|\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const values: Record<Token, string> = {
    HEADING: escapeHtml(subject),
    BODY: paragraphs.map(escapeHtml).join("<br /><br />"),
    BALANCE: escapeHtml(balance),
    TIER: escapeHtml(tier),
    CODE_LABEL: escapeHtml(chrome.codeLabel),
    CODE: escapeHtml(code),
    BUTTON: escapeHtml(chrome.button),
    BUTTON_URL: escapeHtml(input.brand.rewardsUrl),
    WHY: escapeHtml(why),
    UNSUBSCRIBE: escapeHtml(chrome.unsubscribe),
    UNSUBSCRIBE_URL: escapeHtml(input.unsubscribeUrl),
    SHOP: escapeHtml(input.brand.shopName),
  };
  const base = await compiledTemplate(input.language, Boolean(input.brand.logoUrl), Boolean(code));
  const { accent, onAccent } = colours(input.brand);
  let html = base.replace(/%%([A-Z_]+)%%/g, (whole, t: string) => ((TOKENS as readonly string[]).includes(t) ? values[t as Token] : whole));
  // The preview text (mj-preview) is plain: the body without markup.
  html = html.split(ACCENT_MARK).join(accent).split(ON_ACCENT_MARK).join(onAccent);
  if (input.brand.logoUrl) html = html.split(LOGO_MARK).join(escapeHtml(input.brand.logoUrl));
  const text = [
    subject,
    "",
    body,
    ...(code ? ["", `${chrome.codeLabel}: ${code}`] : []),
    "",
    balance,
    ...(tier ? [tier] : []),
    "",
    `${chrome.button}: ${input.brand.rewardsUrl}`,
    "",
    "--",
    why,
    `${chrome.unsubscribe}: ${input.unsubscribeUrl}`,
  ].join("\n");
  return { subject, html, text };
}
