// Shared by Kanta's customer-account extensions (kanta-rewards-page, kanta-profile-block):
// the member view's shape (app/loyalty/storefront/customer-view.server.ts CustomerView, the
// fields these extensions read), the backend calls, and texts: English built in (first paint,
// errors), the shopper's language from the server once the view arrives (0036).
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
  /** The language the server negotiated from `?locale=` (0036), and every panel text in it. */
  language?: string;
  texts?: Record<string, string>;
}

/** The member view with the texts in the shopper's language (`?locale=`, 0036): the server negotiates it. */
export const getMember = (token: string, locale?: string) =>
  kantaFetch<MemberView>(kantaUrl(`/api/customer-account/member${locale ? `?locale=${encodeURIComponent(locale)}` : ""}`), token);
export const redeem = (token: string, body: { rewardId: string; requestId: string; points?: number }) =>
  kantaFetch<{ redemption: Redemption; message?: string }>(kantaUrl("/api/customer-account/redeem"), token, { method: "POST", body });

/** The widget's English texts (app/loyalty/i18n/widget/en.json), the groups an extension imports by name so the bundle keeps only those. */
export type WidgetTexts = Record<string, Record<string, string>>;
/** The few words only these pages need (not in the widget's catalogue), in every language Kanta speaks (0036). */
const EXTRA: Record<string, Record<string, string>> = {
  en: { page_title: "Rewards", available: "Available points", view_rewards: "View rewards", history: "History", earn_rate: "{points} per {amount}", copy_link: "Copy link" },
  fi: { page_title: "Palkinnot", available: "Käytettävissä olevat pisteet", view_rewards: "Näytä palkinnot", history: "Historia", earn_rate: "{points} / {amount}", copy_link: "Kopioi linkki" },
  sv: { page_title: "Belöningar", available: "Tillgängliga poäng", view_rewards: "Visa belöningar", history: "Historik", earn_rate: "{points} per {amount}", copy_link: "Kopiera länk" },
  da: { page_title: "Belønninger", available: "Tilgængelige point", view_rewards: "Se belønninger", history: "Historik", earn_rate: "{points} pr. {amount}", copy_link: "Kopiér link" },
  nb: { page_title: "Belønninger", available: "Tilgjengelige poeng", view_rewards: "Se belønninger", history: "Historikk", earn_rate: "{points} per {amount}", copy_link: "Kopier lenke" },
  de: { page_title: "Prämien", available: "Verfügbare Punkte", view_rewards: "Prämien ansehen", history: "Verlauf", earn_rate: "{points} pro {amount}", copy_link: "Link kopieren" },
  fr: { page_title: "Récompenses", available: "Points disponibles", view_rewards: "Voir les récompenses", history: "Historique", earn_rate: "{points} par tranche de {amount}", copy_link: "Copier le lien" },
  es: { page_title: "Recompensas", available: "Puntos disponibles", view_rewards: "Ver recompensas", history: "Historial", earn_rate: "{points} por cada {amount}", copy_link: "Copiar enlace" },
  it: { page_title: "Premi", available: "Punti disponibili", view_rewards: "Vedi i premi", history: "Cronologia", earn_rate: "{points} ogni {amount}", copy_link: "Copia link" },
  nl: { page_title: "Beloningen", available: "Beschikbare punten", view_rewards: "Beloningen bekijken", history: "Geschiedenis", earn_rate: "{points} per {amount}", copy_link: "Link kopiëren" },
  pl: { page_title: "Nagrody", available: "Dostępne punkty", view_rewards: "Zobacz nagrody", history: "Historia", earn_rate: "{points} za każde {amount}", copy_link: "Kopiuj link" },
  "pt-BR": { page_title: "Recompensas", available: "Pontos disponíveis", view_rewards: "Ver recompensas", history: "Histórico", earn_rate: "{points} a cada {amount}", copy_link: "Copiar link" },
};

/** A language Kanta speaks ("en", "fi", …, "pt-BR"; app/loyalty/i18n/languages.ts). */
export type Lang = string;
const ALIASES: Record<string, string> = { no: "nb", nn: "nb", pt: "pt-BR" };
/**
 * The language a locale ("fi", "fi-FI", "pt-BR", "no") asks for, as the server's negotiateLanguage
 * picks it; anything else reads English. The server's answer (`view.language`) wins once it is there.
 */
export function pickLanguage(isoCode: string | undefined): Lang {
  const tag = (isoCode ?? "en").trim().replace(/_/g, "-");
  const exact = Object.keys(EXTRA).find((c) => c.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const base = tag.toLowerCase().split("-")[0] ?? "en";
  return base in EXTRA ? base : (ALIASES[base] ?? "en");
}

export interface Texts {
  lang: Lang;
  /** A widget key ("rewards.redeem") or a page key ("page.available"); `{count}` picks the plural form (_one, _few, _other…). */
  t(key: string, vars?: Record<string, string | number>): string;
  points(n: number): string;
  money(minor: number, currency: string): string;
  date(iso: string): string;
}

/**
 * Texts for a page: `served` is the server's texts in `lang` (flat keys, "rewards.redeem", the
 * merchant's overrides applied; GET /api/customer-account/member?locale=); until they arrive, and
 * for a key they lack, the built-in English (`english`). Numbers and dates: Intl in `lang`.
 */
export function texts(english: WidgetTexts, lang: Lang, pointsName: { singular: string; plural: string } | null = null, served?: Record<string, string> | null): Texts {
  // The page's own words are bundled in every language: the title reads right from the first paint.
  const extra = EXTRA[pickLanguage(lang)] ?? EXTRA.en!;
  const active = served ? pickLanguage(lang) : "en";
  const plural = new Intl.PluralRules(active);
  const lookup = (group: string, name: string) => (group === "page" ? extra[name] : (served?.[`${group}.${name}`] ?? english[group]?.[name]));
  const form = (group: string, name: string, count: number) => lookup(group, `${name}_${plural.select(count)}`) ?? lookup(group, `${name}_other`);
  const t = (key: string, vars: Record<string, string | number> = {}) => {
    const [group = "", name = ""] = key.split(".");
    const count = vars.count;
    const raw = (typeof count === "number" ? form(group, name, count) : undefined) ?? lookup(group, name) ?? key;
    let out = raw.replace(/\{(\w+)\}/g, (m, v: string) => (v in vars ? String(vars[v]) : m));
    // The merchant's own name for points (as the widget does it).
    if (pointsName && typeof count === "number") {
      const word = form("general", "points", count)?.replace("{count}", "").trim();
      if (word) out = out.replace(word, plural.select(count) === "one" ? pointsName.singular : pointsName.plural);
    }
    return out;
  };
  const number = new Intl.NumberFormat(active);
  return {
    lang: active,
    t,
    points: (n) => t("general.points", { count: n }).replace(String(n), number.format(n)),
    money: (minor, currency) => {
      const digits = new Intl.NumberFormat(active, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
      return new Intl.NumberFormat(active, { style: "currency", currency }).format(minor / 10 ** digits);
    },
    date: (iso) => new Intl.DateTimeFormat(active, { day: "numeric", month: "short", year: "numeric" }).format(new Date(iso)),
  };
}

/** A request id the server keys the redemption by: the same id on a retry debits nothing more. */
export function newRequestId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
