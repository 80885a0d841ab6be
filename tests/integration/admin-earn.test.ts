import { beforeEach, describe, expect, it } from "vitest";
import { claimAction } from "../../app/loyalty/earn/claim.server";
import { invalidateShopConfig, requireShopConfig } from "../../app/loyalty/program/shop-config.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { action as listAction, loader as listLoader } from "../../app/routes/app.earn._index";
import { action as ruleAction, loader as ruleLoader } from "../../app/routes/app.earn.$id";
import { action as campaignAction, loader as campaignLoader } from "../../app/routes/app.earn.campaigns.$id";
import { seedEarn } from "../../scripts/seed-earn";
import { createTestShop, useTestDatabase, useLocalAdminShop } from "../db";
import { applyPaidOrder, createMember } from "../factories";

// Route tests: the Ways to earn pages' loaders and actions called directly, in local mode
// (the demo shop is signed in), on a real database.

const { db } = useTestDatabase();
let shopId = "";

useLocalAdminShop(db, (id) => {
  shopId = id;
});

/** Back to the shop's defaults: the purchase and sign-up rules, no campaigns. */
beforeEach(async () => {
  await db().earningRule.deleteMany({ where: { shopId, type: { notIn: ["purchase", "signup"] } } });
  await db().earningRule.updateMany({ where: { shopId, type: "purchase" }, data: { name: "Place an order", points: 1, spendMinor: 100n, enabled: true } });
  await db().campaign.deleteMany({ where: { shopId } });
});

function post(url: string, fields: Record<string, string | string[]>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const v of value) body.append(key, v);
    else body.set(key, value);
  }
  return new Request(`http://localhost${url}`, { method: "POST", body });
}

function saveRule(id: string, fields: Record<string, string>) {
  return ruleAction({ request: post(`/app/earn/${id}`, { intent: "save", ...fields }), params: { id }, context: {} });
}

function saveCampaign(id: string, fields: Record<string, string | string[]>) {
  return campaignAction({ request: post(`/app/earn/campaigns/${id}`, { intent: "save", ...fields }), params: { id }, context: {} });
}

const rulesCount = () => db().earningRule.count({ where: { shopId } });
const purchaseRule = () => db().earningRule.findFirstOrThrow({ where: { shopId, type: "purchase" } });

describe("the Ways to earn list", () => {
  it("lists the rules with the shop's currency, and offers only types that can still be added", async () => {
    await db().earningRule.create({ data: { shopId, type: "social_follow", name: "Follow us on TikTok", points: 10, config: JSON.stringify({ network: "tiktok", url: "https://www.tiktok.com/@k" }) } });
    const { page } = await listLoader({ request: new Request("http://localhost/app/earn"), params: {}, context: {} });
    expect(page?.shop).toEqual({ currencyCode: "EUR", timezone: "Europe/Helsinki", locale: "en" });
    expect(page?.rules.map((r) => [r.type, r.name, r.points, r.enabled])).toEqual([
      ["purchase", "Place an order", 1, true],
      ["signup", "Join the program", 100, true],
      ["social_follow", "Follow us on TikTok", 10, true],
    ]);
    expect(page?.rules[0]).toMatchObject({ spendMinor: 100 });
    expect(page?.rules[2]?.config).toEqual({ network: "tiktok", url: "https://www.tiktok.com/@k" });
    expect(page?.addable).toMatchObject({ purchase: false, signup: false, birthday: true, social_follow: true, custom: true });
    expect(page?.campaigns).toEqual([]);
  });

  it("turns a rule off and on from the list, and says so", async () => {
    const signup = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "signup" } });
    const off = await listAction({ request: post("/app/earn", { intent: "toggle-rule", id: signup.id, enabled: "false" }), params: {}, context: {} });
    expect(off).toEqual({ ok: true, message: "Way to earn turned off" });
    expect((await db().earningRule.findUniqueOrThrow({ where: { id: signup.id } })).enabled).toBe(false);
    expect((await requireShopConfig(db(), LOCAL_SHOP)).signupRule).toBeNull();
    const on = await listAction({ request: post("/app/earn", { intent: "toggle-rule", id: signup.id, enabled: "true" }), params: {}, context: {} });
    expect(on).toEqual({ ok: true, message: "Way to earn turned on" });
    expect((await db().earningRule.findUniqueOrThrow({ where: { id: signup.id } })).enabled).toBe(true);
    const missing = await listAction({ request: post("/app/earn", { intent: "toggle-rule", id: "nope", enabled: "true" }), params: {}, context: {} });
    expect(missing).toEqual({ ok: false, message: "This way to earn no longer exists" });
  });
});

describe("saving a way to earn", () => {
  it("adds a custom action that the widget lists and a member can claim once", async () => {
    const result = await saveRule("new", { type: "custom", name: "Share a photo", points: "15", url: "https://example.com/photos", limit: "once", enabled: "true" });
    expect(result).toMatchObject({ ok: true, intent: "save", created: true, message: "“Share a photo” added" });
    const saved = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "custom" } });
    expect(saved).toMatchObject({ name: "Share a photo", points: 15, limit: "once", enabled: true, spendMinor: null });
    expect(JSON.parse(saved.config)).toEqual({ url: "https://example.com/photos" });

    // The claim code reads the row as it is (app/loyalty/earn/claim.server.ts).
    const member = await createMember(db(), shopId);
    const claimed = await claimAction({ shopDomain: LOCAL_SHOP, customerGid: member.customerGid, ruleType: "custom", ruleId: saved.id }, db());
    expect(claimed).toEqual({ awarded: 15, points: 15 });
    await expect(claimAction({ shopDomain: LOCAL_SHOP, customerGid: member.customerGid, ruleType: "custom", ruleId: saved.id }, db())).rejects.toMatchObject({ code: "already_claimed" });
  });

  it("adds a follow per network, with its config in the shape the widget reads", async () => {
    expect(await saveRule("new", { type: "social_follow", network: "instagram", url: "https://www.instagram.com/kanta/", points: "10" })).toMatchObject({ ok: true });
    expect(await saveRule("new", { type: "social_follow", network: "x", url: "https://x.com/kanta", points: "5", limit: "once_per_year" })).toMatchObject({ ok: true });
    const follows = await db().earningRule.findMany({ where: { shopId, type: "social_follow" }, orderBy: { createdAt: "asc" } });
    expect(follows.map((f) => [f.name, f.limit, JSON.parse(f.config)])).toEqual([
      ["Follow us on Instagram", "once", { network: "instagram", url: "https://www.instagram.com/kanta/" }],
      ["Follow us on X", "once_per_year", { network: "x", url: "https://x.com/kanta" }],
    ]);
  });

  it("adds birthday, newsletter, review and milestone rules", async () => {
    const forms: Record<string, string>[] = [
      { type: "birthday", points: "100" },
      { type: "newsletter", points: "25" },
      { type: "review", points: "10", limit: "once" },
      { type: "nth_order", points: "200", every: "5" },
    ];
    for (const fields of forms) {
      expect(await saveRule("new", fields)).toMatchObject({ ok: true, created: true });
    }
    const rows = await db().earningRule.findMany({ where: { shopId, type: { in: ["birthday", "newsletter", "review", "nth_order"] } }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.type, r.name, r.points, r.limit, JSON.parse(r.config)])).toEqual([
      ["birthday", "Birthday bonus", 100, "once_per_year", {}],
      ["newsletter", "Sign up for our newsletter", 25, "once", {}],
      ["review", "Write a review", 10, "once", {}],
      ["nth_order", "Every 5th order", 200, "unlimited", { every: 5 }],
    ]);
  });

  it("changes the purchase rate for the next order, even with the settings cache on", async () => {
    const previousTtl = process.env.KANTA_CONFIG_CACHE_MS;
    process.env.KANTA_CONFIG_CACHE_MS = "600000";
    try {
      invalidateShopConfig(LOCAL_SHOP);
      expect((await requireShopConfig(db(), LOCAL_SHOP)).purchaseRule).toMatchObject({ points: 1, spendMinor: 100n, terms: { mode: "rate", productRules: [] } });
      const rule = await purchaseRule();
      const result = await saveRule(rule.id, { points: "2", spend: "1,00", name: "Shop with us", enabled: "true" });
      expect(result).toMatchObject({ ok: true, created: false, message: "Saved" });
      expect(await purchaseRule()).toMatchObject({ points: 2, spendMinor: 100n, name: "Shop with us", limit: "unlimited" });
      expect((await requireShopConfig(db(), LOCAL_SHOP)).purchaseRule).toMatchObject({ points: 2, spendMinor: 100n });

      // The order webhooks' code earns at the new rate: 120,00 € → 240 points.
      const { settled } = await applyPaidOrder(db(), LOCAL_SHOP, { id: "5550000123001", customerId: "7390000055001", price: "120.00" });
      expect(settled.pointsTarget).toBe(240);
    } finally {
      process.env.KANTA_CONFIG_CACHE_MS = previousTtl;
      invalidateShopConfig(LOCAL_SHOP);
    }
  });

  it("keeps a saved rule's type, whatever the form says", async () => {
    const created = await saveRule("new", { type: "custom", name: "Visit our blog", points: "5" });
    if (!created.ok || created.intent !== "save") throw new Error("expected a saved rule");
    const edited = await saveRule(created.id, { type: "purchase", name: "Visit our blog", points: "6", spend: "1.00" });
    expect(edited).toMatchObject({ ok: true });
    expect(await db().earningRule.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ type: "custom", points: 6, spendMinor: null });
  });

  it.each([
    ["a second purchase rule", { type: "purchase", points: "1", spend: "1.00" }, { form: "There is already a “Place an order” rule: edit that one instead" }],
    ["a second sign-up rule", { type: "signup", points: "50" }, { form: "There is already a “Join the program” rule: edit that one instead" }],
    ["an unknown type", { type: "tweet", points: "10" }, { type: "Choose a type of way to earn" }],
    ["points of 0", { type: "newsletter", points: "0" }, { points: "Points must be at least 1" }],
    ["points over 100,000", { type: "newsletter", points: "100001" }, { points: "At most 100,000 points" }],
    ["fractional points", { type: "newsletter", points: "1.5" }, { points: "Points must be a whole number" }],
    ["missing points", { type: "newsletter", points: "" }, { points: "Enter a number of points" }],
    ["a follow without https", { type: "social_follow", network: "facebook", url: "http://facebook.com/k", points: "10" }, { url: "Enter a full link starting with https://" }],
    ["a follow without a link", { type: "social_follow", network: "facebook", url: "", points: "10" }, { url: "Enter the link to your profile" }],
    ["a follow without a network", { type: "social_follow", url: "https://facebook.com/k", points: "10" }, { network: "Choose a network" }],
    ["a milestone of N = 1", { type: "nth_order", every: "1", points: "10" }, { every: "N must be 2 or more: every order already earns with the purchase rule" }],
    ["a custom action without a name", { type: "custom", name: "", points: "10" }, { name: "Enter a name for this action" }],
    ["a custom action with a javascript: link", { type: "custom", name: "Click me", url: "javascript:alert(1)", points: "10" }, { url: "Enter a full link starting with https://" }],
    ["a follow that can be claimed without limit", { type: "social_follow", network: "facebook", url: "https://facebook.com/k", points: "10", limit: "unlimited" }, { limit: "Choose how often this can be earned" }],
  ])("refuses %s with its message and saves nothing", async (_name, fields, errors) => {
    const before = await rulesCount();
    expect(await saveRule("new", fields)).toEqual({ ok: false, errors });
    expect(await rulesCount()).toBe(before);
  });

  it.each([
    ["a spend amount of 0", { points: "1", spend: "0" }, { spend: "Enter an amount greater than 0" }],
    ["a missing spend amount", { points: "1", spend: "" }, { spend: "Enter an amount, e.g. 1.00" }],
    ["cents below the currency's scale", { points: "1", spend: "0.001" }, { spend: "EUR amounts have at most 2 decimals" }],
    ["points of -1", { points: "-1", spend: "1.00" }, { points: "Points must be at least 1" }],
  ])("refuses a purchase rule with %s and leaves the rule unchanged", async (_name, fields, errors) => {
    const rule = await purchaseRule();
    expect(await saveRule(rule.id, fields)).toEqual({ ok: false, errors });
    expect(await purchaseRule()).toMatchObject({ points: 1, spendMinor: 100n, updatedAt: rule.updatedAt });
  });

  it("refuses a second follow on the same network, and a second milestone with the same N", async () => {
    await saveRule("new", { type: "social_follow", network: "tiktok", url: "https://www.tiktok.com/@k", points: "10" });
    await saveRule("new", { type: "nth_order", every: "3", points: "10" });
    const before = await rulesCount();
    expect(await saveRule("new", { type: "social_follow", network: "tiktok", url: "https://www.tiktok.com/@other", points: "20" })).toEqual({
      ok: false,
      errors: { network: "There is already a follow on TikTok: edit that one instead" },
    });
    expect(await saveRule("new", { type: "nth_order", every: "3", points: "20" })).toEqual({ ok: false, errors: { every: "There is already a bonus on every 3rd order" } });
    expect(await rulesCount()).toBe(before);
  });

  it("deletes a rule, and cannot touch another shop's rules", async () => {
    const created = await saveRule("new", { type: "newsletter", points: "25" });
    if (!created.ok || created.intent !== "save") throw new Error("expected a saved rule");
    const deleted = await ruleAction({ request: post(`/app/earn/${created.id}`, { intent: "delete" }), params: { id: created.id }, context: {} });
    expect(deleted).toEqual({ ok: true, intent: "delete", message: "Way to earn deleted" });
    expect(await db().earningRule.findUnique({ where: { id: created.id } })).toBeNull();

    const other = await createTestShop(db());
    const foreign = await db().earningRule.findFirstOrThrow({ where: { shopId: other.id, type: "purchase" } });
    expect(await ruleAction({ request: post(`/app/earn/${foreign.id}`, { intent: "delete" }), params: { id: foreign.id }, context: {} })).toEqual({
      ok: false,
      errors: { form: "This way to earn no longer exists" },
    });
    expect(await saveRule(foreign.id, { points: "50", spend: "1.00" })).toEqual({ ok: false, errors: { form: "This way to earn no longer exists" } });
    expect(await db().earningRule.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ points: 1 });
    const { editor } = await ruleLoader({ request: new Request(`http://localhost/app/earn/${foreign.id}`), params: { id: foreign.id }, context: {} });
    expect(editor).toBeNull();
  });

  it("loads a new rule's defaults and a saved rule's values for the form", async () => {
    const fresh = await ruleLoader({ request: new Request("http://localhost/app/earn/new?type=nth_order"), params: { id: "new" }, context: {} });
    expect(fresh.values).toMatchObject({ type: "nth_order", every: "5", points: "100", limit: "unlimited", enabled: "true" });
    const rule = await purchaseRule();
    const saved = await ruleLoader({ request: new Request(`http://localhost/app/earn/${rule.id}`), params: { id: rule.id }, context: {} });
    expect(saved.values).toMatchObject({ type: "purchase", points: "1", spend: "1.00", name: "Place an order" });
    const follow = await ruleLoader({ request: new Request("http://localhost/app/earn/new?type=social_follow"), params: { id: "new" }, context: {} });
    expect(follow.values?.network).toBe("instagram");
    const unknown = await ruleLoader({ request: new Request("http://localhost/app/earn/new?type=tweet"), params: { id: "new" }, context: {} });
    expect(unknown.editor).toBeNull();
  });
});

describe("campaigns", () => {
  const valid = { name: "Double weekend", multiplier: "2", startDate: "2026-12-05", startTime: "00:00", endDate: "2026-12-07", endTime: "23:59", enabled: "true" };
  const campaignsCount = () => db().campaign.count({ where: { shopId } });

  it("saves a campaign in UTC from the shop's time zone, with its tiers, and edits it", async () => {
    const result = await saveCampaign("new", { ...valid, tiers: ["2", "3"] });
    expect(result).toMatchObject({ ok: true, created: true, message: "Campaign “Double weekend” added" });
    const saved = await db().campaign.findFirstOrThrow({ where: { shopId } });
    expect(saved).toMatchObject({
      name: "Double weekend",
      multiplierPermille: 2000,
      startsAt: new Date("2026-12-04T22:00:00Z"),
      endsAt: new Date("2026-12-07T21:59:00Z"),
      tierRanks: "2,3",
      enabled: true,
    });
    const { editor } = await campaignLoader({ request: new Request(`http://localhost/app/earn/campaigns/${saved.id}`), params: { id: saved.id }, context: {} });
    expect(editor?.values).toEqual({ ...valid, tiers: ["2", "3"], collection: "" });

    const edited = await saveCampaign(saved.id, { ...valid, multiplier: "1.5", tiers: [] });
    expect(edited).toMatchObject({ ok: true, created: false });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: saved.id } })).toMatchObject({ multiplierPermille: 1500, tierRanks: "" });
  });

  it("allows overlapping campaigns: they combine", async () => {
    expect(await saveCampaign("new", valid)).toMatchObject({ ok: true });
    expect(await saveCampaign("new", { ...valid, name: "Gold bonus", multiplier: "1.5", tiers: ["2"] })).toMatchObject({ ok: true });
    expect(await campaignsCount()).toBe(2);
  });

  it.each([
    ["an end before the start", { endDate: "2026-12-04" }, { endDate: "The end must be after the start" }],
    ["an end equal to the start", { endDate: "2026-12-05", endTime: "00:00" }, { endDate: "The end must be after the start" }],
    ["a multiplier below 1.1×", { multiplier: "1" }, { multiplier: "Choose a multiplier from 1.1× to 10×" }],
    ["a multiplier above 10×", { multiplier: "11" }, { multiplier: "Choose a multiplier from 1.1× to 10×" }],
    ["no multiplier", { multiplier: "" }, { multiplier: "Enter a multiplier such as 2 or 1.5" }],
    ["no name", { name: "" }, { name: "Enter a name for the campaign" }],
    ["no start date", { startDate: "" }, { startDate: "Enter a start date" }],
    ["an unknown tier", { tiers: ["9"] }, { tiers: "Choose tiers from the list" }],
  ])("refuses %s with its message and saves nothing", async (_name, change, errors) => {
    expect(await saveCampaign("new", { ...valid, ...change })).toEqual({ ok: false, errors });
    expect(await campaignsCount()).toBe(0);
  });

  it("shows Scheduled, Active and Ended, and turns campaigns off and on", async () => {
    const now = Date.now();
    const day = 86_400_000;
    const make = (name: string, startOffset: number, endOffset: number) =>
      db().campaign.create({ data: { shopId, name, multiplierPermille: 2000, startsAt: new Date(now + startOffset), endsAt: new Date(now + endOffset) } });
    const ended = await make("Last month", -40 * day, -30 * day);
    const active = await make("This week", -day, day);
    const scheduled = await make("Next month", 30 * day, 31 * day);
    const statuses = async () => {
      const { page } = await listLoader({ request: new Request("http://localhost/app/earn"), params: {}, context: {} });
      return Object.fromEntries(page!.campaigns.map((c) => [c.name, c.status]));
    };
    expect(await statuses()).toEqual({ "Last month": "ended", "This week": "active", "Next month": "scheduled" });
    const { page } = await listLoader({ request: new Request("http://localhost/app/earn"), params: {}, context: {} });
    expect(page!.campaigns.map((c) => c.name)).toEqual(["This week", "Next month", "Last month"]); // running, coming, ended
    const off = await listAction({ request: post("/app/earn", { intent: "toggle-campaign", id: active.id, enabled: "false" }), params: {}, context: {} });
    expect(off).toEqual({ ok: true, message: "Campaign turned off" });
    expect((await statuses())["This week"]).toBe("off");
    expect(ended.id).not.toBe(scheduled.id);

    const deleted = await campaignAction({ request: post(`/app/earn/campaigns/${scheduled.id}`, { intent: "delete" }), params: { id: scheduled.id }, context: {} });
    expect(deleted).toEqual({ ok: true, intent: "delete", message: "Campaign deleted" });
    expect(await statuses()).toEqual({ "Last month": "ended", "This week": "off" });
  });

  it("starts a new campaign from tomorrow, shop-local, with the purchase rate for its preview", async () => {
    const { editor } = await campaignLoader({ request: new Request("http://localhost/app/earn/campaigns/new"), params: { id: "new" }, context: {} });
    expect(editor?.campaign).toBeNull();
    expect(editor?.values).toMatchObject({ multiplier: "2", startTime: "00:00", tiers: [], enabled: "true" });
    expect(editor!.values.endDate! > editor!.values.startDate!).toBe(true);
    expect(editor?.purchaseRate).toEqual({ points: 1, spendMinor: 100 });
    expect(editor?.tiers.map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold", "Platinum"]);
  });

  it("seeds two future demo campaigns for local mode, once", async () => {
    const now = new Date("2026-11-25T10:00:00Z"); // a Wednesday
    await seedEarn(db(), shopId, now);
    await seedEarn(db(), shopId, now);
    const rows = await db().campaign.findMany({ where: { shopId }, orderBy: { startsAt: "asc" } });
    expect(rows.map((c) => [c.name, c.multiplierPermille, c.tierRanks, c.startsAt.toISOString(), c.endsAt.toISOString()])).toEqual([
      ["Double points weekend", 2000, "", "2026-11-27T16:00:00.000Z", "2026-11-29T22:00:00.000Z"], // Fri 18:00 – Mon 00:00 in Helsinki
      ["Gold & Platinum week", 1500, "2,3", "2026-12-06T22:00:00.000Z", "2026-12-13T22:00:00.000Z"],
    ]);
  });
});
