import { describe, expect, it } from "vitest";
import { IdempotencyConflictError } from "../../app/loyalty/ledger";
import { appendLedgerEntry, verifyLedger } from "../../app/loyalty/ledger.server";
import { inTransaction } from "../../app/loyalty/tx.server";
import { createTestShop, useTestDatabase } from "../db";

const { db } = useTestDatabase();

async function memberOf(shopId: string) {
  return db().member.create({ data: { shopId, customerGid: `gid://shopify/Customer/${Date.now()}${Math.floor(Math.random() * 1000)}` } });
}

describe("ledger appends", () => {
  it("a replayed key changes nothing; a replay with different content is an error", async () => {
    const shop = await createTestShop(db());
    const member = await memberOf(shop.id);
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
    const member = await memberOf(shop.id);
    const entry = { shopId: shop.id, memberId: member.id, delta: 7, kind: "action_bonus" as const, idempotencyKey: "action:newsletter" };
    const results = await Promise.all(Array.from({ length: 20 }, () => inTransaction(db(), (tx) => appendLedgerEntry(tx, entry))));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(7);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("verifyLedger reports a cached balance that disagrees with the rows", async () => {
    const shop = await createTestShop(db());
    const member = await memberOf(shop.id);
    await inTransaction(db(), (tx) => appendLedgerEntry(tx, { shopId: shop.id, memberId: member.id, delta: 10, kind: "manual_adjustment", idempotencyKey: "manual:x" }));
    await db().member.update({ where: { id: member.id }, data: { points: 11 } });
    expect(await verifyLedger(db(), shop.id)).toEqual([
      { memberId: member.id, cached: { points: 11, pendingPoints: 0, lifetimePoints: 10 }, ledger: { points: 10, pendingPoints: 0, lifetimePoints: 10 } },
    ]);
  });
});
