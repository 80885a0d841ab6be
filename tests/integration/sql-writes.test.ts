import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "../../app/env.server";
import { claimWebhookEvents } from "../../app/jobs/webhook-claim.server";
import { insertRows, isPostgres, rowId } from "../../app/loyalty/sql.server";
import { createTestShop, useTestDatabase } from "../db";

// The batch paths' raw writes (loyalty/sql.server.ts insertRows, the inbox claim): on
// PostgreSQL `unnest` arrays run as prepared statements, and one statement claims (0044).
// What they store must be what Prisma stores, whatever the process's time zone, prepared or
// not (KANTA_PG_PREPARED).

const { db } = useTestDatabase();

const zone = process.env.TZ;
beforeAll(() => void (process.env.TZ = "America/New_York"));
afterAll(() => void (zone === undefined ? delete process.env.TZ : (process.env.TZ = zone)));
afterEach(() => {
  delete process.env.KANTA_PG_PREPARED;
  resetEnvCache();
});

function usePrepared(on: boolean) {
  process.env.KANTA_PG_PREPARED = on ? "1" : "0";
  resetEnvCache();
}

describe.each([true, false])("insertRows (KANTA_PG_PREPARED=%s)", (prepared) => {
  it("stores dates, big integers, booleans and nulls as Prisma does", async () => {
    usePrepared(prepared);
    const shop = await createTestShop(db());
    // A time in the summer and one in the winter of the process's zone, and a millisecond.
    const summer = new Date("2026-07-01T03:30:00.123Z");
    const winter = new Date("2026-01-15T23:59:59.999Z");
    const rows = [
      { id: rowId(), shopId: shop.id, orderGid: "gid://shopify/Order/1", memberId: null, customerGid: null, name: "#1001 \"Ä\", {x}", currencyCode: "EUR", stateUpdatedAt: summer, paid: true, cancelled: false, processedAt: winter, grossMinor: 123_456_789_012_345n, earnPoints: null, createdAt: summer, updatedAt: winter },
      { id: rowId(), shopId: shop.id, orderGid: "gid://shopify/Order/2", memberId: null, customerGid: "gid://shopify/Customer/7", name: null, currencyCode: "EUR", stateUpdatedAt: winter, paid: false, cancelled: true, processedAt: null, grossMinor: 0n, earnPoints: 12, createdAt: winter, updatedAt: summer },
    ];
    await insertRows(db(), "OrderRecord", rows);
    const stored = await db().orderRecord.findMany({ where: { shopId: shop.id }, orderBy: { orderGid: "asc" } });
    expect(stored.map((r) => ({ name: r.name, customerGid: r.customerGid, stateUpdatedAt: r.stateUpdatedAt, paid: r.paid, cancelled: r.cancelled, processedAt: r.processedAt, grossMinor: r.grossMinor, earnPoints: r.earnPoints, createdAt: r.createdAt, updatedAt: r.updatedAt }))).toEqual(
      rows.map((r) => ({ name: r.name, customerGid: r.customerGid, stateUpdatedAt: r.stateUpdatedAt, paid: r.paid, cancelled: r.cancelled, processedAt: r.processedAt, grossMinor: r.grossMinor, earnPoints: r.earnPoints, createdAt: r.createdAt, updatedAt: r.updatedAt })),
    );
  });

  it("skips rows ON CONFLICT and returns only the ones it inserted", async () => {
    usePrepared(prepared);
    const shop = await createTestShop(db());
    const member = await db().member.create({ data: { shopId: shop.id, customerGid: "gid://shopify/Customer/42" } });
    const entry = (key: string, delta: number) => ({ id: rowId(), shopId: shop.id, memberId: member.id, delta, kind: "action_bonus", idempotencyKey: key, createdAt: new Date() });
    const options = { onConflict: `("shopId", "idempotencyKey") DO NOTHING`, returning: ["idempotencyKey", "delta"] };
    expect(await insertRows(db(), "LedgerEntry", [entry("a", 1), entry("b", 2)], options)).toHaveLength(2);
    const again = await insertRows<{ idempotencyKey: string; delta: number }>(db(), "LedgerEntry", [entry("b", 20), entry("c", 3)], options);
    expect(again.map((r) => [r.idempotencyKey, Number(r.delta)])).toEqual([["c", 3]]);
    const stored = await db().ledgerEntry.findMany({ where: { memberId: member.id }, orderBy: { idempotencyKey: "asc" } });
    expect(stored.map((r) => [r.idempotencyKey, r.delta])).toEqual([["a", 1], ["b", 2], ["c", 3]]);
  });
});

describe("prepared statements on PostgreSQL", () => {
  it("runs a batch's insert as a named statement on the transaction's connection, and unnamed with KANTA_PG_PREPARED=0", async () => {
    if (!isPostgres(db())) return expect(isPostgres(db())).toBe(false);
    const shop = await createTestShop(db());
    const named = async () =>
      db().$transaction(async (tx) => {
        await insertRows(tx, "AuditEvent", [{ id: rowId(), shopId: shop.id, action: "test.prepared", subjectType: "program", createdAt: new Date() }]);
        const statements = await tx.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO "AuditEvent"%unnest%'`);
        return statements.length;
      });
    usePrepared(false);
    expect(await named()).toBe(0);
    usePrepared(true);
    expect(await named()).toBe(1);
    expect(await db().auditEvent.count({ where: { shopId: shop.id, action: "test.prepared" } })).toBe(2);
  });
});

describe.each([true, false])("claimWebhookEvents (KANTA_PG_PREPARED=%s)", (prepared) => {
  it("claims the asked and the oldest due events once, in arrival order, and leaves the rest", async () => {
    usePrepared(prepared);
    const shop = await createTestShop(db());
    const now = new Date();
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    const event = (n: number, fields: { status?: string; nextAttemptAt?: Date; receivedAt: Date }) =>
      db().webhookEvent.create({ data: { shopDomain: shop.domain, topic: "orders/paid", eventId: `claim-${n}`, payload: `{"n":${n}}`, status: fields.status ?? "pending", nextAttemptAt: fields.nextAttemptAt ?? at(-60), receivedAt: fields.receivedAt } });
    const e1 = await event(1, { receivedAt: at(-50) });
    const e2 = await event(2, { receivedAt: at(-40), status: "retrying", nextAttemptAt: at(-1) });
    const e3 = await event(3, { receivedAt: at(-30) });
    const notDue = await event(4, { receivedAt: at(-20), status: "retrying", nextAttemptAt: at(60) });
    const done = await event(5, { receivedAt: at(-10), status: "done" });
    const e6 = await event(6, { receivedAt: at(-5) });

    // Asked: e6 and the two that are not due; then one more, the oldest due one.
    const first = await claimWebhookEvents(db(), { ids: [e6.id, notDue.id, done.id], fill: 1, now });
    expect(first.map((e) => e.eventId)).toEqual(["claim-1", "claim-6"]);
    expect(first[0]).toEqual({ id: e1.id, shopDomain: shop.domain, topic: "orders/paid", webhookId: null, eventId: "claim-1", payload: '{"n":1}', attempts: 1 });
    const second = await claimWebhookEvents(db(), { fill: 10, now });
    expect(second.map((e) => e.eventId)).toEqual(["claim-2", "claim-3"]);
    expect(await claimWebhookEvents(db(), { fill: 10, now })).toEqual([]);

    const rows = await db().webhookEvent.findMany({ where: { shopDomain: shop.domain }, orderBy: { eventId: "asc" } });
    expect(rows.map((r) => [r.eventId, r.status, r.attempts])).toEqual([
      ["claim-1", "processing", 1],
      ["claim-2", "processing", 1],
      ["claim-3", "processing", 1],
      ["claim-4", "retrying", 0],
      ["claim-5", "done", 0],
      ["claim-6", "processing", 1],
    ]);
    // The lease: due again later, not now.
    for (const r of rows.filter((r) => r.status === "processing")) expect(r.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
    expect([e2, e3].every((e) => second.some((c) => c.id === e.id))).toBe(true);
  });

  it("gives two workers claiming at once different events", async () => {
    usePrepared(prepared);
    const shop = await createTestShop(db());
    const now = new Date();
    await db().webhookEvent.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({ shopDomain: shop.domain, topic: "orders/paid", eventId: `race-${i}`, payload: "{}", nextAttemptAt: new Date(now.getTime() - 1000), receivedAt: new Date(now.getTime() - 1000 + i) })),
    });
    const claims = await Promise.all(Array.from({ length: 4 }, () => claimWebhookEvents(db(), { fill: 15, now })));
    const ids = claims.flatMap((c) => c.map((e) => e.eventId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
  });
});
