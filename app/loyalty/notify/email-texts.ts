import type { WidgetLanguage } from "../program/settings";
import type { OccasionKind } from "./occasions";
import { MORE_EMAILS, type EmailWords, type MoreLanguage } from "./email-texts-more";

// The default subject and text of each loyalty email, in every language Kanta speaks to
// shoppers (app/loyalty/i18n/languages.ts: en, fi, da, sv here; the others in
// ./email-texts-more.ts, 0036). The merchant may replace
// either per occasion and language (./email-settings.ts). {placeholders} are filled per
// member by ./email-render.ts; EMAIL_PLACEHOLDERS lists what each occasion offers.

export type EmailOccasionKind = Exclude<OccasionKind, "reward_redeemed" | "referral_completed">;

export interface EmailText {
  subject: string;
  text: string;
}

/** Placeholders every email can use. */
export const COMMON_PLACEHOLDERS = ["name", "shop", "program", "balance"] as const;

/** Placeholders each occasion adds (from its data). */
export const EMAIL_PLACEHOLDERS: Record<EmailOccasionKind, readonly string[]> = {
  welcome: ["points"],
  points_earned: ["points", "order"],
  reward_affordable: ["reward", "cost"],
  points_expiring: ["points", "date"],
  tier_reached: ["tier"],
  tier_kept: ["tier", "date"],
  tier_lowered: ["tier", "from_tier"],
  referral_reward: ["gift", "code", "friend"],
  friend_welcome_code: ["code", "gift", "referrer"],
  birthday: ["gift", "code"],
  anniversary: ["years", "points"],
  winback: ["days", "gift", "code"],
  surprise: ["surprise", "gift", "code"],
};

/** The words around the email's body (button, balance line, footer), per language. */
export interface EmailChrome {
  button: string;
  balance: string;
  tierProgress: string;
  tierTop: string;
  unsubscribe: string;
  why: string;
  codeLabel: string;
}

type BaseLanguage = Exclude<WidgetLanguage, MoreLanguage>;
const MORE = Object.keys(MORE_EMAILS) as MoreLanguage[];
const withMore = <T>(base: Record<BaseLanguage, T>, pick: (l: MoreLanguage) => T): Record<WidgetLanguage, T> =>
  ({ ...base, ...Object.fromEntries(MORE.map((l) => [l, pick(l)])) }) as Record<WidgetLanguage, T>;

const BASE_CHROME: Record<BaseLanguage, EmailChrome> = {
  en: {
    button: "See your rewards",
    balance: "Your balance: {balance}",
    tierProgress: "{remaining} more to reach {next}",
    tierTop: "You are at our top tier, {tier}",
    unsubscribe: "Unsubscribe from loyalty emails",
    why: "You get this email because you are a member of {program} at {shop}.",
    codeLabel: "Your code",
  },
  fi: {
    button: "Katso etusi",
    balance: "Saldosi: {balance}",
    tierProgress: "Vielä {remaining} tasoon {next}",
    tierTop: "Olet ylimmällä tasolla: {tier}",
    unsubscribe: "Peru kanta-asiakasviestit",
    why: "Saat tämän viestin, koska olet {shop}n {program}-ohjelman jäsen.",
    codeLabel: "Koodisi",
  },
  da: {
    button: "Se dine fordele",
    balance: "Din saldo: {balance}",
    tierProgress: "{remaining} mere til {next}",
    tierTop: "Du er på vores højeste niveau, {tier}",
    unsubscribe: "Afmeld loyalitetsmails",
    why: "Du får denne mail, fordi du er medlem af {program} hos {shop}.",
    codeLabel: "Din kode",
  },
  sv: {
    button: "Se dina förmåner",
    balance: "Ditt saldo: {balance}",
    tierProgress: "{remaining} kvar till {next}",
    tierTop: "Du är på vår högsta nivå, {tier}",
    unsubscribe: "Avsluta lojalitetsmejl",
    why: "Du får det här mejlet eftersom du är medlem i {program} hos {shop}.",
    codeLabel: "Din kod",
  },
};

export const EMAIL_CHROME: Record<WidgetLanguage, EmailChrome> = withMore(BASE_CHROME, (l) => MORE_EMAILS[l].chrome);

const BASE_TEXTS: Record<EmailOccasionKind, Record<BaseLanguage, EmailText>> = {
  welcome: {
    en: { subject: "Welcome to {program}, {name}", text: "Thanks for joining {program} at {shop}. You earn points with every order and can spend them on rewards.\n{points} are already waiting for you." },
    fi: { subject: "Tervetuloa {program}-ohjelmaan, {name}", text: "Kiitos, että liityit {shop}n {program}-ohjelmaan. Saat pisteitä jokaisesta tilauksesta ja voit vaihtaa ne etuihin.\nTililläsi odottaa jo {points}." },
    da: { subject: "Velkommen til {program}, {name}", text: "Tak fordi du meldte dig ind i {program} hos {shop}. Du optjener point på hver ordre og kan bruge dem på fordele.\n{points} venter allerede på dig." },
    sv: { subject: "Välkommen till {program}, {name}", text: "Tack för att du gick med i {program} hos {shop}. Du tjänar poäng på varje order och kan använda dem till förmåner.\n{points} väntar redan på dig." },
  },
  points_earned: {
    en: { subject: "You earned {points}", text: "Your order {order} earned you {points}. They are ready to spend." },
    fi: { subject: "Ansaitsit {points}", text: "Tilauksesi {order} kerrytti sinulle {points}. Ne ovat nyt käytettävissä." },
    da: { subject: "Du har optjent {points}", text: "Din ordre {order} gav dig {points}. De er klar til brug." },
    sv: { subject: "Du har tjänat {points}", text: "Din order {order} gav dig {points}. De är redo att användas." },
  },
  reward_affordable: {
    en: { subject: "You can now get {reward}", text: "Your points now cover {reward} ({cost}). Redeem it whenever you like." },
    fi: { subject: "Voit nyt saada edun {reward}", text: "Pisteesi riittävät nyt etuun {reward} ({cost}). Lunasta se milloin haluat." },
    da: { subject: "Nu kan du få {reward}", text: "Dine point rækker nu til {reward} ({cost}). Indløs den, når du vil." },
    sv: { subject: "Nu kan du få {reward}", text: "Dina poäng räcker nu till {reward} ({cost}). Lös in den när du vill." },
  },
  points_expiring: {
    en: { subject: "{points} expire on {date}", text: "{points} of your balance expire on {date}. Place an order or redeem a reward before then to keep them." },
    fi: { subject: "{points} vanhenee {date}", text: "Saldostasi {points} vanhenee {date}. Tee tilaus tai lunasta etu ennen sitä, niin pisteet säilyvät." },
    da: { subject: "{points} udløber {date}", text: "{points} af din saldo udløber {date}. Afgiv en ordre eller indløs en fordel inden da for at beholde dem." },
    sv: { subject: "{points} går ut {date}", text: "{points} av ditt saldo går ut {date}. Lägg en order eller lös in en förmån innan dess för att behålla dem." },
  },
  tier_reached: {
    en: { subject: "Welcome to {tier}", text: "Congratulations, {name}: you reached {tier}. Enjoy the benefits that come with it." },
    fi: { subject: "Tervetuloa tasolle {tier}", text: "Onnittelut, {name}: nousit tasolle {tier}. Nauti sen eduista." },
    da: { subject: "Velkommen til {tier}", text: "Tillykke, {name}: du har nået {tier}. Nyd fordelene, der følger med." },
    sv: { subject: "Välkommen till {tier}", text: "Grattis, {name}: du har nått {tier}. Njut av förmånerna som följer med." },
  },
  tier_kept: {
    en: { subject: "You keep {tier}", text: "Thank you for another great year, {name}. You keep {tier} and all its benefits." },
    fi: { subject: "Pysyt tasolla {tier}", text: "Kiitos taas yhdestä hienosta vuodesta, {name}. Pysyt tasolla {tier} kaikkine etuineen." },
    da: { subject: "Du beholder {tier}", text: "Tak for endnu et godt år, {name}. Du beholder {tier} og alle fordelene." },
    sv: { subject: "Du behåller {tier}", text: "Tack för ännu ett fint år, {name}. Du behåller {tier} och alla förmåner." },
  },
  tier_lowered: {
    en: { subject: "Your tier is now {tier}", text: "Your membership moved from {from_tier} to {tier}. Every order brings you closer to the next tier again." },
    fi: { subject: "Tasosi on nyt {tier}", text: "Jäsenyytesi siirtyi tasolta {from_tier} tasolle {tier}. Jokainen tilaus vie sinua taas kohti seuraavaa tasoa." },
    da: { subject: "Dit niveau er nu {tier}", text: "Dit medlemskab er flyttet fra {from_tier} til {tier}. Hver ordre bringer dig tættere på det næste niveau igen." },
    sv: { subject: "Din nivå är nu {tier}", text: "Ditt medlemskap har flyttats från {from_tier} till {tier}. Varje order tar dig närmare nästa nivå igen." },
  },
  referral_reward: {
    en: { subject: "Thanks for the referral: {gift}", text: "{friend} placed their first order thanks to you. Here is your reward: {gift}." },
    fi: { subject: "Kiitos suosituksesta: {gift}", text: "{friend} teki ensimmäisen tilauksensa suosituksesi ansiosta. Tässä palkintosi: {gift}." },
    da: { subject: "Tak for anbefalingen: {gift}", text: "{friend} har afgivet sin første ordre takket være dig. Her er din belønning: {gift}." },
    sv: { subject: "Tack för tipset: {gift}", text: "{friend} har lagt sin första order tack vare dig. Här är din belöning: {gift}." },
  },
  friend_welcome_code: {
    en: { subject: "A gift from {referrer}: {gift}", text: "{referrer} invited you to {shop}. Use your code at checkout for {gift}." },
    fi: { subject: "Lahja käyttäjältä {referrer}: {gift}", text: "{referrer} kutsui sinut kauppaan {shop}. Käytä koodiasi kassalla ja saat: {gift}." },
    da: { subject: "En gave fra {referrer}: {gift}", text: "{referrer} har inviteret dig til {shop}. Brug din kode ved kassen og få {gift}." },
    sv: { subject: "En present från {referrer}: {gift}", text: "{referrer} har bjudit in dig till {shop}. Använd din kod i kassan och få {gift}." },
  },
  birthday: {
    en: { subject: "Happy birthday, {name}!", text: "Everyone at {shop} wishes you a happy birthday. Our gift to you: {gift}." },
    fi: { subject: "Hyvää syntymäpäivää, {name}!", text: "Kaikki meillä {shop}ssa toivottavat hyvää syntymäpäivää. Lahjamme sinulle: {gift}." },
    da: { subject: "Tillykke med fødselsdagen, {name}!", text: "Alle hos {shop} ønsker dig tillykke med fødselsdagen. Vores gave til dig: {gift}." },
    sv: { subject: "Grattis på födelsedagen, {name}!", text: "Alla på {shop} önskar dig en riktigt fin födelsedag. Vår present till dig: {gift}." },
  },
  anniversary: {
    en: { subject: "{years} with {program}", text: "Today it is {years} since you joined {program}. Thank you for being with us: {points} are on us." },
    fi: { subject: "{years} {program}-ohjelmassa", text: "Tänään tulee kuluneeksi {years} siitä, kun liityit {program}-ohjelmaan. Kiitos, että olet mukana: saat meiltä {points}." },
    da: { subject: "{years} med {program}", text: "I dag er det {years} siden, du meldte dig ind i {program}. Tak fordi du er med: {points} er på os." },
    sv: { subject: "{years} med {program}", text: "I dag är det {years} sedan du gick med i {program}. Tack för att du är med: {points} bjuder vi på." },
  },
  winback: {
    en: { subject: "We miss you, {name}", text: "It has been {days} days since your last order. You still have {balance} to spend. {gift}" },
    fi: { subject: "Meillä on ikävä sinua, {name}", text: "Edellisestä tilauksestasi on {days} päivää. Sinulla on yhä {balance} käytettävissä. {gift}" },
    da: { subject: "Vi savner dig, {name}", text: "Der er gået {days} dage siden din sidste ordre. Du har stadig {balance} at bruge. {gift}" },
    sv: { subject: "Vi saknar dig, {name}", text: "Det har gått {days} dagar sedan din senaste order. Du har fortfarande {balance} att använda. {gift}" },
  },
  surprise: {
    en: { subject: "A surprise for you, {name}", text: "You are one of the members we picked for {surprise}. Our gift to you: {gift}." },
    fi: { subject: "Yllätys sinulle, {name}", text: "Sinut valittiin mukaan yllätykseen {surprise}. Lahjamme sinulle: {gift}." },
    da: { subject: "En overraskelse til dig, {name}", text: "Du er et af de medlemmer, vi har valgt til {surprise}. Vores gave til dig: {gift}." },
    sv: { subject: "En överraskning till dig, {name}", text: "Du är en av medlemmarna vi valt ut till {surprise}. Vår present till dig: {gift}." },
  },
};

export const DEFAULT_EMAIL_TEXTS = Object.fromEntries(
  Object.entries(BASE_TEXTS).map(([kind, texts]) => [kind, withMore(texts, (l) => MORE_EMAILS[l].texts[kind as EmailOccasionKind])]),
) as Record<EmailOccasionKind, Record<WidgetLanguage, EmailText>>;

/** Words for the placeholders the emails build from data, per language. */
const BASE_WORDS: Record<BaseLanguage, EmailWords> = {
  en: { friend: "Your friend", customer: "there", noTier: "no tier", years: (n) => (n === 1 ? "1 year" : `${n} years`), pointsGift: "{points}" },
  fi: { friend: "Ystäväsi", customer: "hei", noTier: "ei tasoa", years: (n) => (n === 1 ? "1 vuosi" : `${n} vuotta`), pointsGift: "{points}" },
  da: { friend: "Din ven", customer: "kunde", noTier: "intet niveau", years: (n) => (n === 1 ? "1 år" : `${n} år`), pointsGift: "{points}" },
  sv: { friend: "Din vän", customer: "kund", noTier: "ingen nivå", years: (n) => (n === 1 ? "1 år" : `${n} år`), pointsGift: "{points}" },
};
export const EMAIL_WORDS: Record<WidgetLanguage, EmailWords> = withMore(BASE_WORDS, (l) => MORE_EMAILS[l].words);
