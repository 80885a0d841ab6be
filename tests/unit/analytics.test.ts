import { describe, expect, it } from "vitest";
import { comparisonRange, eachDay, localDay, resolveRange, splitRange } from "../../app/loyalty/analytics/days";
import { addToSketch, emptySketch, estimateDistinct, mergeSketch, sketchFromText, sketchToText } from "../../app/loyalty/analytics/sketch";

describe("distinct-count sketches", () => {
  it("estimate within the stated error (a unit or two for a few dozen), and merge as a union", () => {
    for (const n of [0, 1, 10, 50, 200, 2_000, 50_000, 200_000]) {
      const s = emptySketch();
      for (let i = 0; i < n; i++) addToSketch(s, `gid://shopify/Customer/${7_000_000 + i}`);
      const estimate = estimateDistinct(s);
      if (n <= 50) expect(Math.abs(estimate - n)).toBeLessThanOrEqual(2);
      else expect(Math.abs(estimate - n) / n).toBeLessThan(0.1); // 3 standard errors
    }
    // Two overlapping days: the union counts the shared customers once.
    const a = emptySketch();
    const b = emptySketch();
    for (let i = 0; i < 1000; i++) addToSketch(a, `c${i}`);
    for (let i = 500; i < 1500; i++) addToSketch(b, `c${i}`);
    mergeSketch(a, b);
    expect(Math.abs(estimateDistinct(a) - 1500)).toBeLessThan(75);
    expect(addToSketch(a, "c3")).toBe(false); // already there: nothing to write
    expect(sketchFromText(sketchToText(a))).toEqual(a);
  });
});

describe("ranges", () => {
  it("presets, custom dates and comparisons", () => {
    expect(resolveRange("30d", "2026-03-31").range).toEqual({ from: "2026-03-02", to: "2026-03-31" });
    expect(resolveRange("year", "2026-03-31").range).toEqual({ from: "2026-01-01", to: "2026-03-31" });
    expect(resolveRange("custom", "2026-03-31", { from: "2026-02-10", to: "2026-01-05" }).range).toEqual({ from: "2026-01-05", to: "2026-02-10" });
    expect(resolveRange("custom", "2026-03-31", { from: "nonsense", to: "2026-01-05" }).preset).toBe("30d");
    expect(comparisonRange({ from: "2026-03-02", to: "2026-03-31" }, "previous")).toEqual({ from: "2026-01-31", to: "2026-03-01" });
    expect(comparisonRange({ from: "2024-02-01", to: "2024-02-29" }, "last_year")).toEqual({ from: "2023-02-01", to: "2023-02-28" });
    expect(comparisonRange({ from: "2024-02-01", to: "2024-02-29" }, "none")).toBeNull();
  });

  it("split a range into whole months and ragged ends that cover every day once", () => {
    for (const range of [
      { from: "2025-01-15", to: "2026-03-10" },
      { from: "2025-02-01", to: "2025-02-28" },
      { from: "2025-02-20", to: "2025-03-10" },
      { from: "2025-03-01", to: "2025-03-01" },
      { from: "2024-12-31", to: "2026-12-04" },
    ]) {
      const { months, edges } = splitRange(range);
      const covered = [...months.flatMap((m) => eachDay(`${m}-01`, new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10))), ...edges.flatMap((e) => eachDay(e.from, e.to))].sort();
      expect(covered).toEqual(eachDay(range.from, range.to));
    }
    expect(splitRange({ from: "2025-01-15", to: "2026-03-10" }).months).toHaveLength(13);
  });

  it("days are the shop's calendar days", () => {
    expect(localDay(new Date("2026-06-30T21:30:00Z"), "Europe/Helsinki")).toBe("2026-07-01");
    expect(localDay(new Date("2026-07-01T03:30:00Z"), "America/New_York")).toBe("2026-06-30");
  });
});
