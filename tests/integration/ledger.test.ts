import { describe, expect, it } from "vitest";
import { IdempotencyConflictError } from "../../app/loyalty/ledger/entries";
import { appendLedgerEntriesOnce, appendLedgerEntry, verifyLedger } from "../../app/loyalty/ledger/append.server";
import type { LedgerEntryInput } from "../../app/loyalty/ledger/entries";
import { inTransaction } from "../../app/loyalty/tx.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember } from "../factories";

const { db } = useTestDatabase();

describe("ledger appends", () => {
  it("a replayed key changes nothing; a replay with different content is an error", async () => {
    const shop = await createTestShop(db());
    const member = await createMember(db(), shop.id);
    const entry = { shopId: shop.id, memberId: member.id, delta: 50, kind: "manual_adjustment" as const, idempotencyKey: "manual:req-1", actor: "staff:1", note: "Goodwill" };
    expect(await inTransaction(db(), (tx) => appendLedgerEntry(tx, entry))).toEqual({ replayed: false });
    expect(await inTransaction(db(), (tx) => appendLedgerEntry(tx, entry))).toEqual({ replayed: true });
    await expect(inTransaction(db(), (tx) => appendLedgerEntry(tx, { ...entry, delta: 500 }))).rejects.toThrow(IdempotencyConflictError);
    const after = await db().member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after).toMatchObject({ points: 50, lifetimePoints: 50 });
    expect(await db().ledgerEntry.count({ where: { memberId: member.id } })).toBe(1);
  });

  it("concurrent deliveries of the same key write one row", async () => {
    const shop = await createTestShop(db());
    const member = await createMember(db(), shop.id);
    const entry = { shopId: shop.id, memberId: member.id, delta: 7, kind: "action_bonus" as const, idempotencyKey: "action:newsletter" };
    const results = await Promise.all(Array.from({ length: 20 }, () => inTransaction(db(), (tx) => appendLedgerEntry(tx, entry))));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(7);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("verifyLedger reports a cached balance that disagrees with the rows", async () => {
    const shop = await createTestShop(db());
    const member = await createMember(db(), shop.id);
    await inTransaction(db(), (tx) => appendLedgerEntry(tx, { shopId: shop.id, memberId: member.id, delta: 10, kind: "manual_adjustment", idempotencyKey: "manual:x" }));
    await db().member.update({ where: { id: member.id }, data: { points: 11 } });
    expect(await verifyLedger(db(), shop.id)).toEqual([
      { memberId: member.id, cached: { points: 11, pendingPoints: 0, lifetimePoints: 10 }, ledger: { points: 10, pendingPoints: 0, lifetimePoints: 10 } },
    ]);
  });
});

describe("the batch path (appendLedgerEntriesOnce) against the ORM path", () => {
  // The same entries for two members: one written row by row through appendLedgerEntry,
  // the other in one batch. Rows, cached balances and lastActivityAt must come out alike.
  function entriesFor(shopId: string, memberId: string, tag: string): LedgerEntryInput[] {
    const soon = new Date("2031-01-01T00:00:00Z");
    return [
      { shopId, memberId, delta: 0, pendingDelta: 120, kind: "order_earned", idempotencyKey: `${tag}:order`, sourceGid: "gid://shopify/Order/1", availableAt: soon },
      { shopId, memberId, delta: 40, kind: "action_bonus", idempotencyKey: `${tag}:bonus`, note: "Gold tier welcome bonus", expiresAt: soon },
      { shopId, memberId, delta: -15, kind: "manual_adjustment", idempotencyKey: `${tag}:manual`, actor: "staff:a@b.c", note: "Correction" },
      { shopId, memberId, delta: -5, kind: "expired", idempotencyKey: `${tag}:expired` },
    ];
  }
  const shape = (rows: { delta: number; pendingDelta: number; kind: string; sourceGid: string | null; actor: string; note: string | null; availableAt: Date | null; expiresAt: Date | null }[]) =>
    rows
      .map((r) => ({ delta: r.delta, pendingDelta: r.pendingDelta, kind: r.kind, sourceGid: r.sourceGid, actor: r.actor, note: r.note, availableAt: r.availableAt?.toISOString() ?? null, expiresAt: r.expiresAt?.toISOString() ?? null }))
      .sort((a, b) => a.kind.localeCompare(b.kind));

  it("writes the same rows and moves the same balances, and skips keys already written", async () => {
    const shop = await createTestShop(db());
    const viaOrm = await createMember(db(), shop.id);
    const viaBatch = await createMember(db(), shop.id);
    const old = new Date("2020-01-01T00:00:00Z");
    await db().member.updateMany({ where: { id: { in: [viaOrm.id, viaBatch.id] } }, data: { lastActivityAt: old, pointsDirty: false } });
    const now = new Date();
    await inTransaction(db(), async (tx) => {
      for (const e of entriesFor(shop.id, viaOrm.id, "orm")) await appendLedgerEntry(tx, e);
    });
    const batch = entriesFor(shop.id, viaBatch.id, "batch");
    expect(await inTransaction(db(), (tx) => appendLedgerEntriesOnce(tx, batch, now))).toBe(4);
    // A replay of the whole batch, and a changed amount under a used key: nothing is written.
    expect(await inTransaction(db(), (tx) => appendLedgerEntriesOnce(tx, batch, now))).toBe(0);
    expect(await inTransaction(db(), (tx) => appendLedgerEntriesOnce(tx, [{ ...batch[1]!, delta: 400 }], now))).toBe(0);

    const [orm, bat] = await Promise.all([viaOrm, viaBatch].map((m) => db().member.findUniqueOrThrow({ where: { id: m.id } })));
    expect(bat).toMatchObject({ points: orm!.points, pendingPoints: orm!.pendingPoints, lifetimePoints: orm!.lifetimePoints });
    expect(bat!).toMatchObject({ points: 20, pendingPoints: 120, lifetimePoints: 145 });
    // action_bonus counts as activity on both paths.
    expect(orm!.lastActivityAt.getTime()).toBeGreaterThan(old.getTime());
    expect(bat!.lastActivityAt.getTime()).toBe(now.getTime());
    // Spendable points moved: the balance metafield is behind on both paths.
    expect([orm!.pointsDirty, bat!.pointsDirty]).toEqual([true, true]);
    const rows = await Promise.all([viaOrm, viaBatch].map((m) => db().ledgerEntry.findMany({ where: { memberId: m.id } })));
    expect(shape(rows[1]!)).toEqual(shape(rows[0]!));
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("refuses an invalid entry before writing anything", async () => {
    const shop = await createTestShop(db());
    const member = await createMember(db(), shop.id);
    const good = { shopId: shop.id, memberId: member.id, delta: 5, kind: "action_bonus" as const, idempotencyKey: "ok" };
    await expect(inTransaction(db(), (tx) => appendLedgerEntriesOnce(tx, [good, { ...good, idempotencyKey: "zero", delta: 0 }]))).rejects.toThrow("must move points");
    expect(await db().ledgerEntry.count({ where: { memberId: member.id } })).toBe(0);
  });

  it("pays many members in one call, each once", async () => {
    const shop = await createTestShop(db());
    const members = [];
    for (let i = 0; i < 30; i++) members.push(await createMember(db(), shop.id));
    const entries = members.flatMap((m, i) => [
      { shopId: shop.id, memberId: m.id, delta: 10 + (i % 3), kind: "action_bonus" as const, idempotencyKey: `many:${m.id}` },
      { shopId: shop.id, memberId: m.id, delta: 10 + (i % 3), kind: "action_bonus" as const, idempotencyKey: `many:${m.id}` },
    ]);
    expect(await inTransaction(db(), (tx) => appendLedgerEntriesOnce(tx, entries))).toBe(30);
    const after = await db().member.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    expect(after.reduce((sum, m) => sum + m.points, 0)).toBe(members.reduce((sum, _m, i) => sum + 10 + (i % 3), 0));
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });
});
