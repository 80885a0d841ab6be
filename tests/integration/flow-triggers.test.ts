import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { resetFlowOccasionPacers, sendDueFlowOccasions } from "../../app/jobs/flow-occasions.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { occasionKey } from "../../app/loyalty/notify/occasions";
import { recordOccasion } from "../../app/loyalty/notify/occasions.server";
import { inTransaction } from "../../app/loyalty/tx.server";
import type { AdminGraphql } from "../../app/shopify/graphql";
import { OCCASION_FLOW_TRIGGERS } from "../../app/shopify/occasion-triggers";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, customerGid } from "../factories";
import { expectLoggedError } from "../logged-errors";

// Kanta's Flow triggers from the `flow` channel of occasions: the payload each trigger's
// TOML declares, many per request, per-row outcomes (sent, skipped, dead, retry).

const { db } = useTestDatabase();

beforeEach(() => resetFlowOccasionPacers());

async function setup(options: { deploy?: (keyof typeof OCCASION_FLOW_TRIGGERS)[] } = {}) {
  const shop = await createTestShop(db());
  const emulator = new AdminEmulator(loadAdminSchema());
  emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  for (const kind of options.deploy ?? (Object.keys(OCCASION_FLOW_TRIGGERS) as (keyof typeof OCCASION_FLOW_TRIGGERS)[])) emulator.addFlowTrigger(OCCASION_FLOW_TRIGGERS[kind]);
  const graphqlFor = async (domain: string): Promise<AdminGraphql> => emulator.client(domain);
  const send = (now = new Date()) => sendDueFlowOccasions(db(), { now, graphqlFor });
  return { shop, emulator, graphqlFor, send };
}

let seq = 6000;
async function member(shopId: string, points = 250) {
  const gold = await db().tier.findFirstOrThrow({ where: { shopId, name: "Gold" } });
  return createMember(db(), shopId, { customerGid: customerGid(String(++seq)), tierId: gold.id }, { points });
}

function record(shopId: string, memberId: string, kind: "points_earned" | "reward_redeemed" | "points_expiring" | "referral_completed" | "welcome", data: Record<string, unknown>, key = `${kind}:${Math.random()}`) {
  return inTransaction(db(), (tx) => recordOccasion(tx, { shopId, memberId, kind, key, data: data as never }));
}

describe("Kanta's Flow triggers from occasions", () => {
  it("fires each trigger with the fields its TOML declares: the occasion's data, the balance and tier now", async () => {
    const { shop, emulator, send } = await setup();
    const m = await member(shop.id);
    const id = Number(m.customerGid.split("/").pop());
    await record(shop.id, m.id, "points_earned", { points: 40, orderName: "#1001" }, occasionKey("points_earned", "gid://shopify/Order/1"));
    await record(shop.id, m.id, "reward_redeemed", { rewardName: "€5 off", pointsSpent: 500 });
    await record(shop.id, m.id, "points_expiring", { points: 120, expiresOn: "2027-01-31" });
    await record(shop.id, m.id, "referral_completed", { referralId: "ref-1" });
    // Not a Flow occasion: no flow row at all.
    await record(shop.id, m.id, "welcome", { points: 0 });
    expect(await send()).toEqual({ sent: 4, skipped: 0, retrying: 0, dead: 0 });
    expect(emulator.calls.map((c) => c.operationName)).toEqual(["KantaFlowTriggerBatch"]);
    const runs = emulator.flowRuns(shop.domain).map((r) => [r.handle, r.payload]);
    expect(runs).toEqual([
      ["kanta-points-earned", { customer_id: id, Balance: 250, Tier: "Gold", Points: 40, "Order name": "#1001" }],
      ["kanta-reward-redeemed", { customer_id: id, Balance: 250, Tier: "Gold", Reward: "€5 off", "Points spent": 500 }],
      ["kanta-points-expiring", { customer_id: id, Balance: 250, Tier: "Gold", Points: 120, "Expires on": "2027-01-31" }],
      ["kanta-referral-completed", { customer_id: id, Balance: 250, Tier: "Gold" }],
    ]);
    expect(await db().occasionDelivery.count({ where: { shopId: shop.id, channel: "flow", status: "sent" } })).toBe(4);
    expect(await send()).toEqual({ sent: 0, skipped: 0, retrying: 0, dead: 0 });
    expect(emulator.flowRuns(shop.domain)).toHaveLength(4);
  });

  it("sends 60 occasions in 2 requests (50 triggers each at most)", async () => {
    const { shop, emulator, send } = await setup();
    const m = await member(shop.id);
    for (let i = 0; i < 60; i++) await record(shop.id, m.id, "points_earned", { points: i + 1 });
    expect(await send()).toEqual({ sent: 60, skipped: 0, retrying: 0, dead: 0 });
    expect(emulator.calls.map((c) => Object.keys(c.variables).length / 2)).toEqual([50, 10]);
  });

  it("a trigger Shopify refuses (not deployed) is dead alone; a 5xx retries the request's rows with backoff", async () => {
    expectLoggedError(/flow trigger dead/);
    const { shop, emulator, send } = await setup({ deploy: ["points_earned"] });
    const m = await member(shop.id);
    await record(shop.id, m.id, "points_earned", { points: 5 });
    await record(shop.id, m.id, "reward_redeemed", { rewardName: "Tote", pointsSpent: 300 });
    expect(await send()).toEqual({ sent: 1, skipped: 0, retrying: 0, dead: 1 });
    const dead = await db().occasionDelivery.findFirstOrThrow({ where: { shopId: shop.id, channel: "flow", status: "dead" } });
    expect(dead.lastError).toBe("ShopifyUserError: flowTriggerReceive: handle: Trigger with handle 'kanta-reward-redeemed' not found");

    await record(shop.id, m.id, "points_earned", { points: 6 });
    emulator.failNext("KantaFlowTriggerBatch", "Internal error");
    const now = new Date(Date.now() + 1000);
    expect(await send(now)).toEqual({ sent: 0, skipped: 0, retrying: 1, dead: 0 });
    const row = await db().occasionDelivery.findFirstOrThrow({ where: { shopId: shop.id, channel: "flow", status: "pending" } });
    expect(row).toMatchObject({ attempts: 1, lastError: "ShopifyHttpError: HTTP 500: Internal error", nextAttemptAt: new Date(now.getTime() + 1000) });
    expect(await send(new Date(now.getTime() + 1000))).toEqual({ sent: 1, skipped: 0, retrying: 0, dead: 0 });
  });

  it("skips erased members (no customer to name) without a call", async () => {
    const { shop, emulator, send } = await setup();
    const m = await member(shop.id);
    await record(shop.id, m.id, "points_earned", { points: 5 });
    await db().member.update({ where: { id: m.id }, data: { status: "redacted" } });
    expect(await send()).toEqual({ sent: 0, skipped: 1, retrying: 0, dead: 0 });
    expect(emulator.calls).toHaveLength(0);
  });

  it("each trigger's extension TOML declares the fields Kanta sends", () => {
    for (const trigger of Object.values(OCCASION_FLOW_TRIGGERS)) {
      const toml = readFileSync(path.join(import.meta.dirname, "..", "..", "extensions", trigger.folder, "shopify.extension.toml"), "utf8");
      expect(toml).toMatch(/^type = "flow_trigger"$/m);
      expect(/^handle = "([^"]+)"$/m.exec(toml)?.[1]).toBe(trigger.handle);
      expect(trigger.handle.length).toBeLessThanOrEqual(30);
      const fields = toml
        .split("[[settings.fields]]")
        .slice(1)
        .map((block) => ({ type: /type = "([^"]+)"/.exec(block)?.[1], key: /key = "([^"]+)"/.exec(block)?.[1] }))
        .map((f) => (f.key ? f : { type: f.type }));
      expect(fields).toEqual(trigger.fields);
    }
  });
});
