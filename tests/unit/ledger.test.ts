import { describe, expect, it } from "vitest";
import { LedgerError, computeBalance, computeExpiredPoints, isInactiveSince, requireValidEntry, sameEntry, type LedgerRow } from "../../app/loyalty/ledger/entries";

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const row = (day: number, delta: number, over: Partial<LedgerRow> = {}): LedgerRow => ({
  delta,
  pendingDelta: 0,
  kind: delta >= 0 ? "order_earned" : "redeemed",
  createdAt: at(day),
  expiresAt: null,
  ...over,
});

describe("ledger rules", () => {
  it("balances are the sums of both buckets; spending is not lifetime earning", () => {
    const balance = computeBalance([
      { delta: 0, pendingDelta: 120, kind: "order_earned" },
      { delta: 120, pendingDelta: -120, kind: "pending_released" },
      { delta: 100, pendingDelta: 0, kind: "signup_bonus" },
      { delta: -50, pendingDelta: 0, kind: "redeemed" },
      { delta: -20, pendingDelta: 0, kind: "order_reversed" },
    ]);
    expect(balance).toEqual({ points: 150, pendingPoints: 0, lifetimePoints: 200 });
  });

  it("refuses entries that move nothing or have no key", () => {
    const base = { shopId: "s", memberId: "m", delta: 10, kind: "manual_adjustment" as const, idempotencyKey: "k" };
    expect(() => requireValidEntry(base)).not.toThrow();
    expect(() => requireValidEntry({ ...base, delta: 0 })).toThrow(LedgerError);
    expect(() => requireValidEntry({ ...base, idempotencyKey: "" })).toThrow(LedgerError);
    expect(() => requireValidEntry({ ...base, delta: 1.5 })).toThrow(LedgerError);
    expect(sameEntry(base, { ...base })).toBe(true);
    expect(sameEntry(base, { ...base, delta: 11 })).toBe(false);
  });

  it("spends the soonest-expiring points first", () => {
    const rows = [
      row(1, 100, { expiresAt: at(100) }),
      row(2, 100, { expiresAt: at(50) }),
      row(3, -100), // spends the lot expiring on day 50
    ];
    expect(computeExpiredPoints(rows, at(60))).toBe(0);
    expect(computeExpiredPoints(rows, at(101))).toBe(100);
  });

  it("does not expire what was already written off, nor points that never expire", () => {
    const rows = [row(1, 100, { expiresAt: at(10) }), row(2, 50), row(11, -100, { kind: "expired" })];
    expect(computeExpiredPoints(rows, at(20))).toBe(0);
    expect(computeExpiredPoints([row(1, 100)], at(900))).toBe(0);
  });

  it("inactivity expiry counts whole months", () => {
    expect(isInactiveSince(new Date("2026-01-15T00:00:00Z"), 12, new Date("2027-01-14T23:59:59Z"))).toBe(false);
    expect(isInactiveSince(new Date("2026-01-15T00:00:00Z"), 12, new Date("2027-01-15T00:00:00Z"))).toBe(true);
  });
});
