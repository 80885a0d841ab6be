import { describe, expect, it } from "vitest";
import { MoneyError, currencyScale, formatMinorPlain, formatMoney, parseMoneyToMinor } from "../../app/loyalty/ledger/money";

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
