import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { recordAudit } from "../../app/loyalty/audit/record.server";
import { auditEventsForExport, listAuditActors, listAuditEvents } from "../../app/loyalty/audit/log.server";
import { adjustMemberPoints, bulkSetExcluded } from "../../app/loyalty/members/admin.server";
import { eraseCustomer } from "../../app/loyalty/members/compliance.server";
import { inTransaction } from "../../app/loyalty/tx.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember } from "../factories";

// The audit log's writer, page queries and erasure, on a real database.

const { db } = useTestDatabase();
const ann = { id: "1001", name: "Ann Owner", email: "ann@shop.example" };
const bob = { id: "1002", name: "Bob Staff", email: null };

describe("recordAudit", () => {
  it("writes one row with the actor and only the changed fields, in the caller's transaction", async () => {
    const shop = await createTestShop(db());
    await inTransaction(db(), (tx) =>
      recordAudit(tx, {
        shopId: shop.id,
        actor: ann,
        action: "program.settings_updated",
        subjectType: "program",
        subjectId: null,
        before: { programName: "Rewards", pendingDays: 14, widget: { accent: "#000", position: "right" } },
        after: { programName: "Club", pendingDays: 14, widget: { accent: "#f00", position: "right" } },
      }),
    );
    const rows = await db().auditEvent.findMany({ where: { shopId: shop.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: "1001", actorName: "Ann Owner", actorEmail: "ann@shop.example", action: "program.settings_updated" });
    expect(JSON.parse(rows[0]!.before!)).toEqual({ programName: "Rewards", widget: { accent: "#000" } });
    expect(JSON.parse(rows[0]!.after!)).toEqual({ programName: "Club", widget: { accent: "#f00" } });
  });

  it("rolls back with the change it records, and writes nothing for a save that changes nothing", async () => {
    const shop = await createTestShop(db());
    await expect(
      inTransaction(db(), async (tx) => {
        await recordAudit(tx, { shopId: shop.id, actor: ann, action: "reward.created", subjectType: "reward", subjectId: "r1", before: null, after: { name: "5 € off" } });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const same = await inTransaction(db(), (tx) =>
      recordAudit(tx, { shopId: shop.id, actor: ann, action: "program.settings_updated", subjectType: "program", subjectId: null, before: { a: 1 }, after: { a: 1 } }),
    );
    expect(same.recorded).toBe(false);
    expect(await db().auditEvent.count({ where: { shopId: shop.id } })).toBe(0);
  });
});

describe("the Activity log's queries", () => {
  async function seed() {
    const shop = await createTestShop(db());
    const base = Date.UTC(2026, 10, 1, 10);
    const rows = [
      { actor: ann, action: "reward.created", subjectType: "reward", subjectId: "r1", day: 0 },
      { actor: bob, action: "member.points_adjusted", subjectType: "member", subjectId: "m1", day: 1 },
      { actor: ann, action: "member.tier_changed", subjectType: "member", subjectId: "m1", day: 2 },
      { actor: bob, action: "member.points_adjusted", subjectType: "member", subjectId: "m2", day: 3 },
      { actor: ann, action: "program.paused", subjectType: "program", subjectId: null, day: 4 },
    ];
    for (const r of rows) {
      await db().auditEvent.create({
        data: {
          shopId: shop.id,
          createdAt: new Date(base + r.day * 86_400_000),
          actorId: r.actor.id,
          actorName: r.actor.name,
          actorEmail: r.actor.email,
          action: r.action,
          subjectType: r.subjectType,
          subjectId: r.subjectId,
          before: JSON.stringify({ points: r.day }),
          after: JSON.stringify({ points: r.day + 10 }),
        },
      });
    }
    return shop;
  }

  it("filters by action, action group, staff member, subject and date range (shop time), newest first", async () => {
    const shop = await seed();
    const actions = async (filters: Parameters<typeof listAuditEvents>[1]) => (await listAuditEvents(shop.domain, filters, null, db())).rows.map((r) => `${r.action}@${r.at.slice(0, 10)}`);
    expect(await actions({})).toEqual([
      "program.paused@2026-11-05",
      "member.points_adjusted@2026-11-04",
      "member.tier_changed@2026-11-03",
      "member.points_adjusted@2026-11-02",
      "reward.created@2026-11-01",
    ]);
    expect(await actions({ action: "member.points_adjusted" })).toEqual(["member.points_adjusted@2026-11-04", "member.points_adjusted@2026-11-02"]);
    expect(await actions({ action: "member" })).toHaveLength(3);
    expect(await actions({ actorId: "1001" })).toEqual(["program.paused@2026-11-05", "member.tier_changed@2026-11-03", "reward.created@2026-11-01"]);
    expect(await actions({ subjectType: "member", subjectId: "m1" })).toEqual(["member.tier_changed@2026-11-03", "member.points_adjusted@2026-11-02"]);
    // Helsinki is UTC+2 in November: 10:00 UTC is the same local day.
    expect(await actions({ from: "2026-11-02", to: "2026-11-03" })).toEqual(["member.tier_changed@2026-11-03", "member.points_adjusted@2026-11-02"]);
    const page = await listAuditEvents(shop.domain, { action: "member.tier_changed" }, null, db());
    expect(page.rows[0]).toMatchObject({ actor: "Ann Owner (ann@shop.example)", actionLabel: "Tier changed", changes: [{ field: "points", before: "2", after: "12" }] });
  });

  it("pages with a keyset cursor without gaps or repeats, and lists the staff members", async () => {
    const shop = await seed();
    const first = await listAuditEvents(shop.domain, {}, null, db(), 2);
    const second = await listAuditEvents(shop.domain, {}, first.nextCursor, db(), 2);
    const third = await listAuditEvents(shop.domain, {}, second.nextCursor, db(), 2);
    expect(third.nextCursor).toBeNull();
    const ids = [...first.rows, ...second.rows, ...third.rows].map((r) => r.id);
    expect(new Set(ids).size).toBe(5);
    const all: string[] = [];
    for await (const row of auditEventsForExport(shop.domain, {}, db(), 2)) all.push(row.id);
    expect(all).toEqual(ids);
    expect(await listAuditActors(shop.domain, db())).toEqual([
      { id: "1001", label: "Ann Owner (ann@shop.example)" },
      { id: "1002", label: "Bob Staff" },
    ]);
  });
});

describe("members' actions", () => {
  it("a points adjustment records the staff member, the balance before and after and the reason; a replay records nothing", async () => {
    const shop = await createTestShop(db());
    const member = await createMember(db(), shop.id, { firstName: "Aino", lastName: "Virtanen", email: "aino@example.com" }, { points: 40 });
    const requestId = randomUUID();
    const input = { shopDomain: shop.domain, memberId: member.id, points: "25", reason: "Late delivery", staff: "staff:ann@shop.example", actor: ann, requestId };
    await adjustMemberPoints(input, db());
    await adjustMemberPoints(input, db());
    await adjustMemberPoints({ ...input, points: "-15", requestId: randomUUID() }, db());
    const rows = await db().auditEvent.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.action, r.actorId, r.subjectId, r.subjectLabel, JSON.parse(r.before!), JSON.parse(r.after!), r.note])).toEqual([
      ["member.points_adjusted", "1001", member.id, "Aino Virtanen", { points: 40 }, { points: 65 }, "Late delivery"],
      ["member.points_adjusted", "1001", member.id, "Aino Virtanen", { points: 65 }, { points: 50 }, "Late delivery"],
    ]);
  });

  it("bulk exclusion records one row per member that changed", async () => {
    const shop = await createTestShop(db());
    const a = await createMember(db(), shop.id, { firstName: "A" });
    const b = await createMember(db(), shop.id, { firstName: "B", status: "excluded" });
    expect(await bulkSetExcluded(shop.domain, [a.id, b.id], true, db(), bob)).toBe(1);
    const rows = await db().auditEvent.findMany({ where: { shopId: shop.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "member.excluded", subjectId: a.id, actorId: "1002", before: JSON.stringify({ status: "active" }), after: JSON.stringify({ status: "excluded" }) });
  });
});

describe("erasure", () => {
  it("customers/redact scrubs the member's audit rows: name and notes go, the accounting stays; other members' rows are untouched", async () => {
    const shop = await createTestShop(db());
    const aino = await createMember(db(), shop.id, { firstName: "Aino", lastName: "Virtanen", email: "aino@example.com", customerGid: "gid://shopify/Customer/77001" }, { points: 10 });
    const other = await createMember(db(), shop.id, { firstName: "Other", email: "o@example.com" }, { points: 10 });
    for (const m of [aino, other]) {
      await adjustMemberPoints({ shopDomain: shop.domain, memberId: m.id, points: "5", reason: "Aino's birthday gift", staff: "staff:x", actor: ann, requestId: randomUUID() }, db());
    }
    await inTransaction(db(), (tx) =>
      recordAudit(tx, { shopId: shop.id, actor: ann, action: "member.tier_changed", subjectType: "member", subjectId: aino.id, subjectLabel: "Aino Virtanen", before: { tier: null, email: "aino@example.com" }, after: { tier: "Gold", email: "x" }, note: "cousin" }),
    );
    const result = await eraseCustomer(db(), { shopDomain: shop.domain, customerGid: "gid://shopify/Customer/77001", email: "aino@example.com", dataRequestId: null });
    expect(result).toMatchObject({ auditScrubbed: 2 });
    const rows = await db().auditEvent.findMany({ where: { shopId: shop.id, subjectId: aino.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.subjectLabel, r.note, r.before, r.after])).toEqual([
      [null, null, JSON.stringify({ points: 10 }), JSON.stringify({ points: 15 })],
      [null, null, JSON.stringify({ tier: null }), JSON.stringify({ tier: "Gold" })],
    ]);
    const text = JSON.stringify(rows);
    expect(text).not.toContain("Aino");
    expect(text).not.toContain("aino@");
    const kept = await db().auditEvent.findFirstOrThrow({ where: { shopId: shop.id, subjectId: other.id } });
    expect(kept).toMatchObject({ subjectLabel: "Other", note: "Aino's birthday gift" });
  });
});
