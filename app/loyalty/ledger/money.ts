// Money as integer minor units with its currency. Never floats: amounts arrive from
// Shopify as decimal strings ("404.95") and from merchants as text ("1 500,00 €"), and both
// are read digit by digit. currencyScale is the one source of a currency's decimals.

const scaleCache = new Map<string, number>();

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * Number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), from the
 * platform's ICU data. Shopify formats shop money with the same scale.
 */
export function currencyScale(currencyCode: string): number {
  const code = currencyCode.toUpperCase();
  const cached = scaleCache.get(code);
  if (cached !== undefined) return cached;
  if (!CURRENCY_CODE.test(code)) throw new MoneyError("unknown_currency", `Unknown currency code "${currencyCode}"`);
  // Intl accepts every well-formed code (an unknown one gets 2 decimals), so this cannot throw.
  const scale = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  scaleCache.set(code, scale);
  return scale;
}

/** Why an amount was refused. Forms map a code to their field's wording; `message` reads well alone. */
export type MoneyErrorCode =
  | "unknown_currency"
  | "empty"
  | "not_money"
  | "other_currency"
  | "ambiguous"
  | "too_many_decimals"
  | "negative"
  | "zero"
  | "too_large";

export class MoneyError extends Error {
  override name = "MoneyError";
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A sign, whole digits and decimal digits as minor units ("1500", "5" in EUR -> 150050); null beyond safe integers. */
function digitsToMinor(negative: boolean, whole: string, fraction: string, scale: number): number | null {
  const minor = BigInt((whole || "0") + fraction.padEnd(scale, "0")) * (negative ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < BigInt(Number.MIN_SAFE_INTEGER)) return null;
  return Number(minor);
}

/**
 * A machine-written amount (Shopify's decimal strings, some legacy JSON numbers):
 * "404.95" in EUR -> 40495; "1500" in JPY -> 1500; "1500.0" in JPY -> 1500.
 * Refuses more fraction digits than the currency has (unless they are zeros), signs other
 * than a leading "-", exponents, and values beyond Number.MAX_SAFE_INTEGER minor units.
 * For what a merchant types, use readMoneyInput.
 */
export function parseMoneyToMinor(amount: string | number, currencyCode: string): number {
  const scale = currencyScale(currencyCode);
  const text = typeof amount === "number" ? numberToPlainString(amount) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError("not_money", `Not a money amount: "${text}"`);
  const [, sign, whole = "", fraction = ""] = match;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > scale) {
    throw new MoneyError("too_many_decimals", `"${text}" has more decimals than ${currencyCode} allows (${scale})`);
  }
  const minor = digitsToMinor(sign === "-", whole, significant, scale);
  if (minor === null) throw new MoneyError("too_large", `"${text}" is out of range`);
  return minor;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyError("not_money", `Not a money amount: ${value}`);
  // Shopify sends some legacy fields as JSON numbers (e.g. refund_line_items[].subtotal);
  // toString gives the shortest round-trip form, which is what was written.
  const s = String(value);
  if (/e/i.test(s)) throw new MoneyError("not_money", `Not a money amount: ${s}`);
  return s;
}

// ---------------------------------------------------------------------------------------
// Money a merchant types
//
// Every admin form reads amounts through readMoneyInput. Accepted: "5", "1,5", "1.50",
// "1 500,00 €", "€1,500.00", "1.500,00", "1'500.00", "1,50,000" (Indian grouping), spaces
// of any kind (no-break, narrow no-break, thin), the shop currency's code or symbol before
// or after, a leading "-" or "−" where negatives are allowed.
//
// Which separator is the decimal one:
// - "." and "," both present: the last one is the decimal separator ("1.500,00", "1,500.00").
// - grouping by spaces or apostrophes: the lone "." or "," is the decimal separator.
// - one separator several times: grouping ("1,500,000", "1.500.000").
// - one separator once, followed by exactly three digits after 1–3 digits ("1,500", "1.500"):
//   a thousands separator when the currency has fewer than three decimals, since three
//   digits cannot be its decimals: 1,500 = 1.500 = 1500 in EUR, USD or JPY. That is how
//   Intl writes 1500 ("1,500" in en, "1.500" in de and da) and how Shopify admin's own
//   parser (@shopify/react-i18n normalizedNumber) treats a separator followed by more
//   digits than the currency has decimals. In a three-decimal currency (KWD, BHD, OMR…)
//   "." is the decimal point (Kanta shows 1.5 KWD as "1.500") and "," is refused as
//   ambiguous (1500 to an English reader, 1.5 to a German one).
//   docs/decisions/0012-money-input.md
// - otherwise a lone separator is the decimal separator ("1,5", "1.50", "1234,567").
// Refused: more decimals than the currency has (even zeros: "5.00" is not yen), groups
// that are not groups ("15 00"), other currencies' symbols or codes, letters, exponents.

export interface MoneyInputOptions {
  /** "positive": more than 0 (a discount's value); "non_negative" (default): 0 or more; "any". */
  sign?: "positive" | "non_negative" | "any";
  /** The largest amount accepted, in minor units. */
  maxMinor?: number;
}

export type MoneyInputResult = { ok: true; minor: number } | { ok: false; error: MoneyError };

/** The amount a merchant typed, in minor units of the shop currency, or why it was refused. */
export function readMoneyInput(text: string, currencyCode: string, options: MoneyInputOptions = {}): MoneyInputResult {
  try {
    return { ok: true, minor: requireMoneyInput(text, currencyCode, options) };
  } catch (error) {
    if (error instanceof MoneyError) return { ok: false, error };
    throw error;
  }
}

/** As readMoneyInput, throwing the MoneyError. */
export function requireMoneyInput(text: string, currencyCode: string, options: MoneyInputOptions = {}): number {
  const code = currencyCode.toUpperCase();
  const scale = currencyScale(code);
  // Bidirectional marks come with amounts copied from right-to-left text.
  const typed = text.replace(/[\u200e\u200f\u061c]/g, "").trim();
  const shown = typed.length > 24 ? `${typed.slice(0, 24)}…` : typed;
  const example = formatMinorPlain(5 * 10 ** scale, code);
  if (typed === "") throw new MoneyError("empty", `Enter an amount, like ${example}`);
  const notMoney = () => new MoneyError("not_money", `"${shown}" is not an amount: enter it like ${example}`);
  if (typed.length > 64) throw notMoney();

  // The number runs from the first digit (or a separator right before it: ".50") to the last.
  const first = typed.search(/[.,]?\d/);
  if (first === -1) throw notMoney();
  const last = typed.length - 1 - [...typed].reverse().join("").search(/\d/);
  const number = typed.slice(first, last + 1);
  let prefix = typed.slice(0, first);
  const suffix = typed.slice(last + 1).trim();

  const signs = prefix.match(/[-+\u2212]/g) ?? [];
  if (signs.length > 1) throw notMoney();
  const negative = signs[0] === "-" || signs[0] === "\u2212";
  prefix = prefix.replace(/[-+\u2212]/, "").trim();
  if (prefix && suffix) throw notMoney();
  const affix = prefix || suffix;
  if (affix) {
    const symbol = affix.replace(/\s+/g, "").toLowerCase();
    if (!currencySymbols(code).has(symbol)) {
      if (CURRENCY_CODE.test(affix.toUpperCase()) || /\p{Sc}/u.test(affix)) {
        throw new MoneyError("other_currency", `"${shown}" is not in ${code}: enter the amount in ${code}, the shop's currency`);
      }
      throw notMoney();
    }
  }

  const { whole, fraction } = splitNumber(number, { code, scale, shown, notMoney });
  if (fraction.length > scale) {
    throw new MoneyError("too_many_decimals", scale === 0 ? `${code} amounts have no decimals` : `${code} amounts have at most ${scale} decimals`);
  }
  const minor = digitsToMinor(negative, whole, fraction, scale);
  if (minor === null) throw new MoneyError("too_large", "The amount is too large");
  const sign = options.sign ?? "non_negative";
  if (minor < 0 && sign !== "any") throw new MoneyError("negative", "The amount can't be negative");
  if (minor <= 0 && sign === "positive") throw new MoneyError("zero", "Enter an amount greater than 0");
  if (options.maxMinor !== undefined && minor > options.maxMinor) {
    throw new MoneyError("too_large", `The amount can be at most ${formatMinorPlain(options.maxMinor, code)}`);
  }
  return minor;
}

interface InputContext {
  code: string;
  scale: number;
  /** The input as error messages quote it. */
  shown: string;
  notMoney: () => MoneyError;
}

/** "1.500,00" -> whole "1500", fraction "00", by the rules above. */
function splitNumber(number: string, context: InputContext): { whole: string; fraction: string } {
  const { notMoney } = context;
  const text = number.replace(/\s+/g, " ").replace(/\u2019/g, "'");
  if (/[^\d., ']/.test(text)) throw notMoney();
  const marks = [...new Set(text.match(/[.,]/g) ?? [])];
  const lastMark = Math.max(text.lastIndexOf("."), text.lastIndexOf(","));
  const spaced = /[ ']/.test(text);
  let decimal: string | null = null;
  if (marks.length === 2) decimal = text[lastMark]!;
  else if (marks.length === 1) {
    const mark = marks[0]!;
    const count = text.split(mark).length - 1;
    if (spaced) decimal = mark;
    else if (count === 1) decimal = loneSeparatorIsDecimal(text, mark, context) ? mark : null;
  }
  const whole = decimal === null ? text : text.slice(0, lastMark);
  const fraction = decimal === null ? "" : text.slice(lastMark + 1);
  if (decimal !== null && (text.split(decimal).length !== 2 || !/^\d+$/.test(fraction))) throw notMoney();
  if (!/^\d/.test(whole) && whole !== "") throw notMoney();
  return { whole: ungroup(whole, notMoney), fraction };
}

/** "1,500" in EUR: a thousands separator; "1,5": a decimal comma; "1,500" in KWD: ambiguous. */
function loneSeparatorIsDecimal(text: string, mark: string, { code, scale, shown }: InputContext): boolean {
  const [before = "", after = ""] = text.split(mark);
  const couldGroup = after.length === 3 && /^[1-9]\d{0,2}$/.test(before);
  if (!couldGroup) return true;
  if (scale < 3) return false;
  if (mark === ".") return true;
  const asThousands = `${before}${after}`;
  const asDecimal = `${before}.${after}`;
  throw new MoneyError("ambiguous", `"${shown}" could mean ${asThousands} or ${asDecimal} ${code}: type ${asThousands} or ${asDecimal}`);
}

/** "1 500" / "1,50,000" -> digits; throws if the groups are not thousands (or Indian lakh) groups. */
function ungroup(whole: string, notMoney: () => MoneyError): string {
  const groups = whole.split(/[ ',.]/);
  if (groups.length === 1) return whole;
  if (new Set(whole.match(/[ ',.]/g)).size > 1) throw notMoney();
  const [head = "", ...rest] = groups;
  const tail = rest.at(-1) ?? "";
  const thousands = /^[1-9]\d{0,2}$/.test(head) && rest.every((g) => /^\d{3}$/.test(g));
  const lakh = /^[1-9]\d?$/.test(head) && /^\d{3}$/.test(tail) && rest.slice(0, -1).every((g) => /^\d{2}$/.test(g));
  if (!thousands && !lakh) throw notMoney();
  return groups.join("");
}

const symbolCache = new Map<string, Set<string>>();
/** Locales whose way of writing a currency merchants may type (Kanta's widget languages among them). */
const SYMBOL_LOCALES = ["en", "en-CA", "en-AU", "en-IN", "de", "de-CH", "fr", "fr-CA", "es", "it", "nl", "pt-BR", "fi", "sv", "da", "nb", "pl", "cs", "ja", "zh", "ko", "ar"];

/** What may stand beside an amount in this currency: its code and its symbols ("€", "kr.", "US$"), lower-cased. */
function currencySymbols(code: string): Set<string> {
  let symbols = symbolCache.get(code);
  if (!symbols) {
    symbols = new Set([code.toLowerCase()]);
    for (const locale of SYMBOL_LOCALES) {
      for (const currencyDisplay of ["symbol", "narrowSymbol"] as const) {
        const part = new Intl.NumberFormat(locale, { style: "currency", currency: code, currencyDisplay }).formatToParts(1).find((p) => p.type === "currency");
        if (part) symbols.add(part.value.replace(/[\s\u200e\u200f\u061c]/g, "").toLowerCase());
      }
    }
    symbolCache.set(code, symbols);
  }
  return symbols;
}

// ---------------------------------------------------------------------------------------
// Showing amounts

/** 40495 EUR -> "404.95" (no symbol; for form values, notes and logs). */
export function formatMinorPlain(minor: number, currencyCode: string): string {
  const scale = currencyScale(currencyCode);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(scale + 1, "0");
  const whole = scale ? digits.slice(0, -scale) : digits;
  const fraction = scale ? "." + digits.slice(-scale) : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Localised currency display, e.g. formatMoney(12000, "EUR", "fi") -> "120,00 €". */
export function formatMoney(minor: number, currencyCode: string, locale = "en"): string {
  const scale = currencyScale(currencyCode);
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currencyCode,
    minimumFractionDigits: scale,
    maximumFractionDigits: scale,
  }).format(minor / 10 ** scale);
}

/** The currency's symbol as the admin's money fields show it ("€", "$", "kr"); the code if unknown. */
export function currencySymbol(currencyCode: string): string {
  if (!CURRENCY_CODE.test(currencyCode.toUpperCase())) return currencyCode;
  return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).formatToParts(0).find((p) => p.type === "currency")?.value ?? currencyCode;
}
