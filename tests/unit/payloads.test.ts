import { describe, expect, it } from "vitest";
import { isJsonBody, parseShopifyJson } from "../../app/webhooks/json";
import { PayloadError, toCustomerFacts, toOrderSnapshot, toRefundSnapshot } from "../../app/webhooks/payloads";
import { documentedExample, orderPayload, refundPayload, toShopifyJson } from "../fixtures/payloads";
import { seededRandom } from "../../scripts/seeded-random.mjs";

describe("webhook payloads", () => {
  it("tells JSON bodies at intake, leaving an object's inside to the parse that processes it", () => {
    const order = toShopifyJson(orderPayload({ id: "1", customerId: "2", lines: [{ price: "1.00" }], updatedAt: "2026-11-20T10:00:00Z" }));
    for (const parsedLater of [true, false]) {
      expect(isJsonBody(order, parsedLater)).toBe(true);
      expect(isJsonBody(` \r\n\t${order}\n `, parsedLater)).toBe(true);
      expect(isJsonBody("[1, 2]", parsedLater)).toBe(true); // JSON, if not an order: processing says what is wrong
      expect(isJsonBody('{"id": 12, "line_items": [', parsedLater)).toBe(false);
      expect(isJsonBody(`\uFEFF${order}`, parsedLater)).toBe(false); // JSON.parse refuses a BOM
      expect(isJsonBody("}", parsedLater)).toBe(false);
      expect(isJsonBody("", parsedLater)).toBe(false);
    }
    // Not parsed later (a topic Kanta ignores): decided exactly here.
    expect(isJsonBody('{"id": [}', false)).toBe(false);
    expect(isJsonBody('{"id": [}', true)).toBe(true); // parseEventPayload records it invalid
  });

  it("keeps ids beyond 2^53 exact", () => {
    const text = '{"id": 820982911946154508, "order_id": 9007199254740993, "small": 12}';
    expect(parseShopifyJson(text)).toEqual({ id: "820982911946154508", order_id: "9007199254740993", small: 12 });
    expect(JSON.parse(text).id).not.toBe(820982911946154508n.toString()); // what plain JSON.parse would lose
  });

  it("reads numbers as a reviver reading each number's source would: random documents with long digits everywhere", () => {
    // The oracle: JSON.parse's source text access (Node >= 21), every unsafe integer token as its text.
    const oracle = (text: string) =>
      JSON.parse(text, ((_key: string, value: unknown, context?: { source?: string }) =>
        typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source) ? context.source : value) as Parameters<typeof JSON.parse>[1]);
    const random = seededRandom(12);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const digits = (n: number) => Array.from({ length: n }, (_, i) => String(i === 0 ? 1 + Math.floor(random() * 9) : Math.floor(random() * 10))).join("");
    // Numbers and strings where a scanner could go wrong: 15-20 digits, signs, fractions,
    // exponents, 2^53 ± 1, digits in strings after escaped quotes and backslashes.
    const number = () =>
      pick([
        () => digits(1 + Math.floor(random() * 20)),
        () => `-${digits(15 + Math.floor(random() * 6))}`,
        () => `${digits(1 + Math.floor(random() * 3))}.${digits(15 + Math.floor(random() * 5))}`,
        () => `${digits(16 + Math.floor(random() * 4))}.5`,
        () => `${digits(1)}e${pick(["", "-", "+"])}${digits(16 + Math.floor(random() * 3))}`.replace(/e(-|\+)?(\d+)/, (_m, sign: string | undefined, d: string) => `e${sign ?? ""}${d.slice(0, 2)}`),
        () => `${digits(17)}E2`,
        () => pick(["9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740993", "0"]),
      ])();
    const string = () =>
      JSON.stringify(pick([`id ${digits(18)}`, `quote " ${digits(17)}`, `back\\${digits(16)}\\`, `"${digits(19)}"`, "plain", `gid://shopify/Order/${digits(18)}`]));
    const value = (depth: number): string => {
      const kind = depth > 2 ? Math.floor(random() * 2) : Math.floor(random() * 4);
      if (kind === 0) return number();
      if (kind === 1) return string();
      if (kind === 2) return `[${Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1)).join(", ")}]`;
      return `{${Array.from({ length: Math.floor(random() * 5) }, (_, i) => `${string().slice(0, -1)}${i}": ${value(depth + 1)}`).join(", ")}}`;
    };
    let unsafe = 0;
    for (let i = 0; i < 2000; i++) {
      const text = `{"id": ${digits(18)}, "doc": ${value(0)}}`;
      const expected = oracle(text);
      expect(parseShopifyJson(text)).toEqual(expected);
      if (JSON.stringify(expected).match(/"-?\d{16,}"/)) unsafe++;
    }
    expect(unsafe).toBe(2000); // every document had an id beyond 2^53 to keep
  });

  it("reads payloads with or without long integers alike (the reviver runs only when one may be unsafe)", () => {
    // Shopify's ids today have 13-14 digits: safe, read by the plain parse.
    const small = '{"id": 5678901234567, "total": 12.5, "n": -3, "at": "2026-11-20T10:00:00Z", "gid": "gid://shopify/Order/1234567890123456789"}';
    expect(parseShopifyJson(small)).toEqual({ id: 5678901234567, total: 12.5, n: -3, at: "2026-11-20T10:00:00Z", gid: "gid://shopify/Order/1234567890123456789" });
    // 16 digits but safe stays a number; beyond 2^53 becomes its exact string; a long fraction stays a number.
    const mixed = '{"a": 9007199254740991, "b": 9007199254740993, "c": 0.1234567890123456789, "d": 1e21}';
    expect(parseShopifyJson(mixed)).toEqual({ a: 9007199254740991, b: "9007199254740993", c: (JSON.parse(mixed) as { c: number }).c, d: 1e21 });
    // The documented example through both parses gives the same order.
    const example = JSON.stringify(documentedExample("orders/paid"));
    expect(parseShopifyJson(example)).toEqual(JSON.parse(example));
  });

  it("reads Shopify's documented orders/paid example", () => {
    const example = documentedExample("orders/paid");
    const snapshot = toOrderSnapshot(example);
    expect(snapshot.orderGid).toBe("gid://shopify/Order/820982911946154508");
    expect(snapshot.customerGid).toBe("gid://shopify/Customer/115310627314723954");
    expect(snapshot.currencyCode).toBe("USD");
    expect(snapshot.lines.length).toBeGreaterThan(0);
  });

  it("reads a refund whose order id exceeds 2^53 from raw JSON", () => {
    const raw = toShopifyJson(refundPayload({ id: "890088186047892319", orderId: "820982911946154508", lines: [{ lineItemId: "487817672276298554", quantity: 1, subtotal: "89.99" }] }));
    const refund = toRefundSnapshot(parseShopifyJson(raw));
    expect(refund.orderGid).toBe("gid://shopify/Order/820982911946154508");
    expect(refund.lines[0]).toMatchObject({ lineItemId: "487817672276298554", subtotalMinor: 8999 });
  });

  it("uses shop money, never presentment money", () => {
    const payload = orderPayload({ id: "1", customerId: "2", currency: "EUR", presentmentCurrency: "SEK", lines: [{ price: "10.00", presentmentPrice: "115.00" }], updatedAt: "2026-11-01T00:00:00Z" });
    const snapshot = toOrderSnapshot(parseShopifyJson(toShopifyJson(payload)));
    expect(snapshot.currencyCode).toBe("EUR");
    expect(snapshot.lines[0]!.unitPriceMinor).toBe(1000);
  });

  it("refuses payloads missing what earning needs", () => {
    const payload = orderPayload({ id: "1", customerId: "2", lines: [{ price: "10.00" }], updatedAt: "2026-11-01T00:00:00Z" });
    delete (payload as Record<string, unknown>).line_items;
    expect(() => toOrderSnapshot(payload)).toThrow(PayloadError);
    expect(() => toOrderSnapshot({ ...orderPayload({ id: "1", lines: [{ price: "abc" }], updatedAt: "2026-11-01T00:00:00Z" }) })).toThrow(PayloadError);
    expect(() => toCustomerFacts({ email: "x@example.com" })).toThrow(PayloadError);
    expect(() => toOrderSnapshot("not an object")).toThrow(PayloadError);
  });
});
