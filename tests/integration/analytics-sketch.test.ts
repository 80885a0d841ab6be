import { describe, expect, it } from "vitest";
import { addToStoredSketch } from "../../app/loyalty/analytics/facts.server";
import { addToSketch, emptySketch, sketchToText } from "../../app/loyalty/analytics/sketch";
import { createTestShop, useTestDatabase } from "../db";

// The stored customer sketches (distinct customers per day and month) are read, merged and
// written back by every order's transaction: one statement creates or locks the row and reads
// it, so writers at the same time lose nothing (PostgreSQL: the upsert's row lock; SQLite:
// one writer).

const { db } = useTestDatabase();

describe("stored customer sketches", () => {
  it("keeps every customer when 24 transactions add to the same sketch at once", async () => {
    const shop = await createTestShop(db());
    const key = { shopId: shop.id, kind: "day" as const, period: "2026-12-05", segment: "all" };
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        db().$transaction((tx) => addToStoredSketch(tx, key, [`gid://shopify/Customer/${i}`], i % 3 === 0 ? [`gid://shopify/Customer/${i}`] : []), { maxWait: 30_000, timeout: 30_000 }),
      ),
    );
    // The oracle: the same values added one by one in memory.
    const sketchOf = (values: string[]) => {
      const sketch = emptySketch();
      for (const v of values) addToSketch(sketch, v);
      return sketchToText(sketch);
    };
    const all = Array.from({ length: 24 }, (_, i) => `gid://shopify/Customer/${i}`);
    const rows = await db().analyticsSketch.findMany({ where: { shopId: shop.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.customers).toBe(sketchOf(all));
    expect(rows[0]!.repeatCustomers).toBe(sketchOf(all.filter((_, i) => i % 3 === 0)));
    // Adding a customer already counted changes nothing.
    await db().$transaction((tx) => addToStoredSketch(tx, key, ["gid://shopify/Customer/3"]));
    expect((await db().analyticsSketch.findFirstOrThrow({ where: { shopId: shop.id } })).customers).toBe(sketchOf(all));
  }, 60_000);
});
