import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readCsv } from "../../app/loyalty/import/csv";
import { KANTA_EXPORT_HEADER, checkRow, detectSource, mappingProblem, parsePoints, recognise, sniffDelimiter } from "../../app/loyalty/import/layouts";
import { importLedgerKey, nextReviewAt } from "../../app/loyalty/import/rules";

// The import's pure rules: points as files write them, layouts by their headers, rows
// under a mapping, and the CSV reader on the shapes real files come in.

async function records(text: string, delimiter = ",") {
  const out = [];
  for await (const item of readCsv(Readable.from([Buffer.from(text)]), delimiter)) out.push(item);
  return out;
}

describe("points cells", () => {
  it.each([
    ["1234", false, 1234],
    ["1 234", false, 1234],
    ["1,234,567", false, 1234567],
    ["12.5", false, 13],
    ["+40", false, 40],
    ["0", false, 0],
    ["1 234,5", true, 1235],
    ["1.234,0", true, 1234],
    ["12,4", true, 12],
    ["1\u00a0200", true, 1200],
  ])("reads %s (decimal comma %s) as %i", (cell, decimalComma, points) => {
    expect(parsePoints(cell, decimalComma)).toEqual({ ok: true, points });
  });
  it.each([
    ["", /empty/],
    ["-50", /negative/],
    ["lots", /number/],
    ["12abc", /number/],
    ["1,2,3", /number/],
    ["999999999999", /over/],
  ])("refuses %j", (cell, reason) => {
    const result = parsePoints(cell);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("layouts", () => {
  it("recognises each vendor's header row", () => {
    expect(detectSource(["email", "points"])).toBe("smile");
    expect(detectSource(["Email", "Points Balance", "Birthdate", "VIP Tier", "Activation Date", "Credits Balance"])).toBe("rivo");
    expect(detectSource(["Full Name", "First Name", "Last Name", "Email", "Points Balance", "Points Spent", "Birthday (MM/DD)"])).toBe("yotpo");
    expect(detectSource(["Email", "Name", "Membership Type", "Points", "Birthday", "Created Date"])).toBe("joy");
    expect(detectSource([...KANTA_EXPORT_HEADER])).toBe("kanta");
    expect(detectSource(["Customer ID", "Emails", "Points", "Enrolled"])).toBe("loyaltylion");
    expect(detectSource(["E-mail", "Saldo"])).toBe("other");
    // Kanta's header with a column changed is not Kanta's.
    expect(detectSource(["customer_id", "email", "points"])).toBe("other");
  });

  it("maps the columns by name, and a headerless email/points file as LoyaltyLion's", () => {
    expect(recognise(["\uFEFFEmail", "Name", "Membership Type", "Points"]).mapping).toEqual({ email: 0, name: 1, tier: 2, points: 3 });
    expect(recognise([...KANTA_EXPORT_HEADER]).mapping).toMatchObject({ customerId: 0, email: 1, firstName: 2, lastName: 3, points: 4, tier: 7 });
    expect(recognise(["aino@example.com", "120"])).toMatchObject({ source: "loyaltylion", hasHeader: false, mapping: { email: 0, points: 1 }, headers: ["Column A", "Column B"] });
  });

  it("refuses mappings that can't find customers or points", () => {
    expect(mappingProblem({ points: 1 }, 2)).toMatch(/email or Shopify customer ID/);
    expect(mappingProblem({ email: 0 }, 2)).toMatch(/points/);
    expect(mappingProblem({ email: 0, points: 5 }, 2)).toMatch(/choose one of the file's columns/);
    expect(mappingProblem({ email: 0, points: 1 }, 2)).toBeNull();
  });

  it("checks a row: emails trimmed and lowercased, customer ids as gids, bad rows with their reason", () => {
    const mapping = { customerId: 0, email: 1, points: 2, tier: 3 };
    expect(checkRow(["123", "  Aino@Example.COM ", "1 500", "Gold"], 2, mapping)).toEqual({ line: 2, email: "aino@example.com", customerGid: "gid://shopify/Customer/123", points: 1500, tier: "Gold", name: null, error: null });
    expect(checkRow(["x1", "a@example.com", "1", ""], 3, mapping).error).toMatch(/Not a Shopify customer ID/);
    expect(checkRow(["", "not-an-email", "1", ""], 4, mapping).error).toMatch(/Not an email/);
    expect(checkRow(["", "", "1", ""], 5, mapping).error).toMatch(/empty/);
    expect(checkRow(["", "a@example.com", "-1", ""], 6, mapping).error).toMatch(/negative/);
  });

  it("sniffs the delimiter from the header line, ignoring quoted ones", () => {
    expect(sniffDelimiter("email,points")).toBe(",");
    expect(sniffDelimiter("Email;Name;Points")).toBe(";");
    expect(sniffDelimiter("Email\tPoints")).toBe("\t");
    expect(sniffDelimiter('"Name; full",Email,Points')).toBe(",");
  });
});

describe("reading CSV", () => {
  it("handles a BOM, CRLF, quotes with delimiters and newlines, blank lines and Excel's empty rows, with line numbers", async () => {
    const text = '\uFEFFEmail;Name;Points\r\na@example.com;"Doe; Jane";"1 234,5"\r\n\r\n;;\r\nb@example.com;"Two\nlines";7\r\n';
    expect(await records(text, ";")).toEqual([
      { line: 1, cells: ["Email", "Name", "Points"] },
      { line: 2, cells: ["a@example.com", "Doe; Jane", "1 234,5"] },
      { line: 6, cells: ["b@example.com", "Two\nlines", "7"] },
    ]);
  });

  it("reports a row it cannot read and goes on", async () => {
    const items = await records('email,points\na@example.com,1\n"b@example.com,2\n');
    expect(items[0]).toEqual({ line: 1, cells: ["email", "points"] });
    expect(items[1]).toEqual({ line: 2, cells: ["a@example.com", "1"] });
    expect(items.slice(2).some((i) => "error" in i)).toBe(true);
  });
});

describe("rules", () => {
  it("keys a row by the file's content and line, and keeps tiers until the next review", () => {
    expect(importLedgerKey("ab".repeat(32), 12)).toBe(`import:${"ab".repeat(16)}:12`);
    const now = new Date("2026-06-15T12:00:00Z");
    expect(nextReviewAt("calendar_year", now, "Europe/Helsinki")?.toISOString()).toBe("2026-12-31T22:00:00.000Z");
    expect(nextReviewAt("rolling_12_months", now, "UTC")?.toISOString()).toBe("2027-06-15T12:00:00.000Z");
    expect(nextReviewAt("lifetime", now, "UTC")).toBeNull();
  });
});
