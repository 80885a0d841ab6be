import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { AdjustError, adjustMemberPoints } from "../../app/loyalty/members/admin.server";
import { listMembers } from "../../app/loyalty/members/list.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { action as memberAction, loader as memberLoader } from "../../app/routes/app.members.$id";
import { action as listAction, loader as listLoader } from "../../app/routes/app.members._index";
import { createTestShop, useTestDatabase, useLocalAdminShop } from "../db";
import { createMember as createMemberRow } from "../factories";

// Route tests: the Members pages' loaders and actions called directly, in local mode (the
// demo shop is signed in), on a real database.

const { db } = useTestDatabase();
let shopId = "";
let tiers: { id: string; name: string; rank: number }[] = [];
let customerCounter = 0;

useLocalAdminShop(db, async (id) => {
  shopId = id;
  tiers = await db().tier.findMany({ where: { shopId }, orderBy: { rank: "asc" } });
});

/** A member of the demo shop, with a sign-up bonus of `points` if given. */
async function createMember(fields: { firstName: string; lastName: string; email?: string; points?: number; tierRank?: number; lastActivityAt?: Date }) {
  const customerGid = `gid://shopify/Customer/${900000 + ++customerCounter}`;
  return createMemberRow(
    db(),
    shopId,
    {
      customerGid,
      firstName: fields.firstName,
      lastName: fields.lastName,
      email: fields.email ?? `${fields.firstName.toLowerCase()}.${customerCounter}@example.com`,
      tierId: fields.tierRank === undefined ? null : tiers[fields.tierRank]!.id,
      lastActivityAt: fields.lastActivityAt,
    },
    { points: fields.points, kind: "signup_bonus", idempotencyKey: `signup:${customerGid}` },
  );
}

function adjustRequest(memberId: string, fields: Record<string, string>) {
  const body = new FormData();
  body.set("intent", "adjust");
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return memberAction({ request: new Request(`http://localhost/app/members/${memberId}`, { method: "POST", body }), params: { id: memberId }, context: {} });
}

function postIntent(memberId: string, intent: string) {
  const body = new FormData();
  body.set("intent", intent);
  return memberAction({ request: new Request(`http://localhost/app/members/${memberId}`, { method: "POST", body }), params: { id: memberId }, context: {} });
}

async function list(query: string) {
  return listLoader({ request: new Request(`http://localhost/app/members?${query}`), params: {}, context: {} });
}

describe("adjusting a member's points", () => {
  it("saves a valid adjustment as a ledger row with the staff actor and reason, and moves the balance", async () => {
    const m = await createMember({ firstName: "Aada", lastName: "Adjust", points: 100 });
    const result = await adjustRequest(m.id, { points: "250", reason: "Goodwill for a late delivery", requestId: randomUUID() });
    expect(result).toMatchObject({ ok: true, intent: "adjust", replayed: false });
    const after = await db().member.findUniqueOrThrow({ where: { id: m.id } });
    expect(after.points).toBe(350);
    expect(after.lifetimePoints).toBe(350);
    const row = await db().ledgerEntry.findFirstOrThrow({ where: { memberId: m.id, kind: "manual_adjustment" } });
    expect(row).toMatchObject({ delta: 250, actor: "local-demo", note: "Goodwill for a late delivery" });
    expect(row.idempotencyKey).toMatch(/^manual:/);

    const removed = await adjustRequest(m.id, { points: "-50", reason: "Duplicate bonus", requestId: randomUUID() });
    expect(removed).toMatchObject({ ok: true });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).points).toBe(300);
    expect(await verifyLedger(db(), shopId)).toEqual([]);

    const { member } = await memberLoader({ request: new Request(`http://localhost/app/members/${m.id}`), params: { id: m.id }, context: {} });
    expect(member?.points).toBe(300);
    expect(member?.ledger.map((e) => [e.kind, e.points, e.note])).toEqual([
      ["manual_adjustment", -50, "Duplicate bonus"],
      ["manual_adjustment", 250, "Goodwill for a late delivery"],
      ["signup_bonus", 100, null],
    ]);
  });

  it.each([
    ["missing reason", { points: "10", reason: "" }, "reason", "Enter a reason"],
    ["short reason", { points: "10", reason: "ok" }, "reason", "The reason needs at least 3 characters"],
    ["long reason", { points: "10", reason: "x".repeat(201) }, "reason", "The reason can be at most 200 characters"],
    ["zero", { points: "0", reason: "Testing zero" }, "points", "Enter a number other than 0"],
    ["empty points", { points: "", reason: "Testing empty" }, "points", "Enter a number of points"],
    ["non-integer", { points: "1.5", reason: "Testing fractions" }, "points", "Points must be a whole number"],
    ["not a number", { points: "lots", reason: "Testing words" }, "points", "Enter a number of points"],
    ["too large", { points: "1000001", reason: "Testing limits" }, "points", "At most 1,000,000 points at a time"],
    ["negative below balance", { points: "-101", reason: "Testing overdraft" }, "points", "Only 100 points are available to remove"],
  ])("refuses %s with its message and saves nothing", async (_name, fields, field, message) => {
    const m = await createMember({ firstName: "Ilona", lastName: "Invalid", points: 100 });
    const result = await adjustRequest(m.id, { ...fields, requestId: randomUUID() });
    expect(result).toEqual({ ok: false, errors: { [field]: message } });
    expect(await db().ledgerEntry.count({ where: { memberId: m.id } })).toBe(1);
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).points).toBe(100);
  });

  it("writes a double-submitted form once", async () => {
    const m = await createMember({ firstName: "Dora", lastName: "Double", points: 100 });
    const requestId = randomUUID();
    const [a, b] = await Promise.all([
      adjustRequest(m.id, { points: "40", reason: "Birthday gift", requestId }),
      adjustRequest(m.id, { points: "40", reason: "Birthday gift", requestId }),
    ]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toMatchObject({ ok: true });
    const again = await adjustRequest(m.id, { points: "40", reason: "Birthday gift", requestId });
    expect(again).toMatchObject({ ok: true, replayed: true });
    // A negative one, too (the conditional debit path).
    const debitId = randomUUID();
    await adjustRequest(m.id, { points: "-30", reason: "Correction", requestId: debitId });
    expect(await adjustRequest(m.id, { points: "-30", reason: "Correction", requestId: debitId })).toMatchObject({ ok: true, replayed: true });
    expect(await db().ledgerEntry.count({ where: { memberId: m.id, kind: "manual_adjustment" } })).toBe(2);
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).points).toBe(110);
    // The same request id with other values is refused, not applied.
    expect(await adjustRequest(m.id, { points: "-20", reason: "Correction", requestId: debitId })).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/already submitted/) } });
    expect(await verifyLedger(db(), shopId)).toEqual([]);
  });

  it("refuses adjustments for a member of another shop", async () => {
    const other = await createTestShop(db());
    const stranger = await createMemberRow(db(), other.id, { firstName: "Other" });
    expect(await adjustRequest(stranger.id, { points: "10", reason: "Not mine", requestId: randomUUID() })).toEqual({
      ok: false,
      errors: { form: "This member does not exist" },
    });
    await expect(
      adjustMemberPoints({ shopDomain: LOCAL_SHOP, memberId: stranger.id, points: 5, reason: "Direct call", staff: "staff:a@b.c", requestId: randomUUID() }, db()),
    ).rejects.toBeInstanceOf(AdjustError);
    expect(await db().ledgerEntry.count({ where: { memberId: stranger.id } })).toBe(0);
  });

  it("excludes and includes a member", async () => {
    const m = await createMember({ firstName: "Eero", lastName: "Excluded", points: 10 });
    expect(await postIntent(m.id, "exclude")).toMatchObject({ ok: true, intent: "exclude" });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).status).toBe("excluded");
    const excluded = await list("status=excluded&q=Excluded");
    expect(excluded.rows.map((r) => r.id)).toEqual([m.id]);
    expect(await postIntent(m.id, "include")).toMatchObject({ ok: true, intent: "include" });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).status).toBe("active");
    expect((await list("status=excluded&q=Excluded")).rows).toEqual([]);
  });
});

describe("the members list", () => {
  it("searches by name or email, ignoring case", async () => {
    const a = await createMember({ firstName: "Saara", lastName: "Searchable", email: "saara.findme@example.com" });
    await createMember({ firstName: "Other", lastName: "Person" });
    expect((await list("q=searchable")).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await list("q=SAARA%20search")).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await list("q=FINDME@EXAMPLE")).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await list("q=nobody-has-this-name")).rows).toEqual([]);
  });

  it("filters by tier and sorts by points and by last activity", async () => {
    const day = 86_400_000;
    const low = await createMember({ firstName: "Tiina", lastName: "Tiered", points: 5, tierRank: 2, lastActivityAt: new Date(Date.now() - 3 * day) });
    const high = await createMember({ firstName: "Toivo", lastName: "Tiered", points: 500, tierRank: 2, lastActivityAt: new Date(Date.now() - 5 * day) });
    await createMember({ firstName: "Topi", lastName: "Tiered", points: 50, tierRank: 1 });
    const tierId = tiers[2]!.id;
    const byPoints = await list(`tier=${tierId}&sort=points&dir=desc`);
    expect(byPoints.rows.map((r) => r.id)).toEqual([high.id, low.id]);
    expect(byPoints.rows[0]!.tier).toEqual({ name: tiers[2]!.name, rank: 2 });
    expect((await list(`tier=${tierId}&sort=points&dir=asc`)).rows.map((r) => r.id)).toEqual([low.id, high.id]);
    expect((await list(`tier=${tierId}&sort=lastActivity&dir=desc`)).rows.map((r) => r.id)).toEqual([low.id, high.id]);
    expect((await list(`q=Tiered&min=10&max=100`)).rows.map((r) => r.name)).toEqual(["Topi Tiered"]);
  });

  it("pages with a cursor: disjoint pages forwards, the same pages backwards", async () => {
    // 7 members with equal points: the id breaks ties, so no row is skipped or repeated.
    for (let i = 0; i < 7; i++) await createMember({ firstName: `Pekka${i}`, lastName: "Paged", points: i < 4 ? 42 : 7 });
    const pages: string[][] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listMembers(LOCAL_SHOP, { query: "Paged", sort: "points", pageSize: 3, cursor }, db());
      pages.push(page.rows.map((r) => r.id));
      cursors.push(page.previousCursor);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(new Set(pages.flat()).size).toBe(7);
    expect(cursors[0]).toBeNull();
    const back = await listMembers(LOCAL_SHOP, { query: "Paged", sort: "points", pageSize: 3, cursor: cursors[2]! }, db());
    expect(back.rows.map((r) => r.id)).toEqual(pages[1]);
    const first = await listMembers(LOCAL_SHOP, { query: "Paged", sort: "points", pageSize: 3, cursor: back.previousCursor! }, db());
    expect(first.rows.map((r) => r.id)).toEqual(pages[0]);
    expect(first.previousCursor).toBeNull();
    // Through the route, with the cursor in the URL.
    const viaRoute = await list(`q=Paged&cursor=${encodeURIComponent(cursor!)}`);
    expect(viaRoute.rows.length).toBeGreaterThan(0);
  });
});

describe("bulk actions on the members list", () => {
  function bulk(fields: Record<string, string>) {
    const body = new FormData();
    for (const [key, value] of Object.entries(fields)) body.set(key, value);
    return listAction({ request: new Request("http://localhost/app/members", { method: "POST", body }), params: {}, context: {} });
  }
  const points = async (id: string) => (await db().member.findUniqueOrThrow({ where: { id } })).points;

  it("adds points to every selected member once, however often the form is sent", async () => {
    const a = await createMember({ firstName: "Bulk", lastName: "One", points: 10 });
    const b = await createMember({ firstName: "Bulk", lastName: "Two" });
    const fields = { intent: "adjust", ids: JSON.stringify([a.id, b.id, a.id]), points: "25", reason: "Store anniversary", requestId: randomUUID() };
    expect(await bulk(fields)).toEqual({ ok: true, message: "Added 25 points to 2 members" });
    expect(await bulk(fields)).toEqual({ ok: true, message: "Added 25 points to 2 members" });
    expect([await points(a.id), await points(b.id)]).toEqual([35, 25]);
    const rows = await db().ledgerEntry.findMany({ where: { memberId: { in: [a.id, b.id] }, kind: "manual_adjustment" } });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.note === "Store anniversary" && r.actor === "local-demo")).toBe(true);
    expect(await verifyLedger(db(), shopId)).toEqual([]);
  });

  it("removes points only where there are enough, and says how many were skipped", async () => {
    const rich = await createMember({ firstName: "Rich", lastName: "Member", points: 100 });
    const poor = await createMember({ firstName: "Poor", lastName: "Member", points: 5 });
    const result = await bulk({ intent: "adjust", ids: JSON.stringify([rich.id, poor.id]), points: "-20", reason: "Correction", requestId: randomUUID() });
    expect(result).toEqual({ ok: true, message: "Removed 20 points from 1 member; 1 member skipped (not enough points)" });
    expect([await points(rich.id), await points(poor.id)]).toEqual([80, 5]);
  });

  it("refuses bad input with its message and changes nothing", async () => {
    const m = await createMember({ firstName: "Careful", lastName: "Member", points: 10 });
    const ids = JSON.stringify([m.id]);
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ intent: "adjust", ids, points: "", reason: "Something", requestId: randomUUID() }, { points: "Enter a number of points" }],
      [{ intent: "adjust", ids, points: "1.5", reason: "Something", requestId: randomUUID() }, { points: "Points must be a whole number" }],
      [{ intent: "adjust", ids, points: "10", reason: " ", requestId: randomUUID() }, { reason: "Enter a reason" }],
      [{ intent: "adjust", ids: "[]", points: "10", reason: "Something", requestId: randomUUID() }, { form: "Select members first" }],
      [{ intent: "adjust", ids: "not json", points: "10", reason: "Something", requestId: randomUUID() }, { form: "Select members first" }],
      [{ intent: "adjust", ids: JSON.stringify(Array.from({ length: 101 }, (_, i) => `m${i}`)), points: "10", reason: "Something", requestId: randomUUID() }, { form: "Select at most 100 members at a time" }],
      [{ intent: "teleport", ids, points: "10", reason: "Something", requestId: randomUUID() }, { form: "Unknown action" }],
    ];
    for (const [fields, errors] of cases) expect(await bulk(fields)).toEqual({ ok: false, errors });
    expect(await points(m.id)).toBe(10);
    expect(await db().ledgerEntry.count({ where: { memberId: m.id, kind: "manual_adjustment" } })).toBe(0);
  });

  it("excludes and includes the selected members of this shop only", async () => {
    const a = await createMember({ firstName: "Ex", lastName: "One" });
    const b = await createMember({ firstName: "Ex", lastName: "Two" });
    const other = await createTestShop(db());
    const stranger = await createMemberRow(db(), other.id);
    expect(await bulk({ intent: "exclude", ids: JSON.stringify([a.id, b.id, stranger.id]) })).toEqual({ ok: true, message: "Excluded 2 members" });
    const status = async (id: string) => (await db().member.findUniqueOrThrow({ where: { id } })).status;
    expect([await status(a.id), await status(b.id), await status(stranger.id)]).toEqual(["excluded", "excluded", "active"]);
    expect(await bulk({ intent: "include", ids: JSON.stringify([a.id]) })).toEqual({ ok: true, message: "Included 1 member" });
    expect(await status(a.id)).toBe("active");
  });
});
