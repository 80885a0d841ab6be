import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../../app/jobs/queue.server";
import { verifyLedger } from "../../../app/loyalty/ledger/append.server";
import { reconcileShop } from "../../../app/loyalty/reconcile/reconcile.server";
import { invalidateShopConfig } from "../../../app/loyalty/program/shop-config.server";
import { LOCAL_SHOP } from "../../../app/shopify/admin.server";
import { signProxyQuery } from "../../../app/shopify/signing";
import { getEmulator } from "../../../app/local/emulator.server";
import { action as ruleAction } from "../../../app/routes/app.earn.$id";
import { action as rewardAction } from "../../../app/routes/app.rewards.$id";
import { action as tiersAction, loader as tiersLoader } from "../../../app/routes/app.tiers";
import { useLocalAdminShop, useTestDatabase } from "../../db";
import { orderPayload } from "../../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useTestServer } from "../../http";

// The seed program "LIVELY" (issue #17), configured through the admin actions a merchant
// uses and played through signed webhooks and the storefront's proxy: follow on TikTok for
// 10 points; 1 point per 1 € spent; 100 points = 10 € off; tiers by yearly spend: Insider
// (where every buyer starts: Kanta's first tier is from the first euro), Inner circle
// (125 €), VIP (325 €).

const { db } = useTestDatabase();
const { server } = useTestServer();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

function form(fields: Record<string, string>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return body;
}

async function configureLively() {
  const purchase = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "purchase" } });
  expect(await ruleAction({ request: new Request(`http://localhost/app/earn/${purchase.id}`, { method: "POST", body: form({ intent: "save", points: "1", spend: "1.00", mode: "rate" }) }), params: { id: purchase.id }, context: {} })).toMatchObject({ ok: true });
  // LIVELY has no sign-up bonus: the welcome rule is switched off.
  const signup = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "signup" } });
  expect(await ruleAction({ request: new Request(`http://localhost/app/earn/${signup.id}`, { method: "POST", body: form({ intent: "save", points: "100", enabled: "false" }) }), params: { id: signup.id }, context: {} })).toMatchObject({ ok: true });
  const follow = await ruleAction({
    request: new Request("http://localhost/app/earn/new", { method: "POST", body: form({ intent: "save", type: "social_follow", network: "tiktok", url: "https://www.tiktok.com/@lively", points: "10", limit: "once" }) }),
    params: { id: "new" },
    context: {},
  });
  expect(follow).toMatchObject({ ok: true });
  const reward = await rewardAction({
    request: new Request("http://localhost/app/rewards/new", { method: "POST", body: form({ type: "amount_off", name: "10 € off", pointsCost: "100", value: "10,00", enabled: "true" }) }),
    params: { id: "new" },
    context: {},
  });
  expect(reward).toMatchObject({ ok: true });
  const editor = await tiersLoader({ request: new Request("http://localhost/app/tiers"), params: {}, context: {} });
  const ladder = editor.editor!.tiers;
  const tiers = [
    { ...ladder[0]!, name: "Insider", threshold: "0.00", multiplier: "1" },
    { ...ladder[1]!, name: "Inner circle", threshold: "125.00", multiplier: "1" },
    { ...ladder[2]!, name: "VIP", threshold: "325.00", multiplier: "1" },
  ].map(({ members: _m, ...t }) => t);
  const settings = { basis: "spend", period: "calendar_year", keepNextPeriod: true, tiers };
  const saved = await tiersAction({ request: new Request("http://localhost/app/tiers", { method: "POST", body: form({ intent: "save", settings: JSON.stringify(settings) }) }), params: {}, context: {} });
  expect(saved).toMatchObject({ ok: true });
  invalidateShopConfig();
  return { followRuleId: (follow as { id: string }).id, rewardId: (reward as { id: string }).id };
}

async function paid(id: string, customerId: string, price: string, at: string) {
  expect((await sendWebhook(server().url, "orders/paid", LOCAL_SHOP, orderPayload({ id, customerId, lines: [{ price }], updatedAt: at, processedAt: at }))).status).toBe(200);
  await getJobRunner().idle();
}

function proxy(path: string, customerId: string, body: unknown) {
  const query = signProxyQuery({ shop: LOCAL_SHOP, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, TEST_SECRET);
  return fetch(`${server().url}${path}?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

const member = (customerId: string) => db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } }, include: { tier: true } });

describe("LIVELY", () => {
  it("keeps its promises: 1 point per euro, 10 for the TikTok follow, 100 points for 10 € off, tiers by yearly spend", async () => {
    const { followRuleId, rewardId } = await configureLively();
    const emulator = await getEmulator();
    const customerId = "8840000000001";
    emulator.addCustomer(LOCAL_SHOP, { id: `gid://shopify/Customer/${customerId}`, email: "lively@example.com", phone: null, numberOfOrders: 0, addresses: [] });

    // A first order of 60.00: 60 points, in Insider.
    await paid("5520000000001", customerId, "60.00", "2026-12-01T10:00:00Z");
    expect(await member(customerId)).toMatchObject({ points: 60 });
    expect((await member(customerId)).tier?.name).toBe("Insider");

    // The TikTok follow: 10 points, once.
    expect((await proxy("/proxy/actions/social_follow", customerId, { ruleId: followRuleId })).status).toBe(200);
    await proxy("/proxy/actions/social_follow", customerId, { ruleId: followRuleId });
    expect((await member(customerId)).points).toBe(70);

    // 70.00 more: 130 € this year, Inner circle; 140 points.
    await paid("5520000000002", customerId, "70.00", "2026-12-02T10:00:00Z");
    expect(await member(customerId)).toMatchObject({ points: 140 });
    expect((await member(customerId)).tier?.name).toBe("Inner circle");

    // 100 points = a 10 € code.
    const redeemed = await proxy("/proxy/redeem", customerId, { rewardId, requestId: randomUUID() });
    expect(redeemed.status).toBe(200);
    expect((await member(customerId)).points).toBe(40);
    const code = emulator.discounts(LOCAL_SHOP).at(-1)!;
    expect(code.input).toMatchObject({ customerGets: { value: { discountAmount: { amount: "10.00" } } } });

    // 200.00 more: 330 € this year, VIP.
    await paid("5520000000003", customerId, "200.00", "2026-12-03T10:00:00Z");
    expect((await member(customerId)).tier?.name).toBe("VIP");
    expect((await member(customerId)).points).toBe(240);

    expect((await reconcileShop(db(), shopId)).differenceCount).toBe(0);
    expect(await verifyLedger(db(), shopId)).toEqual([]);
  });
});
