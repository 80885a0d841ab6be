// The block's texts in the storefront widget's languages (app/loyalty/i18n/widget:
// English, Danish, Finnish, Swedish), chosen by the shopper's language
// (shopify.localization.language); anything else reads English.

export type Language = "en" | "da" | "fi" | "sv";

interface Texts {
  heading: string;
  /** "{count} point" / "{count} points" */
  points: { one: string; other: string };
  willEarn: string;
  pending: string;
  available: string;
  estimateNote: string;
  estimateUnknown: string;
  joinBonus: string;
  earned: string;
  availableOn: string;
  availableNow: string;
  processing: string;
  inviteHeading: string;
  inviteBonus: string;
  inviteText: string;
  inviteRate: string;
  inviteButton: string;
}

const TEXTS: Record<Language, Texts> = {
  en: {
    heading: "Rewards",
    points: { one: "{count} point", other: "{count} points" },
    willEarn: "You’ll earn {points} on this order",
    pending: "Pending",
    available: "Available",
    estimateNote: "They’ll be added to your account once we’ve confirmed your order.",
    estimateUnknown: "The points for this order will show in your account once we’ve confirmed it.",
    joinBonus: "Plus {points} for joining our rewards program.",
    earned: "You earned {points} on this order",
    availableOn: "You can use them from {date}, after the return window.",
    availableNow: "They’re in your balance, ready to use.",
    processing: "The points for this order will show here once we’ve confirmed it.",
    inviteHeading: "Earn points on your next order",
    inviteBonus: "Create an account to join our rewards program and get {points} right away.",
    inviteText: "Create an account to join our rewards program and collect points on every order.",
    inviteRate: "Members earn {points} for every {amount} they spend.",
    inviteButton: "Create an account",
  },
  da: {
    heading: "Fordele",
    points: { one: "{count} point", other: "{count} point" },
    willEarn: "Du optjener {points} på denne ordre",
    pending: "Afventer",
    available: "Kan bruges",
    estimateNote: "De lægges på din konto, når vi har bekræftet din ordre.",
    estimateUnknown: "Pointene for denne ordre vises på din konto, når vi har bekræftet den.",
    joinBonus: "Plus {points} for at blive medlem af vores fordelsprogram.",
    earned: "Du optjente {points} på denne ordre",
    availableOn: "Du kan bruge dem fra {date}, når returfristen er udløbet.",
    availableNow: "De står på din saldo og kan bruges nu.",
    processing: "Pointene for denne ordre vises her, når vi har bekræftet den.",
    inviteHeading: "Optjen point på din næste ordre",
    inviteBonus: "Opret en konto, bliv medlem af vores fordelsprogram, og få {points} med det samme.",
    inviteText: "Opret en konto, bliv medlem af vores fordelsprogram, og optjen point på hver ordre.",
    inviteRate: "Medlemmer optjener {points} for hver {amount}, de handler for.",
    inviteButton: "Opret en konto",
  },
  fi: {
    heading: "Edut",
    points: { one: "{count} piste", other: "{count} pistettä" },
    willEarn: "Saat tästä tilauksesta {points}",
    pending: "Odottaa",
    available: "Käytettävissä",
    estimateNote: "Pisteet lisätään tilillesi, kun olemme vahvistaneet tilauksesi.",
    estimateUnknown: "Tämän tilauksen pisteet näkyvät tililläsi, kun olemme vahvistaneet sen.",
    joinBonus: "Lisäksi {points} liittymislahjaksi.",
    earned: "Sait tästä tilauksesta {points}",
    availableOn: "Voit käyttää ne {date} alkaen, palautusajan jälkeen.",
    availableNow: "Pisteet ovat saldossasi ja käytettävissä.",
    processing: "Tämän tilauksen pisteet näkyvät tässä, kun olemme vahvistaneet sen.",
    inviteHeading: "Kerää pisteitä seuraavasta tilauksestasi",
    inviteBonus: "Luo tili, liity kanta-asiakasohjelmaamme ja saat heti {points}.",
    inviteText: "Luo tili, liity kanta-asiakasohjelmaamme ja kerää pisteitä jokaisesta tilauksesta.",
    inviteRate: "Jäsenet saavat {points} jokaista {amount} kohden.",
    inviteButton: "Luo tili",
  },
  sv: {
    heading: "Förmåner",
    points: { one: "{count} poäng", other: "{count} poäng" },
    willEarn: "Du får {points} för den här beställningen",
    pending: "Väntande",
    available: "Kan användas",
    estimateNote: "De läggs till på ditt konto när vi har bekräftat din beställning.",
    estimateUnknown: "Poängen för den här beställningen visas på ditt konto när vi har bekräftat den.",
    joinBonus: "Plus {points} för att du blir medlem i vårt förmånsprogram.",
    earned: "Du fick {points} för den här beställningen",
    availableOn: "Du kan använda dem från {date}, när returtiden har gått ut.",
    availableNow: "De finns i ditt saldo och kan användas nu.",
    processing: "Poängen för den här beställningen visas här när vi har bekräftat den.",
    inviteHeading: "Samla poäng på din nästa beställning",
    inviteBonus: "Skapa ett konto, bli medlem i vårt förmånsprogram och få {points} direkt.",
    inviteText: "Skapa ett konto, bli medlem i vårt förmånsprogram och samla poäng på varje beställning.",
    inviteRate: "Medlemmar får {points} för varje {amount} de handlar för.",
    inviteButton: "Skapa ett konto",
  },
};

export function pickLanguage(isoCode: string | undefined): Language {
  const base = (isoCode ?? "").toLowerCase().split(/[-_]/)[0];
  return base === "da" || base === "fi" || base === "sv" ? base : "en";
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

export interface Copy {
  language: Language;
  text(key: Exclude<keyof Texts, "points">, values?: Record<string, string>): string;
  points(count: number): string;
  money(minor: number, currencyCode: string): string;
  date(iso: string): string;
}

export function copyFor(isoCode: string | undefined): Copy {
  const language = pickLanguage(isoCode);
  const texts = TEXTS[language];
  const plural = new Intl.PluralRules(language);
  const number = new Intl.NumberFormat(language);
  return {
    language,
    text: (key, values = {}) => fill(texts[key], values),
    points: (count) => fill(texts.points[plural.select(count) === "one" ? "one" : "other"], { count: number.format(count) }),
    money: (minor, currencyCode) => {
      const format = new Intl.NumberFormat(language, { style: "currency", currency: currencyCode });
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(minor / 10 ** digits);
    },
    date: (iso) => new Intl.DateTimeFormat(language, { day: "numeric", month: "long", year: "numeric" }).format(new Date(iso)),
  };
}

/** Rounds a checkout amount to its currency's minor unit (sums of floats drift: 0.1 + 0.2). */
export function roundMoney(amount: number, currencyCode: string): number {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  return Number(amount.toFixed(digits));
}
