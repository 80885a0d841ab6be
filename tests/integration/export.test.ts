import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { loader as exportLoader } from "../../app/routes/app.export.$kind";
import { MEMBER_EXPORT_COLUMNS, LEDGER_EXPORT_COLUMNS } from "../../app/loyalty/export/csv";
import { useTestDatabase, useLocalAdminShop } from "../db";
import { createMember } from "../factories";

// The CSV downloads, through the route (local mode: the demo shop is signed in), on a real
// database: exact headers, quoting, the formula guard, filters and date ranges, and a
// round trip through a CSV parser.

const { db } = useTestDatabase();
let shopId = "";
let tiers: { id: string; name: string }[] = [];
useLocalAdminShop(db, async (id) => {
  shopId = id;
  tiers = await db().tier.findMany({ where: { shopId }, orderBy: { rank: "asc" } });
  await createMember(db(), shopId, { customerGid: "gid://shopify/Customer/7000000000001", email: "aino@example.com", firstName: "Aino", lastName: "Virtanen, Jr", tierId: tiers[1]!.id, enrolledAt: new Date("2026-03-04T05:06:07.089Z") }, { points: 120, pendingPoints: 30 });
  await createMember(db(), shopId, { customerGid: "gid://shopify/Customer/7000000000002", email: "evil@example.com", firstName: "=HYPERLINK(\"http://x\")", lastName: "Say \"hi\"\nthere", status: "excluded" }, { points: 5 });
  await createMember(db(), shopId, { customerGid: "gid://shopify/Customer/7000000000003", email: null, firstName: null, lastName: null }, {});
  await createMember(db(), shopId, { customerGid: "gid://shopify/Customer/7000000000004", email: "gone@example.com", status: "redacted" }, {});
});

async function get(path: string) {
  const response = (await exportLoader({ request: new Request(`http://localhost${path}`), params: { kind: path.split("/")[3]!.split("?")[0]! }, context: {} })) as Response;
  return { response, text: await response.text() };
}

describe("members export", () => {
  it("has exactly the import's header, every member but erased ones, and values a CSV parser reads back", async () => {
    const { response, text } = await get("/app/export/members");
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="kanta-members-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.headers.get("X-Kanta-Rows")).toBe("3");
    expect(text.split("\n")[0]).toBe("customer_id,email,first_name,last_name,points,pending_points,lifetime_points,tier,status,enrolled_at");
    expect(MEMBER_EXPORT_COLUMNS.join(",")).toBe(text.split("\n")[0]);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    expect(byId.get("7000000000001")).toEqual({
      customer_id: "7000000000001",
      email: "aino@example.com",
      first_name: "Aino",
      last_name: "Virtanen, Jr",
      points: "120",
      pending_points: "30",
      lifetime_points: "150", // pending points count toward lifetime
      tier: tiers[1]!.name,
      status: "active",
      enrolled_at: "2026-03-04T05:06:07.089Z",
    });
    // The formula guard: the spreadsheet shows text; quotes and the new line survive.
    expect(byId.get("7000000000002")).toMatchObject({ first_name: "'=HYPERLINK(\"http://x\")", last_name: "Say \"hi\"\nthere", points: "5", status: "excluded", tier: "" });
    expect(byId.get("7000000000003")).toMatchObject({ email: "", first_name: "", last_name: "", points: "0", tier: "" });
    expect(byId.has("7000000000004")).toBe(false);
  });

  it("respects the Members list's filters", async () => {
    const excluded = parse((await get("/app/export/members?status=excluded")).text, { columns: true }) as Record<string, string>[];
    expect(excluded.map((r) => r.customer_id)).toEqual(["7000000000002"]);
    const search = await get("/app/export/members?q=virtanen&min=100");
    expect(search.response.headers.get("X-Kanta-Rows")).toBe("1");
    expect((parse(search.text, { columns: true }) as Record<string, string>[]).map((r) => r.customer_id)).toEqual(["7000000000001"]);
    const tier = parse((await get(`/app/export/members?tier=${tiers[1]!.id}`)).text, { columns: true }) as Record<string, string>[];
    expect(tier.map((r) => r.customer_id)).toEqual(["7000000000001"]);
  });

  it("records who exported what in the activity log", async () => {
    await get("/app/export/members?status=active");
    const row = await db().auditEvent.findFirstOrThrow({ where: { shopId, action: "export.members" }, orderBy: { createdAt: "desc" } });
    expect(row).toMatchObject({ actorId: "local-demo", actorName: "Demo Staff" });
    expect(JSON.parse(row.after!)).toEqual({ status: "active", rows: 2 });
  });
});

describe("ledger export", () => {
  it("lists the range's entries oldest first with the exact header; negative numbers stay numbers; dates are the shop's days", async () => {
    const member = await createMember(db(), shopId, { customerGid: "gid://shopify/Customer/7000000000010", email: "ledger@example.com" }, { points: 50, kind: "manual_adjustment", idempotencyKey: "seed:ledger-export" });
    const entry = await db().ledgerEntry.findFirstOrThrow({ where: { memberId: member.id } });
    // 2026-11-30 22:30 UTC is 1 December 00:30 in Helsinki.
    await db().ledgerEntry.update({ where: { id: entry.id }, data: { createdAt: new Date("2026-11-30T22:30:00Z"), note: "+bonus", actor: "staff:ann@shop.example" } });
    const debit = await db().ledgerEntry.create({
      data: { shopId, memberId: member.id, delta: -15, kind: "redemption", idempotencyKey: "redeem:x", createdAt: new Date("2026-12-02T10:00:00Z"), sourceGid: "gid://shopify/DiscountCodeNode/1" },
    });
    const { response, text } = await get("/app/export/ledger?from=2026-12-01&to=2026-12-02");
    expect(response.headers.get("X-Kanta-Rows")).toBe("2");
    expect(text.split("\n")[0]).toBe(LEDGER_EXPORT_COLUMNS.join(","));
    expect(text.split("\n")[0]).toBe("created_at,customer_id,email,kind,delta,pending_delta,note,actor,source,idempotency_key");
    expect(text).toContain(",-15,0,"); // a number, not "'-15"
    expect(parse(text, { columns: true })).toEqual([
      { created_at: "2026-11-30T22:30:00.000Z", customer_id: "7000000000010", email: "ledger@example.com", kind: "manual_adjustment", delta: "50", pending_delta: "0", note: "'+bonus", actor: "staff:ann@shop.example", source: "", idempotency_key: "seed:ledger-export" },
      { created_at: "2026-12-02T10:00:00.000Z", customer_id: "7000000000010", email: "ledger@example.com", kind: "redemption", delta: "-15", pending_delta: "0", note: "", actor: "system", source: "gid://shopify/DiscountCodeNode/1", idempotency_key: debit.idempotencyKey },
    ]);
    const dayOne = parse((await get("/app/export/ledger?from=2026-12-01&to=2026-12-01")).text, { columns: true }) as Record<string, string>[];
    expect(dayOne.map((r) => r.kind)).toEqual(["manual_adjustment"]);
  });

  it("refuses a missing or reversed range with a clear message", async () => {
    const missing = await get("/app/export/ledger?from=2026-12-01");
    expect(missing.response.status).toBe(400);
    expect(missing.text).toBe("Enter an end date as YYYY-MM-DD");
    const reversed = await get("/app/export/ledger?from=2026-12-03&to=2026-12-01");
    expect(reversed.response.status).toBe(400);
  });
});

describe("a large export", () => {
  it("streams in batches: 2,500 members come out in id order, each once", async () => {
    const start = await db().member.count({ where: { shopId, status: { not: "redacted" } } });
    const rows = Array.from({ length: 2500 }, (_, i) => ({ shopId, customerGid: `gid://shopify/Customer/${8_000_000 + i}`, email: `m${i}@example.com`, points: i }));
    await db().member.createMany({ data: rows });
    const { response, text } = await get("/app/export/members");
    expect(response.headers.get("X-Kanta-Rows")).toBe(String(start + 2500));
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    expect(parsed).toHaveLength(start + 2500);
    expect(new Set(parsed.map((r) => r.customer_id)).size).toBe(start + 2500);
  });
});
