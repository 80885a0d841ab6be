import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { actorLabel, changedFields, diffLines } from "../../app/loyalty/audit/audit";
import { guardCell, numericId, parseLedgerRange, parseMemberExportFilters } from "../../app/loyalty/export/csv";
import { csvText } from "../../app/loyalty/export/stream.server";

describe("changedFields", () => {
  it("keeps only the fields that changed, recursing into objects; BigInt and Date become JSON", () => {
    expect(
      changedFields(
        { name: "Club", spend: 100n, at: new Date("2026-01-01T00:00:00Z"), widget: { accent: "#000", label: "Rewards" }, gone: 1 },
        { name: "Club", spend: 200n, at: new Date("2026-01-01T00:00:00Z"), widget: { accent: "#fff", label: "Rewards" } },
      ),
    ).toEqual({ before: { spend: 100, widget: { accent: "#000" }, gone: 1 }, after: { spend: 200, widget: { accent: "#fff" }, gone: null } });
  });

  it("keeps a creation or a deletion whole", () => {
    expect(changedFields(null, { name: "5 € off" })).toEqual({ before: null, after: { name: "5 € off" } });
    expect(changedFields({ name: "5 € off" }, null)).toEqual({ before: { name: "5 € off" }, after: null });
  });
});

describe("diffLines", () => {
  it("shows each changed field as before → after, nested fields with dots", () => {
    expect(diffLines({ points: 40, widget: { accent: "#000" } }, { points: 65, widget: { accent: "#fff" } })).toEqual([
      { field: "points", before: "40", after: "65" },
      { field: "widget.accent", before: "#000", after: "#fff" },
    ]);
    expect(diffLines(null, { name: "Free shipping", enabled: true })).toEqual([
      { field: "name", before: "—", after: "Free shipping" },
      { field: "enabled", before: "—", after: "true" },
    ]);
  });
});

describe("actorLabel", () => {
  it("names the staff member by name and email, else id, else Kanta", () => {
    expect(actorLabel({ actorId: "1", actorName: "Ann", actorEmail: "ann@x.example" })).toBe("Ann (ann@x.example)");
    expect(actorLabel({ actorId: "42", actorName: null, actorEmail: null })).toBe("Staff member 42");
    expect(actorLabel({ actorId: null, actorName: null, actorEmail: null })).toBe("Kanta");
  });
});

describe("CSV cells", () => {
  it("prefixes text that a spreadsheet would run as a formula, and leaves numbers alone", () => {
    expect(["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx"].map(guardCell)).toEqual(["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]);
    expect([-15, 0, 12, null, "Aino", "a=b", ""].map(guardCell)).toEqual([-15, 0, 12, null, "Aino", "a=b", ""]);
  });

  it("quotes commas, quotes and new lines so a CSV parser reads the values back", async () => {
    async function* rows() {
      yield ["O'Brien, \"Jr\"", "line\nbreak", -15, null, "=1+1"] as (string | number | null)[];
    }
    const text = await csvText(["a", "b", "c", "d", "e"], rows());
    expect(text.split("\n")[0]).toBe("a,b,c,d,e");
    expect(parse(text, { columns: true })).toEqual([{ a: "O'Brien, \"Jr\"", b: "line\nbreak", c: "-15", d: "", e: "'=1+1" }]);
  });

  it("reads Shopify's numeric id from a gid", () => {
    expect(numericId("gid://shopify/Customer/7000000000001")).toBe("7000000000001");
  });
});

describe("export filters", () => {
  it("reads the Members list's filters and drops malformed ones", () => {
    expect(parseMemberExportFilters(new URLSearchParams("q=aino&tier=t1&status=excluded&min=10&max=x"))).toEqual({ query: "aino", tier: "t1", status: "excluded", minPoints: 10, maxPoints: undefined });
    expect(parseMemberExportFilters(new URLSearchParams("status=redacted"))).toMatchObject({ status: undefined });
  });

  it("needs a valid date range, start before end", () => {
    expect(parseLedgerRange(new URLSearchParams("from=2026-11-01&to=2026-11-30"))).toEqual({ ok: true, from: "2026-11-01", to: "2026-11-30" });
    expect(parseLedgerRange(new URLSearchParams("from=2026-12-01&to=2026-11-30"))).toMatchObject({ ok: false, message: "The start date must be on or before the end date" });
    expect(parseLedgerRange(new URLSearchParams("from=yesterday&to=2026-11-30"))).toMatchObject({ ok: false });
  });
});

describe("staffActor", () => {
  it("takes the staff member's id from the session token's sub, and name and email from an online session when there is one", async () => {
    const { staffActor } = await import("../../app/shopify/admin.server");
    expect(staffActor({ sub: "84000000001" }, undefined)).toEqual({ id: "84000000001", name: null, email: null });
    expect(staffActor({ sub: "84000000001" }, { id: 84000000001, first_name: "Ann", last_name: "Owner", email: "ann@shop.example" })).toEqual({ id: "84000000001", name: "Ann Owner", email: "ann@shop.example" });
    expect(staffActor(undefined, undefined)).toEqual({ id: null, name: null, email: null });
  });
});
