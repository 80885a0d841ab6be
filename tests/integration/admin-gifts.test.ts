import { describe, expect, it } from "vitest";
import { invalidateShopConfig, requireShopConfig } from "../../app/loyalty/program/shop-config.server";
import { parseTierPerks } from "../../app/loyalty/tiers/rules";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { action as ruleAction, loader as ruleLoader } from "../../app/routes/app.earn.$id";
import { action as tiersAction, loader as tiersLoader } from "../../app/routes/app.tiers";
import { createTestShop, useLocalAdminShop, useTestDatabase } from "../db";
import { createReward } from "../factories";

// The merchant sets gifts in the admin alone (docs/decisions/0031-gifts.md): a way to earn
// (sign-up, milestone, birthday) gives points, a product gift or both; a tier gives a gift on
// reaching it and on the birthday. Route actions called directly, in local mode.

const { db } = useTestDatabase();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

function saveRule(id: string, fields: Record<string, string>) {
  const body = new FormData();
  for (const [k, v] of Object.entries({ intent: "save", ...fields })) body.set(k, v);
  return ruleAction({ request: new Request(`http://localhost/app/earn/${id}`, { method: "POST", body }), params: { id }, context: {} });
}

describe("gifts in the admin", () => {
  it("a milestone and the sign-up rule give a product, with or without points; only the shop's free-product rewards", async () => {
    const sample = await createReward(db(), shopId, "free_product", { name: "Sample" });
    const amountOff = await createReward(db(), shopId, "amount_off");
    const other = await createTestShop(db());
    const foreign = await createReward(db(), other.id, "free_product");

    const loaded = await ruleLoader({ request: new Request("http://localhost/app/earn/new?type=nth_order"), params: { id: "new" }, context: {} });
    expect(loaded.gifts).toEqual([{ id: sample.id, label: "Sample (Linen tote bag – Natural)" }]);

    expect(await saveRule("new", { type: "nth_order", every: "4", points: "0", giftRewardId: "", limit: "unlimited" })).toMatchObject({ ok: false, errors: { points: "Give points, a gift or both" } });
    for (const wrong of [amountOff.id, foreign.id]) {
      expect(await saveRule("new", { type: "nth_order", every: "4", points: "0", giftRewardId: wrong, limit: "unlimited" })).toMatchObject({ ok: false, errors: { giftRewardId: "Choose one of your free-product rewards" } });
    }
    const saved = await saveRule("new", { type: "nth_order", every: "4", points: "0", giftRewardId: sample.id, limit: "unlimited" });
    expect(saved).toMatchObject({ ok: true });
    const rule = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "nth_order" } });
    expect({ points: rule.points, config: JSON.parse(rule.config) }).toEqual({ points: 0, config: { every: 4, giftRewardId: sample.id } });
    const edit = await ruleLoader({ request: new Request(`http://localhost/app/earn/${rule.id}`), params: { id: rule.id }, context: {} });
    expect(edit.values).toMatchObject({ points: "0", giftRewardId: sample.id });

    // A purchase rule has no gift field: its points stay required.
    const purchase = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "purchase" } });
    expect(await saveRule(purchase.id, { points: "0", spend: "1.00", giftRewardId: sample.id })).toMatchObject({ ok: false, errors: { points: "Points must be at least 1" } });

    // The sign-up rule: a gift beside its points, then the gift removed again.
    const signup = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "signup" } });
    expect(await saveRule(signup.id, { name: "Join", points: "100", giftRewardId: sample.id })).toMatchObject({ ok: true });
    invalidateShopConfig(LOCAL_SHOP);
    expect((await requireShopConfig(db(), LOCAL_SHOP)).signupRule).toMatchObject({ points: 100, giftRewardId: sample.id });
    expect(await saveRule(signup.id, { name: "Join", points: "100", giftRewardId: "" })).toMatchObject({ ok: true });
    expect(JSON.parse((await db().earningRule.findUniqueOrThrow({ where: { id: signup.id } })).config).giftRewardId).toBeUndefined();
  });

  it("a tier gives a gift on reaching it and on the birthday", async () => {
    const gift = await createReward(db(), shopId, "free_product", { name: "Birthday gift" });
    const { editor } = await tiersLoader({ request: new Request("http://localhost/app/tiers"), params: {}, context: {} });
    expect(editor!.gifts.map((g) => g.id)).toContain(gift.id);
    const settings = {
      basis: editor!.basis,
      period: editor!.period,
      keepNextPeriod: editor!.keepNextPeriod,
      tiers: editor!.tiers.map(({ members: _m, ...t }, i) => (i === 2 ? { ...t, entryGiftRewardId: gift.id, birthdayGiftRewardId: gift.id } : t)),
    };
    const post = (s: unknown) => {
      const body = new FormData();
      body.set("intent", "save");
      body.set("settings", JSON.stringify(s));
      return tiersAction({ request: new Request("http://localhost/app/tiers", { method: "POST", body }), params: {}, context: {} });
    };
    const wrong = { ...settings, tiers: settings.tiers.map((t, i) => (i === 1 ? { ...t, birthdayGiftRewardId: "nope" } : t)) };
    expect(await post(wrong)).toMatchObject({ ok: false, errors: { "tiers.1.birthdayGiftRewardId": "Choose one of your free-product rewards" } });
    expect(await post(settings)).toMatchObject({ ok: true });
    const gold = await db().tier.findFirstOrThrow({ where: { shopId, rank: 2 } });
    expect(parseTierPerks(gold.perks)).toMatchObject({ entryGiftRewardId: gift.id, birthdayGiftRewardId: gift.id });
    const again = await tiersLoader({ request: new Request("http://localhost/app/tiers"), params: {}, context: {} });
    expect(again.editor!.tiers[2]).toMatchObject({ entryGiftRewardId: gift.id, birthdayGiftRewardId: gift.id });
  });
});
