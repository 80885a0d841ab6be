// Money as integer minor units with its currency. Never floats: amounts arrive from
// Shopify as decimal strings ("404.95") and are parsed digit by digit.

const scaleCache = new Map<string, number>();

/**
 * Number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), from the
 * platform's ICU data. Shopify formats shop money with the same scale.
 */
export function currencyScale(currencyCode: string): number {
  const code = currencyCode.toUpperCase();
  const cached = scaleCache.get(code);
  if (cached !== undefined) return cached;
  if (!/^[A-Z]{3}$/.test(code)) throw new MoneyError(`Unknown currency code "${currencyCode}"`);
  let scale: number;
  try {
    scale = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    throw new MoneyError(`Unknown currency code "${currencyCode}"`);
  }
  scaleCache.set(code, scale);
  return scale;
}

export class MoneyError extends Error {
  override name = "MoneyError";
}

/**
 * "404.95" in EUR -> 40495; "1500" in JPY -> 1500; "1500.0" in JPY -> 1500.
 * Refuses more fraction digits than the currency has (unless they are zeros), signs other
 * than a leading "-", exponents, and values beyond Number.MAX_SAFE_INTEGER minor units.
 */
export function parseMoneyToMinor(amount: string | number, currencyCode: string): number {
  const scale = currencyScale(currencyCode);
  const text = typeof amount === "number" ? numberToPlainString(amount) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError(`Not a money amount: "${text}"`);
  const [, sign, whole, fraction = ""] = match;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > scale) {
    throw new MoneyError(`"${text}" has more decimals than ${currencyCode} allows (${scale})`);
  }
  const minor = BigInt(whole + significant.padEnd(scale, "0")) * (sign === "-" ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyError(`"${text}" is out of range`);
  }
  return Number(minor);
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyError(`Not a money amount: ${value}`);
  // Shopify sends some legacy fields as JSON numbers (e.g. refund_line_items[].subtotal);
  // toString gives the shortest round-trip form, which is what was written.
  const s = String(value);
  if (/e/i.test(s)) throw new MoneyError(`Not a money amount: ${s}`);
  return s;
}

/** 40495 EUR -> "404.95" (no symbol; for notes and logs). */
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
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).formatToParts(0).find((p) => p.type === "currency")?.value ?? currencyCode;
  } catch {
    return currencyCode;
  }
}
