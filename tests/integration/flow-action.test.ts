import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { action } from "../../app/routes/flow.award-points";
import { FLOW_AWARD_MAX_POINTS } from "../../app/loyalty/members/flow-award.server";
import { signFlowBody } from "../../app/shopify/flow-action.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, customerGid, nextCustomerId } from "../factories";

// The Shopify Flow action "Award points": only Shopify's signed requests are honoured, a
// retried run awards once (the ledger key is Flow's action_run_id), bad input gets a 4xx
// that says why and changes nothing.

const { db } = useTestDatabase();
const SECRET = "kanta-test-secret"; // tests/setup.ts

function flowRequest(body: unknown, options: { secret?: string | null; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.secret !== null) headers["X-Shopify-Hmac-SHA256"] = signFlowBody(raw, options.secret ?? SECRET);
  return new Request("https://kanta.example/flow/award-points", { method: "POST", headers, body: raw });
}

async function call(body: unknown, options: { secret?: string | null; raw?: string } = {}) {
  const response = await action({ request: flowRequest(body, options), params: {}, context: {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function payload(domain: string, properties: Record<string, unknown>, runId = `run-${Math.random().toString(36).slice(2)}`) {
  return { shop_id: 1, shopify_domain: domain, action_run_id: runId, action_definition_id: "kanta-award-points", handle: "kanta-award-points", properties };
}

async function ledgerOf(shopId: string) {
  return db().ledgerEntry.findMany({ where: { shopId, idempotencyKey: { startsWith: "flow:" } }, select: { delta: true, kind: true, note: true, actor: true, idempotencyKey: true } });
}

describe("the Flow action Award points", () => {
  it("awards once per action run, however often Flow retries it", async () => {
    const shop = await createTestShop(db());
    const member = await createMember(db(), shop.id, { customerGid: customerGid("8100") }, { points: 40 });
    const body = payload(shop.domain, { customer_id: 8100, points: 25, reason: "Wrote a review" }, "run-1");
    expect(await call(body)).toEqual({ status: 200, body: { ok: true, replayed: false } });
    expect(await call(body)).toEqual({ status: 200, body: { ok: true, replayed: true } });
    await Promise.all([call(body), call(body)]);
    expect(await ledgerOf(shop.id)).toEqual([{ delta: 25, kind: "action_bonus", note: "Wrote a review", actor: "flow", idempotencyKey: "flow:run-1" }]);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(65);
    // The balance metafield follows (the sync's dirty mark).
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).pointsDirty).toBe(true);
    // Another run is another award.
    expect((await call(payload(shop.domain, { customer_id: "gid://shopify/Customer/8100", points: "5" }, "run-2"))).status).toBe(200);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(70);
  });

  it("reads a customer id beyond 2^53 exactly", async () => {
    const shop = await createTestShop(db());
    const raw = JSON.stringify(payload(shop.domain, { customer_id: 0, points: 7 })).replace('"customer_id":0', '"customer_id":820982911946154508');
    expect((await call(null, { raw })).status).toBe(200);
    expect(await db().member.count({ where: { shopId: shop.id, customerGid: "gid://shopify/Customer/820982911946154508" } })).toBe(1);
  });

  it("enrols a customer who is not a member yet", async () => {
    const shop = await createTestShop(db());
    const id = nextCustomerId();
    expect((await call(payload(shop.domain, { customer_id: `gid://shopify/Customer/${id}`, points: 10 }))).status).toBe(200);
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: customerGid(id) } });
    expect(member.points).toBeGreaterThanOrEqual(10);
  });

  it("refuses a forged or unsigned request with 401, and changes nothing", async () => {
    const shop = await createTestShop(db());
    await createMember(db(), shop.id, { customerGid: customerGid("8200") });
    const body = payload(shop.domain, { customer_id: 8200, points: 25 });
    expect(await call(body, { secret: "not-the-secret" })).toEqual({ status: 401, body: { error: "unauthorized", message: "The request is not signed by Shopify" } });
    expect((await call(body, { secret: null })).status).toBe(401);
    // A signature of another body.
    const response = await action({
      request: new Request("https://kanta.example/flow/award-points", { method: "POST", headers: { "X-Shopify-Hmac-SHA256": signFlowBody("{}", SECRET) }, body: JSON.stringify(body) }),
      params: {},
      context: {},
    });
    expect(response.status).toBe(401);
    expect(await ledgerOf(shop.id)).toEqual([]);
  });

  it("answers bad input with 400 and the reason; unknown shops 404; a paused program 422; nothing changes", async () => {
    const shop = await createTestShop(db());
    await createMember(db(), shop.id, { customerGid: customerGid("8300") });
    const bad = async (properties: Record<string, unknown>, message: string) => {
      const result = await call(payload(shop.domain, properties));
      expect(result).toEqual({ status: 400, body: { error: "invalid", message } });
    };
    await bad({ customer_id: 8300, points: 0 }, "points: at least 1");
    await bad({ customer_id: 8300, points: -5 }, "points: at least 1");
    await bad({ customer_id: 8300, points: 2.5 }, "points: a whole number");
    await bad({ customer_id: 8300, points: FLOW_AWARD_MAX_POINTS + 1 }, "points: at most 10,000");
    await bad({ customer_id: 8300, points: "lots" }, "points: a whole number");
    await bad({ points: 5 }, "customer_id: a customer's id");
    await bad({ customer_id: "gid://shopify/Order/1", points: 5 }, "customer_id: a customer's id");
    expect(await call({ ...payload(shop.domain, { customer_id: 8300, points: 5 }), action_run_id: "" })).toEqual({ status: 400, body: { error: "invalid", message: "action_run_id: missing" } });
    expect((await call(null, { raw: "{not json" })).status).toBe(400);
    expect((await call(payload("nobody.myshopify.com", { customer_id: 8300, points: 5 }))).status).toBe(404);
    await db().program.update({ where: { shopId: shop.id }, data: { status: "paused" } });
    const { invalidateShopConfig } = await import("../../app/loyalty/program/shop-config.server");
    invalidateShopConfig(shop.domain);
    expect(await call(payload(shop.domain, { customer_id: 8300, points: 5 }))).toEqual({ status: 422, body: { error: "program_inactive", message: "The loyalty program is not live: no points were awarded" } });
    expect(await ledgerOf(shop.id)).toEqual([]);
  });

  it("a run id replayed with another amount is a conflict (409), not a second award", async () => {
    const shop = await createTestShop(db());
    await createMember(db(), shop.id, { customerGid: customerGid("8400") });
    expect((await call(payload(shop.domain, { customer_id: 8400, points: 10 }, "run-x"))).status).toBe(200);
    expect((await call(payload(shop.domain, { customer_id: 8400, points: 99 }, "run-x"))).status).toBe(409);
    expect((await ledgerOf(shop.id)).map((e) => e.delta)).toEqual([10]);
  });

  it("the extension declares the fields the route reads", () => {
    const toml = readFileSync(path.join(import.meta.dirname, "..", "..", "extensions", "kanta-award-points-flow", "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(/^type = "flow_action"$/m);
    expect(toml).toMatch(/^runtime_url = "https:\/\/example\.com\/flow\/award-points"$/m);
    const fields = toml.split("[[settings.fields]]").slice(1).map((b) => [/type = "([^"]+)"/.exec(b)?.[1], /key = "([^"]+)"/.exec(b)?.[1] ?? null]);
    expect(fields).toEqual([["customer_reference", null], ["number_integer", "points"], ["single_line_text_field", "reason"]]);
  });
});
