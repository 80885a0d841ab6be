import { describe, expect, it } from "vitest";
import { RewardConfigError, computeDiscountSpec, computeStoreCreditSpec, describeRewardValue, parseRewardConfig, rewardOfferedOn, type RewardDef } from "../../app/loyalty/rewards/rewards";
import { findReservedCredit, type ShopifyStoreCredit } from "../../app/loyalty/rewards/store-credit";
import { AdminEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { DEMO_SHOP } from "../../app/local/demo-shop";
import { creditStoreCredit, listStoreCredits } from "../../app/shopify/store-credit.server";
import { ShopifyUserError } from "../../app/shopify/graphql";

// Store credit as a reward (docs/decisions/0028-store-credit.md): the pure rules, how Kanta
// recognises its own credit, and the emulator's store credit accounts as Shopify documents them.

const reward: RewardDef = {
  id: "r1",
  type: "store_credit",
  name: "5 € store credit",
  pointsCost: 500,
  valueMinor: 500,
  percentOff: null,
  minOrderMinor: null,
  expiryDays: 90,
  minTierRank: null,
  productVariantGid: null,
  enabled: true,
  notify: true,
};
const now = new Date("2026-12-04T10:00:00Z");
const customerGid = "gid://shopify/Customer/42";

describe("store_credit rewards", () => {
  it("become a fixed credit in the shop currency, with the merchant's notify and expiry", () => {
    expect(computeStoreCreditSpec(reward, { customerGid, currencyCode: "EUR", now })).toEqual({
      customerGid,
      amountMinor: 500,
      amount: "5.00",
      currencyCode: "EUR",
      expiresAt: new Date("2027-03-04T10:00:00Z"),
      notify: true,
    });
    expect(computeStoreCreditSpec({ ...reward, expiryDays: null, notify: false, valueMinor: 1500 }, { customerGid, currencyCode: "JPY", now })).toMatchObject({ amount: "1500", expiresAt: null, notify: false });
    expect(() => computeStoreCreditSpec({ ...reward, valueMinor: 0 }, { customerGid, currencyCode: "EUR", now })).toThrow(RewardConfigError);
    expect(() => computeDiscountSpec(reward, { code: "KANTA-0000-0000", customerGid, currencyCode: "EUR", now })).toThrow(/not a discount code/);
    expect(describeRewardValue(reward, "EUR")).toBe("5.00 EUR store credit");
    expect(parseRewardConfig('{"notify":true}').notify).toBe(true);
    expect(parseRewardConfig('{"notify":"yes"}').notify).toBe(false);
  });

  it("are offered where store credit can be spent: online store and customer accounts, never POS", () => {
    expect(rewardOfferedOn("store_credit", "online_store")).toBe(true);
    expect(rewardOfferedOn("store_credit", "customer_account")).toBe(true);
    expect(rewardOfferedOn("store_credit", "pos")).toBe(false);
    expect(rewardOfferedOn("amount_off", "pos")).toBe(true);
  });
});

describe("recognising Kanta's credit after a crash", () => {
  const reservedAt = new Date("2026-12-04T10:00:00Z");
  const reserved = { amountMinor: 500, currencyCode: "EUR", reservedAt, expiresAt: new Date("2027-03-04T10:00:00Z") };
  const credit = (over: Partial<ShopifyStoreCredit>): ShopifyStoreCredit => ({
    id: "gid://shopify/StoreCreditAccountCreditTransaction/1",
    amount: "5.0",
    currencyCode: "EUR",
    createdAt: "2026-12-04T10:00:01Z",
    expiresAt: "2027-03-04T10:00:00Z",
    fromOrder: false,
    ...over,
  });

  it("matches amount, currency, time and expiry; skips credits already confirmed for another redemption", () => {
    expect(findReservedCredit(reserved, [credit({})], new Set())?.id).toBe("gid://shopify/StoreCreditAccountCreditTransaction/1");
    // Shopify may round the expiry it stores: within a day is the one Kanta asked for.
    expect(findReservedCredit(reserved, [credit({ expiresAt: "2027-03-04T00:00:00Z" })], new Set())).not.toBeNull();
    expect(findReservedCredit(reserved, [credit({ amount: "5.01" })], new Set())).toBeNull();
    expect(findReservedCredit(reserved, [credit({ currencyCode: "USD" })], new Set())).toBeNull();
    expect(findReservedCredit(reserved, [credit({ expiresAt: null })], new Set())).toBeNull();
    expect(findReservedCredit(reserved, [credit({ expiresAt: "2027-06-01T00:00:00Z" })], new Set())).toBeNull();
    expect(findReservedCredit({ ...reserved, expiresAt: null }, [credit({})], new Set())).toBeNull();
    expect(findReservedCredit(reserved, [credit({ fromOrder: true })], new Set())).toBeNull();
    // Made long before the reservation (more than the clock skew): an older credit.
    expect(findReservedCredit(reserved, [credit({ createdAt: "2026-12-04T09:50:00Z" })], new Set())).toBeNull();
    expect(findReservedCredit(reserved, [credit({ createdAt: "2026-12-04T09:58:00Z" })], new Set())).not.toBeNull();
    expect(findReservedCredit(reserved, [credit({})], new Set(["gid://shopify/StoreCreditAccountCreditTransaction/1"]))).toBeNull();
    // Of two candidates, the older unclaimed one.
    const two = [credit({ id: "b", createdAt: "2026-12-04T10:00:05Z" }), credit({ id: "a", createdAt: "2026-12-04T10:00:02Z" })];
    expect(findReservedCredit(reserved, two, new Set())?.id).toBe("a");
    expect(findReservedCredit(reserved, two, new Set(["a"]))?.id).toBe("b");
  });
});

describe("the emulator's store credit accounts", () => {
  function setup() {
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    return { emulator, client: emulator.client(DEMO_SHOP.myshopifyDomain), shop: DEMO_SHOP.myshopifyDomain };
  }
  const spec = { customerGid, amountMinor: 500, amount: "5.00", currencyCode: "EUR", expiresAt: null, notify: false };

  it("creates the account for the currency on the first credit, keeps a balance and lists credits newest first", async () => {
    const { emulator, client, shop } = setup();
    const first = await creditStoreCredit(client, spec);
    const second = await creditStoreCredit(client, { ...spec, amountMinor: 250, amount: "2.50", expiresAt: new Date(Date.now() + 86_400_000), notify: true });
    expect(second.accountGid).toBe(first.accountGid);
    expect(second.balance).toEqual({ amount: "7.5", currencyCode: "EUR" });
    const [account] = emulator.storeCreditAccounts(shop, customerGid);
    expect(account).toMatchObject({ currencyCode: "EUR", balanceMinor: 750 });
    expect(account!.transactions.map((t) => [t.amountMinor, t.notify])).toEqual([
      [500, false],
      [250, true],
    ]);
    const listed = await listStoreCredits(client, customerGid, "EUR", new Date(Date.now() - 60_000));
    expect(listed!.map((c) => [c.id, c.amount])).toEqual([
      [second.transactionGid, "2.5"],
      [first.transactionGid, "5.0"],
    ]);
    expect(await listStoreCredits(client, customerGid, "USD", new Date(0))).toEqual([]);
    expect(await listStoreCredits(client, "gid://shopify/Customer/77", "EUR", new Date(0))).toEqual([]);
  });

  it("pages through many credits until the ones before `since`", async () => {
    const { client } = setup();
    for (let i = 0; i < 120; i++) await creditStoreCredit(client, { ...spec, amountMinor: 100, amount: "1.00" });
    expect(await listStoreCredits(client, customerGid, "EUR", new Date(0))).toHaveLength(120);
  });

  it("answers userErrors as Shopify documents them", async () => {
    const { emulator, client, shop } = setup();
    const error = async (s: Parameters<typeof creditStoreCredit>[1]) => {
      const e = await creditStoreCredit(client, s).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ShopifyUserError);
      return ((e as ShopifyUserError).details as { code?: string }[]).map((u) => u.code);
    };
    expect(await error({ ...spec, amount: "0.00", amountMinor: 0 })).toEqual(["NEGATIVE_OR_ZERO_AMOUNT"]);
    expect(await error({ ...spec, currencyCode: "USD" })).toEqual(["UNSUPPORTED_CURRENCY"]);
    expect(await error({ ...spec, expiresAt: new Date(Date.now() - 1000) })).toEqual(["EXPIRES_AT_IN_PAST"]);
    emulator.deleteCustomer("gid://shopify/Customer/43");
    expect(await error({ ...spec, customerGid: "gid://shopify/Customer/43" })).toEqual(["OWNER_NOT_FOUND"]);
    emulator.setStoreCreditLimit(shop, 1000);
    await creditStoreCredit(client, spec);
    expect(await error({ ...spec, amount: "6.00", amountMinor: 600 })).toEqual(["CREDIT_LIMIT_EXCEEDED"]);
    // Crediting an account by its id in another currency.
    emulator.setStoreCreditCurrencies(shop, ["EUR", "USD"]);
    const [account] = emulator.storeCreditAccounts(shop, customerGid);
    expect(await error({ ...spec, customerGid: account!.id, currencyCode: "USD" })).toEqual(["MISMATCHING_CURRENCY"]);
    expect(await error({ ...spec, customerGid: "gid://shopify/StoreCreditAccount/1" })).toEqual(["ACCOUNT_NOT_FOUND"]);
    expect(emulator.storeCreditAccounts(shop, customerGid)[0]!.balanceMinor).toBe(500);
  });
});
