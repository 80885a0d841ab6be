import { describe, expect, it } from "vitest";
import {
  MoneyError,
  currencyScale,
  formatMinorPlain,
  formatMoney,
  parseMoneyToMinor,
  readMoneyInput,
  requireMoneyInput,
  type MoneyErrorCode,
  type MoneyInputOptions,
} from "../../app/loyalty/ledger/money";

describe("money", () => {
  it("knows each currency's minor units", () => {
    expect(currencyScale("EUR")).toBe(2);
    expect(currencyScale("JPY")).toBe(0);
    expect(currencyScale("KWD")).toBe(3);
    expect(() => currencyScale("XX")).toThrow(MoneyError);
  });

  it("parses decimal strings exactly, without floats", () => {
    expect(parseMoneyToMinor("404.95", "EUR")).toBe(40495);
    expect(parseMoneyToMinor("0.1", "EUR")).toBe(10);
    expect(parseMoneyToMinor("1500", "JPY")).toBe(1500);
    expect(parseMoneyToMinor("1500.0", "JPY")).toBe(1500);
    expect(parseMoneyToMinor("1.234", "KWD")).toBe(1234);
    expect(parseMoneyToMinor("-5.50", "EUR")).toBe(-550);
    // 0.1 + 0.2 style float noise cannot appear.
    expect(parseMoneyToMinor("1234567.89", "EUR")).toBe(123456789);
    expect(parseMoneyToMinor(89.99, "USD")).toBe(8999);
  });

  it("refuses what is not money in that currency", () => {
    expect(() => parseMoneyToMinor("1500.5", "JPY")).toThrow(/more decimals/);
    expect(() => parseMoneyToMinor("1e3", "EUR")).toThrow(MoneyError);
    expect(() => parseMoneyToMinor("12,50", "EUR")).toThrow(MoneyError);
    expect(() => parseMoneyToMinor("", "EUR")).toThrow(MoneyError);
    expect(() => parseMoneyToMinor("99999999999999999", "EUR")).toThrow(/out of range/);
  });

  it("formats minor units back", () => {
    expect(formatMinorPlain(40495, "EUR")).toBe("404.95");
    expect(formatMinorPlain(5, "EUR")).toBe("0.05");
    expect(formatMinorPlain(-550, "EUR")).toBe("-5.50");
    expect(formatMinorPlain(1500, "JPY")).toBe("1500");
    expect(formatMoney(12000, "EUR", "fi")).toMatch(/^120,00\s€$/);
    expect(formatMoney(1500, "JPY", "en")).toBe("¥1,500");
  });
});

/** The minor units read from `text`, or the refusal's code. */
function read(text: string, currencyCode: string, options?: MoneyInputOptions): number | MoneyErrorCode {
  const result = readMoneyInput(text, currencyCode, options);
  return result.ok ? result.minor : result.error.code;
}

/** Each text's reading in `currencyCode`, compared as one table so a failure names its input. */
function expectReads(currencyCode: string, cases: Record<string, number | MoneyErrorCode>, options?: MoneyInputOptions) {
  const readings = Object.fromEntries(Object.keys(cases).map((text) => [text, read(text, currencyCode, options)]));
  expect(readings).toEqual(cases);
}

describe("money a merchant types", () => {
  it.each([
    ["5", 500],
    ["1,5", 150],
    ["1.5", 150],
    ["1.50", 150],
    ["1,50", 150],
    [" 2 ", 200],
    ["0", 0],
    ["0.05", 5],
    [".50", 50],
    [",5", 50],
    ["+5", 500],
    ["1234,56", 123456],
    ["1234.56", 123456],
    ["1 500,00 €", 150000],
    ["1\u00a0500,00\u00a0€", 150000], // no-break spaces
    ["1\u202f500,00\u00a0€", 150000], // narrow no-break space: how Intl writes fr amounts
    ["1\u2009500,00", 150000], // thin space
    ["€1,500.00", 150000],
    ["€ 1,500.00", 150000],
    ["1.500,00", 150000],
    ["1.500,00 €", 150000],
    ["1'500.00", 150000],
    ["1\u2019500.00", 150000], // de-CH's typographic apostrophe
    ["1,500,000", 150000000],
    ["1.500.000", 150000000],
    ["1 500 000,5", 150000050],
    ["1,234,567.89", 123456789],
    ["EUR 12", 1200],
    ["12 EUR", 1200],
    ["12eur", 1200],
    ["12€", 1200],
    ["1\u200f500 €".replace("\u200f", ""), 150000],
  ])("reads %j in EUR as %i", (text, minor) => {
    expect(read(text, "EUR")).toBe(minor);
  });

  it("reads the thousands in a lone separator followed by three digits, unless the currency has three decimals", () => {
    // Three digits cannot be EUR's or JPY's decimals: the separator groups thousands, as
    // Intl writes 1500 ("1,500" in en, "1.500" in de and da) and Shopify admin reads it.
    expectReads("EUR", { "1,500": 150000, "1.500": 150000, "12.345": 1234500, "999,000": 99900000 });
    expectReads("JPY", { "1,500": 1500, "1.500": 1500 });
    // Not a group: a leading zero, or more than three digits before it. Then it is the
    // decimal point, and three decimals are too many for EUR.
    expectReads("EUR", { "0,500": "too_many_decimals", "1234,567": "too_many_decimals" });
    // Three-decimal currencies: "." is the decimal point (Kanta shows 1.5 KWD as "1.500"),
    // "," is refused: 1500 to one merchant, 1.5 to another.
    expectReads("KWD", { "1.500": 1500, "1,500": "ambiguous", "1,500.000": 1500000, "1.500,000": 1500000, "1,5": 1500 });
    expectReads("BHD", { "1.234": 1234 });
    expect(readMoneyInput("1,500", "KWD")).toMatchObject({ ok: false, error: { message: '"1,500" could mean 1500 or 1.500 KWD: type 1500 or 1.500' } });
  });

  it("reads zero- and three-decimal currencies in their own decimals", () => {
    expectReads("JPY", { "1500": 1500, "¥1,500": 1500, "￥1500": 1500, "1 500 ¥": 1500, "1.5": "too_many_decimals", "1500.00": "too_many_decimals", "1,5": "too_many_decimals" });
    expectReads("KWD", { "0.250": 250, "KWD 2.5": 2500, "2.0005": "too_many_decimals" });
  });

  it("reads Indian grouping", () => {
    expectReads("INR", { "1,50,000": 15000000, "₹10,00,000.50": 100000050, "1,50,00": "not_money" });
  });

  it("accepts the shop currency's code and symbols, before or after, and no other", () => {
    expectReads("USD", { $5: 500, US$5: 500, "5 USD": 500 });
    expectReads("CAD", { $5: 500, CA$5: 500 });
    expectReads("SEK", { "5 kr": 500 });
    expectReads("DKK", { "5 kr.": 500 });
    expectReads("NOK", { "5 Kr": 500 });
    expectReads("PLN", { "5 zł": 500 });
    expectReads("GBP", { "£5": 500 });
    expectReads("CHF", { "CHF 5.50": 550 });
    expectReads("BRL", { "R$ 5,50": 550 });
    expectReads("EUR", { $5: "other_currency", "5 USD": "other_currency", "£5": "other_currency", "5 kr": "not_money", "EUR 5 €": "not_money" });
    expect(readMoneyInput("$5", "EUR")).toMatchObject({ ok: false, error: { message: '"$5" is not in EUR: enter the amount in EUR, the shop\'s currency' } });
  });

  it("reads signs where negatives are allowed, and refuses them elsewhere", () => {
    // U+2212 is how Intl writes the minus sign in fi and sv.
    expectReads("EUR", { "-5": -500, "\u22125,50 €": -550, "-€5": -500, "€ -5": -500, "--5": "not_money", "5-": "not_money" }, { sign: "any" });
    expectReads("EUR", { "-5": "negative", "-0": 0 });
    expectReads("EUR", { "-5": "negative", "0": "zero", "0,00 €": "zero" }, { sign: "positive" });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["abc", "not_money"],
    ["five", "not_money"],
    ["€", "not_money"],
    ["5 euros", "not_money"],
    ["1e3", "not_money"],
    ["1_000", "not_money"],
    ["0x10", "not_money"],
    ["5.", "not_money"],
    ["5,", "not_money"],
    ["1.2.3", "not_money"],
    ["15 00", "not_money"],
    ["1 50,00", "not_money"],
    ["1,5,00", "not_money"],
    ["01,500", "too_many_decimals"], // not a thousands group, so a decimal comma
    ["1,500,00", "not_money"],
    ["1 500.000,00", "not_money"], // two kinds of grouping
    ["1,500.000,00", "not_money"],
    ["1.500,5.0", "not_money"],
    ["5.001", 500100],
    ["5.0011", "too_many_decimals"],
    ["1,005", 100500],
    ["0.001", "too_many_decimals"],
    ["1 500,005", "too_many_decimals"],
    ["99999999999999999", "too_large"],
    ["x".repeat(100), "not_money"],
  ])("reads %j in EUR as %j", (text, expected) => {
    expect(read(text, "EUR")).toBe(expected);
  });

  it("says what is wrong in words a merchant reads", () => {
    const message = (text: string, currency: string, options?: MoneyInputOptions) => {
      const result = readMoneyInput(text, currency, options);
      return result.ok ? null : result.error.message;
    };
    expect(message("", "EUR")).toBe("Enter an amount, like 5.00");
    expect(message("", "JPY")).toBe("Enter an amount, like 5");
    expect(message("abc", "EUR")).toBe('"abc" is not an amount: enter it like 5.00');
    expect(message("1.5", "JPY")).toBe("JPY amounts have no decimals");
    expect(message("5.0011", "EUR")).toBe("EUR amounts have at most 2 decimals");
    expect(message("5.0001", "KWD")).toBe("KWD amounts have at most 3 decimals");
    expect(message("-5", "EUR")).toBe("The amount can't be negative");
    expect(message("0", "EUR", { sign: "positive" })).toBe("Enter an amount greater than 0");
    expect(message("2000", "EUR", { maxMinor: 100000 })).toBe("The amount can be at most 1000.00");
    expect(message("x".repeat(30), "EUR")).toBe(`"${"x".repeat(24)}…" is not an amount: enter it like 5.00`);
  });

  it("throws the same typed error from requireMoneyInput", () => {
    expect(requireMoneyInput("1 500,00 €", "EUR")).toBe(150000);
    try {
      requireMoneyInput("1,500", "KWD");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MoneyError);
      expect(error).toMatchObject({ name: "MoneyError", code: "ambiguous" });
    }
    expect(() => requireMoneyInput("5", "EURO")).toThrow(expect.objectContaining({ code: "unknown_currency" }));
  });

  it("reads back every amount Kanta shows, and any locale's way of writing it or refuses it: never another amount", () => {
    for (const currency of ["EUR", "JPY", "KWD", "USD", "SEK", "INR"]) {
      for (const minor of [0, 1, 5, 50, 999, 1000, 1500, 150000, 123456789]) {
        expect(read(formatMinorPlain(minor, currency), currency)).toBe(minor);
        for (const locale of ["en", "de", "fr", "fi", "sv", "da", "de-CH", "en-IN", "ja"]) {
          const text = formatMoney(minor, currency, locale);
          // Only "1,000 KWD" (de) is refused: 1 KWD there, 1000 KWD to an English reader.
          const refused = currency === "KWD" && /^[1-9]\d{0,2},\d{3}\D*$/.test(text);
          expect(read(text, currency), `${text} (${locale})`).toBe(refused ? "ambiguous" : minor);
        }
      }
    }
  });
});
