import { describe, expect, it } from "vitest";
import { getCustomerView } from "../../app/loyalty/storefront/customer-view.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { action as editAction, loader as editLoader } from "../../app/routes/app.rewards.$id";
import { action as listAction, loader as listLoader } from "../../app/routes/app.rewards._index";
import { createTestShop, useTestDatabase, useLocalAdminShop } from "../db";
import { createMember, createRedemption, createReward } from "../factories";

// Route tests: the Rewards pages' loaders and actions called directly, in local mode (the
// demo shop is signed in), on a real database.

const { db } = useTestDatabase();
let shopId = "";

useLocalAdminShop(db, (id) => {
  shopId = id;
});

const VALID: Record<string, Record<string, string>> = {
  amount_off: { type: "amount_off", name: "5 € off", pointsCost: "500", value: "5,00", minOrder: "20", expiryDays: "30", minTierRank: "", enabled: "true" },
  percent_off: { type: "percent_off", name: "15% off", pointsCost: "200", percentOff: "15", minTierRank: "2", enabled: "true" },
  free_shipping: { type: "free_shipping", name: "Free shipping", pointsCost: "300", enabled: "false" },
  free_product: { type: "free_product", name: "Free tote", pointsCost: "800", productVariantGid: "gid://shopify/ProductVariant/4470000000021", productTitle: "Linen tote bag – Natural", productPrice: "24.50", productImageUrl: "https://cdn.shopify.com/s/files/tote.jpg", enabled: "true" },
  points_to_money: { type: "points_to_money", name: "Use your points", pointsPerUnit: "100", unitAmount: "1.00", maxAmount: "50", enabled: "true" },
};

function post(id: string, fields: Record<string, string>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return editAction({ request: new Request(`http://localhost/app/rewards/${id}`, { method: "POST", body }), params: { id }, context: {} });
}
function postList(fields: Record<string, string>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return listAction({ request: new Request("http://localhost/app/rewards", { method: "POST", body }), params: {}, context: {} });
}
const list = () => listLoader({ request: new Request("http://localhost/app/rewards"), params: {}, context: {} });
const edit = (id: string, query = "") => editLoader({ request: new Request(`http://localhost/app/rewards/${id}${query}`), params: { id }, context: {} });

async function create(type: keyof typeof VALID, overrides: Record<string, string> = {}) {
  const result = await post("new", { ...VALID[type]!, ...overrides });
  if (!result.ok || result.intent !== "save") throw new Error(`not created: ${JSON.stringify(result)}`);
  return result.id;
}

async function memberWithRedemption(rewardId: string, status: string) {
  const member = await createMember(db(), shopId);
  await createRedemption(db(), { shopId, memberId: member.id }, { rewardId, rewardName: "x", status });
}

describe("creating and editing rewards", () => {
  it("saves every reward type with its own fields", async () => {
    const ids = Object.fromEntries(await Promise.all(Object.keys(VALID).map(async (type) => [type, await create(type)])));
    const rows = Object.fromEntries((await db().reward.findMany({ where: { shopId } })).map((r) => [r.id, r]));

    expect(rows[ids.amount_off!]).toMatchObject({ type: "amount_off", name: "5 € off", pointsCost: 500, valueMinor: 500n, minOrderMinor: 2000n, expiryDays: 30, minTierRank: null, enabled: true });
    expect(rows[ids.percent_off!]).toMatchObject({ type: "percent_off", pointsCost: 200, percentOff: 15, valueMinor: null, minTierRank: 2 });
    expect(rows[ids.free_shipping!]).toMatchObject({ type: "free_shipping", pointsCost: 300, enabled: false, valueMinor: null, percentOff: null });
    expect(rows[ids.free_product!]).toMatchObject({ type: "free_product", pointsCost: 800, productVariantGid: "gid://shopify/ProductVariant/4470000000021" });
    // The price (one unit off, 0031) and the image (the widget's gifts) as the picker gave them.
    expect(JSON.parse(rows[ids.free_product!]!.config)).toEqual({ productTitle: "Linen tote bag – Natural", priceMinor: 2450, imageUrl: "https://cdn.shopify.com/s/files/tote.jpg" });
    // points_to_money: the cost is one step; the rate is in config.
    expect(rows[ids.points_to_money!]).toMatchObject({ type: "points_to_money", pointsCost: 100, valueMinor: null });
    expect(JSON.parse(rows[ids.points_to_money!]!.config)).toEqual({ pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 });

    const { rewards, currencyCode, tiers } = await list();
    expect(currencyCode).toBe("EUR");
    expect(tiers.map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold", "Platinum"]);
    const byId = Object.fromEntries(rewards.map((r) => [r.id, r]));
    expect(byId[ids.amount_off!]).toMatchObject({ value: "€5.00 off", minOrder: "€20.00", minTierName: null, enabled: true, timesRedeemed: 0 });
    expect(byId[ids.percent_off!]).toMatchObject({ value: "15% off", minTierName: "Gold", minTierRank: 2 });
    expect(byId[ids.free_product!]!.value).toBe("Free Linen tote bag – Natural");
    expect(byId[ids.points_to_money!]!.value).toBe("100 points = €1.00, up to €50.00");
    // Enabled first, disabled last.
    expect(rewards.at(-1)!.id).toBe(ids.free_shipping);

    // The widget sees the new rewards at once (no cache), with the rate and the product.
    const view = await getCustomerView(LOCAL_SHOP, null, db());
    const names = view.rewards.map((r) => r.name);
    expect(names).not.toContain("Free shipping");
    expect(view.rewards.find((r) => r.id === ids.points_to_money)).toMatchObject({ pointsCost: 100, rate: { pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 }, productTitle: null });
    expect(view.rewards.find((r) => r.id === ids.free_product)).toMatchObject({ productTitle: "Linen tote bag – Natural", rate: null });
  });

  it("loads a reward's form values and saves changes to it", async () => {
    const id = await create("amount_off");
    const loaded = await edit(id);
    expect(loaded).toMatchObject({ notFound: false, currencyCode: "EUR", redemptionRows: 0, values: { type: "amount_off", name: "5 € off", pointsCost: "500", value: "5.00", minOrder: "20.00", expiryDays: "30", minTierRank: "", enabled: true } });
    const saved = await post(id, { ...VALID.amount_off!, name: "10 € off", pointsCost: "900", value: "10", minOrder: "", expiryDays: "", minTierRank: "1" });
    expect(saved).toEqual({ ok: true, intent: "save", id, created: false, message: "Reward saved" });
    expect(await db().reward.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "10 € off", pointsCost: 900, valueMinor: 1000n, minOrderMinor: null, expiryDays: null, minTierRank: 1 });
  });

  it("reads amounts as merchants type them", async () => {
    const id = await create("amount_off", { value: "7,50 €", minOrder: "1.500,00" });
    expect(await db().reward.findUniqueOrThrow({ where: { id } })).toMatchObject({ valueMinor: 750n, minOrderMinor: 150_000n });
    expect((await edit(id)).values).toMatchObject({ value: "7.50", minOrder: "1500.00" });
  });

  it("starts a new reward with the type asked for, and says when a reward does not exist", async () => {
    expect(await edit("new", "?type=points_to_money")).toMatchObject({ notFound: false, values: { type: "points_to_money", pointsPerUnit: "100", enabled: true } });
    expect((await edit("new", "?type=bogus")).values.type).toBe("amount_off");
    expect(await edit("no-such-reward")).toMatchObject({ notFound: true });
  });

  it.each([
    ["a missing name", "amount_off", { name: "" }, "name", "Enter a name"],
    ["a long name", "amount_off", { name: "x".repeat(81) }, "name", "The name can be at most 80 characters"],
    ["a negative cost", "amount_off", { pointsCost: "-5" }, "pointsCost", "The cost must be at least 1 point"],
    ["a zero cost", "percent_off", { pointsCost: "0" }, "pointsCost", "The cost must be at least 1 point"],
    ["a missing cost", "free_shipping", { pointsCost: "" }, "pointsCost", "Enter a cost in points"],
    ["a fractional cost", "amount_off", { pointsCost: "2.5" }, "pointsCost", "Points must be a whole number"],
    ["a huge cost", "amount_off", { pointsCost: "1000001" }, "pointsCost", "At most 1,000,000 points"],
    ["a zero amount", "amount_off", { value: "0" }, "value", "The amount must be more than 0"],
    ["a negative amount", "amount_off", { value: "-5" }, "value", "The amount must be more than 0"],
    ["a missing amount", "amount_off", { value: "" }, "value", "Enter an amount"],
    ["an amount with too many decimals", "amount_off", { value: "0.005" }, "value", "EUR amounts have at most 2 decimals"],
    ["an amount that is not a number", "amount_off", { value: "five" }, "value", "Enter an amount like 5.00"],
    ["an amount in another currency", "amount_off", { value: "$5" }, "value", '"$5" is not in EUR: enter the amount in EUR, the shop\'s currency'],
    ["an amount over the maximum", "amount_off", { value: "1 000 000,01" }, "value", "The amount is too large"],
    ["a percentage over 100", "percent_off", { percentOff: "101" }, "percentOff", "The percentage can be at most 100"],
    ["a zero percentage", "percent_off", { percentOff: "0" }, "percentOff", "The percentage must be at least 1"],
    ["a missing percentage", "percent_off", { percentOff: "" }, "percentOff", "Enter a percentage"],
    ["a fractional percentage", "percent_off", { percentOff: "12.5" }, "percentOff", "Enter a whole number from 1 to 100"],
    ["a free product without a product", "free_product", { productVariantGid: "" }, "productVariantGid", "Choose a product"],
    ["a free product with a product id instead of a variant", "free_product", { productVariantGid: "gid://shopify/Product/8812000000002" }, "productVariantGid", "Choose the product again"],
    ["a free product without its price", "free_product", { productPrice: "" }, "productPrice", "Choose the product again"],
    ["a zero points step", "points_to_money", { pointsPerUnit: "0" }, "pointsPerUnit", "At least 1 point"],
    ["a missing points value", "points_to_money", { unitAmount: "" }, "unitAmount", "Enter what the points are worth"],
    ["a zero points value", "points_to_money", { unitAmount: "0" }, "unitAmount", "The value must be more than 0"],
    ["a maximum below one step", "points_to_money", { unitAmount: "2", maxAmount: "1.50" }, "maxAmount", "The maximum must be at least €2.00, the value of 100 points"],
    ["a negative minimum order", "amount_off", { minOrder: "-1" }, "minOrder", "The minimum order can't be negative"],
    ["a zero-day expiry", "amount_off", { expiryDays: "0" }, "expiryDays", "Codes can be valid for 1 to 365 days"],
    ["an expiry over a year", "amount_off", { expiryDays: "366" }, "expiryDays", "Codes can be valid for 1 to 365 days"],
    ["a fractional expiry", "amount_off", { expiryDays: "1.5" }, "expiryDays", "Enter a whole number of days"],
    ["a tier the shop does not have", "amount_off", { minTierRank: "9" }, "minTierRank", "Choose one of your tiers"],
    ["an unknown type", "amount_off", { type: "gift_card" }, "type", "Choose a reward type"],
  ])("refuses %s with its message and saves nothing", async (_name, type, overrides, field, message) => {
    const before = await db().reward.count({ where: { shopId } });
    const result = await post("new", { ...VALID[type]!, ...overrides });
    expect(result).toEqual({ ok: false, errors: { [field]: message } });
    expect(await db().reward.count({ where: { shopId } })).toBe(before);

    // Editing an existing reward with the same mistake leaves it as it was.
    const id = await create(type as keyof typeof VALID);
    const row = await db().reward.findUniqueOrThrow({ where: { id } });
    expect(await post(id, { ...VALID[type]!, ...overrides })).toEqual({ ok: false, errors: { [field]: message } });
    expect(await db().reward.findUniqueOrThrow({ where: { id } })).toEqual(row);
  });

  it("reports several mistakes at once, each on its field", async () => {
    const result = await post("new", { ...VALID.amount_off!, name: "", pointsCost: "-1", value: "0", expiryDays: "999" });
    expect(result).toEqual({
      ok: false,
      errors: { name: "Enter a name", pointsCost: "The cost must be at least 1 point", value: "The amount must be more than 0", expiryDays: "Codes can be valid for 1 to 365 days" },
    });
  });

  it("never touches another shop's reward", async () => {
    const other = await createTestShop(db());
    const foreign = await createReward(db(), other.id, "amount_off", { name: "Theirs", pointsCost: 100, valueMinor: 100n });
    expect(await post(foreign.id, VALID.amount_off!)).toEqual({ ok: false, errors: { form: "This reward does not exist" } });
    expect(await post(foreign.id, { intent: "delete" })).toEqual({ ok: false, errors: { form: "This reward does not exist" } });
    expect(await postList({ intent: "disable", rewardId: foreign.id })).toEqual({ ok: false, message: "This reward does not exist" });
    expect(await edit(foreign.id)).toMatchObject({ notFound: true });
    expect(await db().reward.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ name: "Theirs", enabled: true });
  });
});

describe("enabling, disabling and deleting", () => {
  it("enables and disables from the list", async () => {
    const id = await create("percent_off");
    expect(await postList({ intent: "disable", rewardId: id })).toEqual({ ok: true, message: "Reward disabled" });
    expect((await db().reward.findUniqueOrThrow({ where: { id } })).enabled).toBe(false);
    expect((await getCustomerView(LOCAL_SHOP, null, db())).rewards.map((r) => r.id)).not.toContain(id);
    expect(await postList({ intent: "enable", rewardId: id })).toEqual({ ok: true, message: "Reward enabled" });
    expect((await db().reward.findUniqueOrThrow({ where: { id } })).enabled).toBe(true);
  });

  it("deletes a reward nobody has redeemed", async () => {
    const id = await create("free_shipping");
    expect(await postList({ intent: "delete", rewardId: id })).toEqual({ ok: true, message: "Reward deleted" });
    expect(await db().reward.findUnique({ where: { id } })).toBeNull();
    const other = await create("amount_off");
    expect(await post(other, { intent: "delete" })).toEqual({ ok: true, intent: "delete", deleted: true, message: "Reward deleted" });
    expect(await db().reward.findUnique({ where: { id: other } })).toBeNull();
  });

  it("disables instead of deleting a reward with redemptions, so their history keeps it", async () => {
    const id = await create("amount_off");
    await memberWithRedemption(id, "issued");
    await memberWithRedemption(id, "used");
    await memberWithRedemption(id, "failed");
    const row = (await list()).rewards.find((r) => r.id === id)!;
    expect(row).toMatchObject({ timesRedeemed: 2, redemptionRows: 3 });
    expect((await edit(id)).redemptionRows).toBe(3);

    expect(await postList({ intent: "delete", rewardId: id })).toEqual({ ok: true, message: "Reward disabled: it has redemptions, so it is kept for their history" });
    expect(await db().reward.findUniqueOrThrow({ where: { id } })).toMatchObject({ enabled: false });
    expect(await db().redemption.count({ where: { rewardId: id } })).toBe(3);

    // Only failed redemptions still count: the row is history too.
    const failedOnly = await create("percent_off");
    await memberWithRedemption(failedOnly, "failed");
    expect(await post(failedOnly, { intent: "delete" })).toMatchObject({ ok: true, deleted: false });
    expect(await db().reward.findUnique({ where: { id: failedOnly } })).not.toBeNull();
  });
});
