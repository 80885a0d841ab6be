import { describe, expect, it } from "vitest";
import { inTransaction } from "../../app/loyalty/tx.server";
import { occasionKey } from "../../app/loyalty/notify/occasions";
import { recordOccasion } from "../../app/loyalty/notify/occasions.server";
import { createTestShop, useTestDatabase } from "../db";

// The occasion core (app/loyalty/notify): one occasion per (shop, key) with a delivery row
// per channel that is on, in the caller's transaction; replays record nothing twice.

const { db } = useTestDatabase();

async function setup() {
  const shop = await createTestShop(db());
  const member = await db().member.create({ data: { shopId: shop.id, customerGid: `gid://shopify/Customer/${Math.floor(Math.random() * 1e9)}`, email: "m@example.com" } });
  return { shop, member };
}

describe("recordOccasion", () => {
  it("records an occasion with a pending email delivery, once per key even when replayed", async () => {
    const { shop, member } = await setup();
    const key = occasionKey("points_earned", "gid://shopify/Order/1");
    const first = await inTransaction(db(), (tx) => recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "points_earned", key, data: { points: 120, orderName: "#1001" } }));
    expect(first).toMatchObject({ recorded: true, channels: ["email"] });
    const replays = await Promise.all(
      [1, 2, 3].map(() => inTransaction(db(), (tx) => recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "points_earned", key, data: { points: 999 } }))),
    );
    expect(replays.map((r) => r.recorded)).toEqual([false, false, false]);
    expect(replays.map((r) => r.id)).toEqual([first.id, first.id, first.id]);
    const occasions = await db().occasion.findMany({ where: { shopId: shop.id }, include: { deliveries: true } });
    expect(occasions).toHaveLength(1);
    expect(JSON.parse(occasions[0]!.data)).toEqual({ points: 120, orderName: "#1001" });
    expect(occasions[0]!.deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([["email", "pending", 0]]);
  });

  it("a replay inside a larger transaction leaves that transaction usable (no unique violation)", async () => {
    const { shop, member } = await setup();
    const key = occasionKey("welcome", member.id);
    await inTransaction(db(), (tx) => recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "welcome", key, data: {} }));
    await inTransaction(db(), async (tx) => {
      await recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "welcome", key, data: {} });
      await tx.member.update({ where: { id: member.id }, data: { firstName: "After" } });
    });
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).firstName).toBe("After");
    expect(await db().occasion.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("rolls back with the caller's transaction", async () => {
    const { shop, member } = await setup();
    await expect(
      inTransaction(db(), async (tx) => {
        await recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "welcome", key: occasionKey("welcome", member.id), data: {} });
        throw new Error("the order failed");
      }),
    ).rejects.toThrow("the order failed");
    expect(await db().occasion.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db().occasionDelivery.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("records a friend's welcome code without a member, by email; the same key in another shop is another occasion", async () => {
    const { shop } = await setup();
    const other = await setup();
    const input = { memberId: null, kind: "friend_welcome_code" as const, key: occasionKey("friend_welcome_code", "ref-1"), data: { code: "FRIEND-AB12" }, email: "friend@example.com" };
    const a = await inTransaction(db(), (tx) => recordOccasion(tx, { ...input, shopId: shop.id }));
    const b = await inTransaction(db(), (tx) => recordOccasion(tx, { ...input, shopId: other.shop.id }));
    expect([a.recorded, b.recorded]).toEqual([true, true]);
    const row = await db().occasion.findUniqueOrThrow({ where: { id: a.id } });
    expect(row).toMatchObject({ memberId: null, email: "friend@example.com", kind: "friend_welcome_code" });
  });

  it("refuses bad data and writes nothing", async () => {
    const { shop, member } = await setup();
    const bad = [
      { kind: "points_earned", data: { points: -5 } },
      { kind: "points_expiring", data: { points: 10, expiresOn: "next week" } },
      { kind: "no_such_kind", data: {} },
    ] as const;
    for (const { kind, data } of bad) {
      await expect(
        inTransaction(db(), (tx) => recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: kind as "points_earned", key: `${kind}:x`, data: data as never })),
      ).rejects.toThrow(/points|expiresOn|unknown occasion kind/);
    }
    await expect(inTransaction(db(), (tx) => recordOccasion(tx, { shopId: shop.id, memberId: null, kind: "welcome", key: "welcome:nobody", data: {} }))).rejects.toThrow(/email address/);
    expect(await db().occasion.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("reward_redeemed and referral_completed are not emails: no email delivery", async () => {
    const { shop, member } = await setup();
    const r = await inTransaction(db(), (tx) => recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "reward_redeemed", key: "reward_redeemed:r1", data: { rewardName: "€5 off", pointsSpent: 500 } }));
    expect(r).toMatchObject({ recorded: true, channels: [] });
    expect(await db().occasionDelivery.count({ where: { occasionId: r.id } })).toBe(0);
  });
});
