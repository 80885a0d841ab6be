// Shared by Kanta's customer-account extensions (kanta-rewards-page, kanta-profile-block):
// the member view's shape (app/loyalty/storefront/customer-view.server.ts CustomerView, the
// fields these extensions read), the backend calls, and texts in the theme widget's
// languages: the widget's own locale files, plus the few words only these pages need.
// No Node, no app/ imports: bundled into each extension.
import { kantaFetch, kantaUrl } from "./kanta-api";


export interface Redemption {
  id: string; status: string; rewardName: string; pointsSpent: number; code: string | null; expiresAt: string | null; createdAt: string;
  /** A discount code, or store credit added to the customer's Shopify account (creditMinor once added). */
  kind: "code" | "store_credit"; creditMinor: number | null;
}
export interface Reward {
  id: string; name: string; type: string; pointsCost: number; redeemable: boolean;
  reason: "insufficient_points" | "tier_required" | "reward_unavailable" | "not_a_member" | null;
  neededPoints: number; minTierName: string | null; valueMinor: number | null; percentOff: number | null; minOrderMinor: number | null;
  rate: { pointsPerUnit: number; unitMinor: number; maxMinor: number | null } | null;
}
export interface MemberView {
  customer: {
    firstName: string | null; points: number; pendingPoints: number; status: string;
    tier: { name: string; rank: number; next: { name: string; remaining: number } | null; progress: number; basis: string; periodEnd: string | null } | null;
    recentActivity: { at: string; kind: string; points: number; pendingPoints: number; note: string | null }[];
    redemptions: Redemption[];
    referral: { url: string; code: string; friendsJoined: number } | null;
  } | null;
  rewards: Reward[];
  program: { status: string; currencyCode: string; pendingDays: number; programName: string | null; pointsName: { singular: string; plural: string } | null };
  ways: { id: string; type: string; name: string; points: number; state: string; earn?: { points: number; spendMinor: number } }[];
}

export const getMember = (token: string) => kantaFetch<MemberView>(kantaUrl("/api/customer-account/member"), token);
export const redeem = (token: string, body: { rewardId: string; requestId: string; points?: number }) =>
  kantaFetch<{ redemption: Redemption; message?: string }>(kantaUrl("/api/customer-account/redeem"), token, { method: "POST", body });

/** The widget's texts (app/loyalty/i18n/widget, 0036), the groups an extension imports by name so the bundle keeps only those. */
export type WidgetTexts = Record<string, Record<string, string>>;
const EXTRA = {
  en: { page_title: "Rewards", available: "Available points", view_rewards: "View rewards", history: "History", earn_rate: "{points} per {amount}", copy_link: "Copy link", none: "—" },
  fi: { page_title: "Palkinnot", available: "Käytettävissä olevat pisteet", view_rewards: "Näytä palkinnot", history: "Historia", earn_rate: "{points} / {amount}", copy_link: "Kopioi linkki", none: "—" },
  da: { page_title: "Belønninger", available: "Tilgængelige point", view_rewards: "Se belønninger", history: "Historik", earn_rate: "{points} pr. {amount}", copy_link: "Kopiér link", none: "—" },
  sv: { page_title: "Belöningar", available: "Tillgängliga poäng", view_rewards: "Visa belöningar", history: "Historik", earn_rate: "{points} per {amount}", copy_link: "Kopiera länk", none: "—" },
} as const;

export type Lang = keyof typeof EXTRA;
/** The widget's languages; anything else reads English (as the widget does). */
export function pickLanguage(isoCode: string | undefined): Lang {
  const base = (isoCode ?? "en").slice(0, 2).toLowerCase();
  return base in EXTRA ? (base as Lang) : "en";
}

export interface Texts {
  lang: Lang;
  /** A widget key ("rewards.redeem") or a page key ("page.available"); `{count}` picks _one/_other. */
  t(key: string, vars?: Record<string, string | number>): string;
  points(n: number): string;
  money(minor: number, currency: string): string;
  date(iso: string): string;
}

export function texts(dicts: Record<Lang, WidgetTexts>, lang: Lang, pointsName: { singular: string; plural: string } | null = null): Texts {
  const dict = dicts[lang];
  const enDict = dicts.en;
  const extra = EXTRA[lang] as Record<string, string>;
  const plural = new Intl.PluralRules(lang);
  const lookup = (group: string, name: string) => (group === "page" ? extra[name] : (dict[group]?.[name] ?? enDict[group]?.[name]));
  const t = (key: string, vars: Record<string, string | number> = {}) => {
    const [group = "", name = ""] = key.split(".");
    const count = vars.count;
    const raw =
      (typeof count === "number" ? lookup(group, `${name}_${plural.select(count) === "one" ? "one" : "other"}`) : undefined) ?? lookup(group, name) ?? key;
    let out = raw.replace(/\{(\w+)\}/g, (m, v: string) => (v in vars ? String(vars[v]) : m));
    // The merchant's own name for points (as the widget does it).
    if (pointsName && typeof count === "number") {
      const word = lookup("general", plural.select(count) === "one" ? "points_one" : "points_other")?.replace("{count}", "").trim();
      if (word) out = out.replace(word, plural.select(count) === "one" ? pointsName.singular : pointsName.plural);
    }
    return out;
  };
  const number = new Intl.NumberFormat(lang);
  return {
    lang,
    t,
    points: (n) => t("general.points", { count: n }).replace(String(n), number.format(n)),
    money: (minor, currency) => {
      const digits = new Intl.NumberFormat(lang, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
      return new Intl.NumberFormat(lang, { style: "currency", currency }).format(minor / 10 ** digits);
    },
    date: (iso) => new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric" }).format(new Date(iso)),
  };
}

/** A request id the server keys the redemption by: the same id on a retry debits nothing more. */
export function newRequestId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
