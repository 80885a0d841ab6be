import { describe, expect, it } from "vitest";
import { expireInactivePoints } from "../../app/loyalty/ledger/expiry.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember } from "../factories";

// Points expiry by inactivity: the whole spendable balance lapses once, N calendar months
// after the last activity; active members, pending points and shops without expiry keep.

const { db } = useTestDatabase();

async function member(shopId: string, points: number, lastActivityAt: Date, pending = 0) {
  return (await createMember(db(), shopId, { lastActivityAt }, { points, pendingPoints: pending })).id;
}

const balance = async (id: string) => (await db().member.findUniqueOrThrow({ where: { id } })).points;

describe("inactivity expiry", () => {
  it("expires the whole spendable balance of members inactive for N months, exactly once", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { expiryMonths: 12 } });
    const now = new Date("2026-11-23T10:00:00Z");
    const lapsed = await member(shop.id, 340, new Date("2025-11-23T09:59:00Z"), 50);
    const exactlyNot = await member(shop.id, 200, new Date("2025-11-23T10:00:01Z")); // one second short of 12 months
    const active = await member(shop.id, 120, new Date("2026-10-01T00:00:00Z"));
    const empty = await member(shop.id, 0, new Date("2024-01-01T00:00:00Z"));

    const first = await expireInactivePoints(db(), { now });
    expect(first).toEqual({ shops: 1, members: 1, points: 340 });
    expect(await balance(lapsed)).toBe(0);
    const lapsedRow = await db().member.findUniqueOrThrow({ where: { id: lapsed } });
    expect(lapsedRow.pendingPoints).toBe(50); // pending points are not spendable, not expired
    expect(await balance(exactlyNot)).toBe(200);
    expect(await balance(active)).toBe(120);
    expect(await balance(empty)).toBe(0);
    const rows = await db().ledgerEntry.findMany({ where: { memberId: lapsed, kind: "expired" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.delta).toBe(-340);
    expect(rows[0]!.note).toBe("No activity for 12 months");
    // Expiry is not activity: the member stays inactive.
    expect(lapsedRow.lastActivityAt.toISOString()).toBe("2025-11-23T09:59:00.000Z");

    // Running again (same day, or a crash and a rerun) expires nothing more.
    expect(await expireInactivePoints(db(), { now })).toEqual({ shops: 0, members: 0, points: 0 });
    expect(await db().ledgerEntry.count({ where: { memberId: lapsed, kind: "expired" } })).toBe(1);

    // A second later the other member has lapsed too.
    const later = await expireInactivePoints(db(), { now: new Date("2026-11-23T10:00:02Z") });
    expect(later.members).toBe(1);
    expect(await balance(exactlyNot)).toBe(0);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("works through many members in batches and leaves shops without expiry, paused or excluded members alone", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { expiryMonths: 6 } });
    const old = new Date("2026-01-01T00:00:00Z");
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await member(shop.id, 10 + i, old));
    const excluded = await member(shop.id, 99, old);
    await db().member.update({ where: { id: excluded }, data: { status: "excluded" } });

    const noExpiry = await createTestShop(db());
    const kept = await member(noExpiry.id, 500, new Date("2020-01-01T00:00:00Z"));
    const paused = await createTestShop(db());
    await db().program.update({ where: { shopId: paused.id }, data: { expiryMonths: 1, status: "paused" } });
    const pausedMember = await member(paused.id, 80, new Date("2020-01-01T00:00:00Z"));

    const result = await expireInactivePoints(db(), { now: new Date("2026-11-23T00:00:00Z"), batchSize: 3 });
    expect(result.members).toBe(7);
    expect(result.points).toBe(7 * 10 + 21);
    for (const id of ids) expect(await balance(id)).toBe(0);
    expect(await balance(excluded)).toBe(99);
    expect(await balance(kept)).toBe(500);
    expect(await balance(pausedMember)).toBe(80);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });
});
