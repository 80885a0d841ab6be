import { describe, expect, it } from "vitest";
import { audienceWhere, matchesAudience, readAudience, surpriseAudience } from "../../app/loyalty/surprise/audience";
import { drawWinners } from "../../app/loyalty/surprise/draw";
import { describePrize, surpriseForm } from "../../app/loyalty/surprise/surprise";

const NOW = new Date("2026-12-04T12:00:00Z");
const DAY = 86_400_000;
const audience = (v: Record<string, unknown>) => surpriseAudience.parse(v);
const member = (v: Partial<Parameters<typeof matchesAudience>[1]> = {}) => ({ status: "active", tierId: null, lastOrderAt: null, ...v });

describe("the audience filter", () => {
  it("an empty audience is every active member", () => {
    expect(matchesAudience(audience({}), member(), NOW)).toBe(true);
    expect(matchesAudience(audience({}), member({ status: "excluded" }), NOW)).toBe(false);
    expect(matchesAudience(audience({}), member({ status: "redacted" }), NOW)).toBe(false);
  });

  it("tiers: any of them; a member without a tier is out", () => {
    const a = audience({ tierIds: ["gold", "silver"] });
    expect(matchesAudience(a, member({ tierId: "gold" }), NOW)).toBe(true);
    expect(matchesAudience(a, member({ tierId: "bronze" }), NOW)).toBe(false);
    expect(matchesAudience(a, member({ tierId: null }), NOW)).toBe(false);
  });

  it("ordered within N days: the boundary counts, never-ordered is out", () => {
    const a = audience({ orderedWithinDays: 30 });
    expect(matchesAudience(a, member({ lastOrderAt: new Date(NOW.getTime() - 30 * DAY) }), NOW)).toBe(true);
    expect(matchesAudience(a, member({ lastOrderAt: new Date(NOW.getTime() - 30 * DAY - 1) }), NOW)).toBe(false);
    expect(matchesAudience(a, member({ lastOrderAt: null }), NOW)).toBe(false);
  });

  it("every filter given must match", () => {
    const a = audience({ tierIds: ["gold"], orderedWithinDays: 7 });
    expect(matchesAudience(a, member({ tierId: "gold", lastOrderAt: new Date(NOW.getTime() - DAY) }), NOW)).toBe(true);
    expect(matchesAudience(a, member({ tierId: "gold", lastOrderAt: new Date(NOW.getTime() - 8 * DAY) }), NOW)).toBe(false);
    expect(matchesAudience(a, member({ tierId: "silver", lastOrderAt: new Date(NOW.getTime() - DAY) }), NOW)).toBe(false);
  });

  it("what they bought: any product type (case-insensitive) or collection", () => {
    const a = audience({ productTypes: ["Coffee"], collectionIds: ["gid://shopify/Collection/1"] });
    const bought = (types: string[], cols: string[]) => member({ productTypes: new Set(types), collectionIds: new Set(cols) });
    expect(matchesAudience(a, bought(["coffee"], ["gid://shopify/Collection/1"]), NOW)).toBe(true);
    expect(matchesAudience(a, bought(["tea"], ["gid://shopify/Collection/1"]), NOW)).toBe(false);
    expect(matchesAudience(a, bought(["coffee"], []), NOW)).toBe(false);
  });

  it("the database filter says the same as the rule", () => {
    expect(audienceWhere("shop", audience({}), NOW)).toEqual({ shopId: "shop", status: "active" });
    expect(audienceWhere("shop", audience({ tierIds: ["g"], orderedWithinDays: 10 }), NOW)).toEqual({ shopId: "shop", status: "active", tierId: { in: ["g"] }, lastOrderAt: { gte: new Date(NOW.getTime() - 10 * DAY) } });
  });

  it("a stored audience that no longer parses reads as empty, not as an error", () => {
    expect(readAudience("not json")).toEqual({ tierIds: [], orderedWithinDays: null, productTypes: [], collectionIds: [] });
  });
});

describe("the draw", () => {
  const ids = Array.from({ length: 50 }, (_, i) => `m${i}`);

  it("N distinct winners from the eligible, with crypto randomness by default", () => {
    for (let run = 0; run < 20; run++) {
      const winners = drawWinners(ids, 7);
      expect(winners).toHaveLength(7);
      expect(new Set(winners).size).toBe(7);
      expect(winners.every((w) => ids.includes(w))).toBe(true);
    }
  });

  it("everyone when N is null or at least the pool; nobody twice even if the pool repeats an id", () => {
    expect(drawWinners(ids, null)).toEqual(ids);
    expect(new Set(drawWinners(ids, 500)).size).toBe(50);
    expect(drawWinners(["a", "a", "b"], 5).sort()).toEqual(["a", "b"]);
    expect(drawWinners([], 3)).toEqual([]);
    expect(() => drawWinners(ids, -1)).toThrow(RangeError);
  });

  it("uses the random source as a Fisher–Yates swap (position i takes i + r)", () => {
    const picks: number[] = [];
    const random = (max: number) => (picks.push(max), max - 1);
    // i=0 swaps with 3: d b c a; i=1 swaps with 1+2=3: d a c b.
    expect(drawWinners(["a", "b", "c", "d"], 2, random)).toEqual(["d", "a"]);
    expect(picks).toEqual([4, 3]);
  });

  it("is fair: each member wins about equally often", () => {
    const pool = ["a", "b", "c", "d", "e"];
    const wins = new Map(pool.map((p) => [p, 0]));
    const runs = 20_000;
    for (let i = 0; i < runs; i++) for (const w of drawWinners(pool, 2)) wins.set(w, wins.get(w)! + 1);
    // Expected 8000 each (2/5 of the runs); 5 % tolerance is far beyond chance (σ ≈ 69).
    for (const n of wins.values()) expect(Math.abs(n - 8000)).toBeLessThan(400);
  });
});

describe("the surprise form", () => {
  const base = { name: "Coffee", prizeType: "points", prizePoints: "100", mode: "all", tierIds: "", orderedWithinDays: "", productTypes: "", collectionIds: "" };
  it("reads the admin's form", () => {
    expect(surpriseForm.parse({ ...base, mode: "draw", winners: "3", tierIds: "t1,t2", orderedWithinDays: "30" })).toMatchObject({ prizePoints: 100, winners: 3, tierIds: ["t1", "t2"], orderedWithinDays: 30 });
  });
  it("asks for what the choices need", () => {
    const issues = (v: Record<string, unknown>) => surpriseForm.safeParse({ ...base, ...v }).error?.issues.map((i) => i.path[0]);
    expect(issues({ prizePoints: "" })).toEqual(["prizePoints"]);
    expect(issues({ prizeType: "reward", prizePoints: "" })).toEqual(["rewardId"]);
    expect(issues({ mode: "draw" })).toEqual(["winners"]);
    expect(issues({ prizePoints: "1.5" })).toEqual(["prizePoints"]);
  });
  it("describes the prize", () => {
    expect(describePrize({ prizeType: "points", prizePoints: 250 })).toBe("250 points");
    expect(describePrize({ prizeType: "reward", prizePoints: null, rewardName: "5 € off" })).toBe("Reward: 5 € off");
  });
});
