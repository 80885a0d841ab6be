import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../../app/jobs/queue.server";
import { runDueReferralRewards } from "../../../app/jobs/referral-rewards.server";
import { verifyLedger } from "../../../app/loyalty/ledger/append.server";
import { reconcileShop } from "../../../app/loyalty/reconcile/reconcile.server";
import { invalidateShopConfig } from "../../../app/loyalty/program/shop-config.server";
import { ensureReferralCode } from "../../../app/loyalty/referrals/codes.server";
import { recordReferralVisit } from "../../../app/loyalty/referrals/visits.server";
import { getCustomerView } from "../../../app/loyalty/storefront/customer-view.server";
import { LOCAL_SHOP } from "../../../app/shopify/admin.server";
import { signProxyQuery } from "../../../app/shopify/signing";
import { action as ruleAction } from "../../../app/routes/app.earn.$id";
import { action as settingsAction } from "../../../app/routes/app.settings";
import { action as referralSettingsAction, loader as referralSettingsLoader } from "../../../app/routes/app.referrals.settings";
import { useLocalAdminShop, useTestDatabase } from "../../db";
import { orderPayload } from "../../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useTestServer } from "../../http";

// The seed program "Blume" (issue #17), configured through the admin actions a merchant
// uses: points called "Blume Bucks"; an Instagram follow, orders (1 per 1 €) and referrals
// (500 Blume Bucks to the referrer, 5 € off for the friend) earn. Orders and the friend's
// order arrive as signed webhooks; the follow is claimed through the storefront's proxy.

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
const args = (url: string, body: FormData, id?: string) => ({ request: new Request(`http://localhost${url}`, { method: "POST", body }), params: id ? { id } : {}, context: {} });

async function configureBlume() {
  const settings = await settingsAction(
    args(
      "/app/settings",
      form({
        programName: "Blume",
        name_en_singular: "Blume Buck",
        name_en_plural: "Blume Bucks",
        name_fi_singular: "",
        name_fi_plural: "",
        name_da_singular: "",
        name_da_plural: "",
        name_sv_singular: "",
        name_sv_plural: "",
        expiryPolicy: "none",
        expiryMonths: "",
        pendingDays: "0",
        excludedTags: "[]",
        accent: "#2E7D32",
        onAccent: "#ffffff",
        position: "bottom-right",
        label: "Blume Bucks",
      }),
    ),
  );
  expect(settings).toEqual({ ok: true, message: "Settings saved" });
  const follow = await ruleAction(args("/app/earn/new", form({ intent: "save", type: "social_follow", network: "instagram", url: "https://www.instagram.com/blume", points: "25", limit: "once" }), "new"));
  expect(follow).toMatchObject({ ok: true });
  const { draft } = await referralSettingsLoader({ request: new Request("http://localhost/app/referrals/settings"), params: {}, context: {} });
  const referrals = await referralSettingsAction(
    args("/app/referrals/settings", form({ settings: JSON.stringify({ ...draft, enabled: true, friendType: "amount_off", friendAmount: "5.00", referrerType: "points", referrerPoints: "500" }) })),
  );
  expect(referrals).toMatchObject({ ok: true });
  invalidateShopConfig();
  return { followRuleId: (follow as { id: string }).id };
}

async function paid(id: string, customerId: string | null, price: string, extra: Partial<Parameters<typeof orderPayload>[0]> = {}) {
  const at = new Date(Date.now() - 60_000).toISOString();
  expect((await sendWebhook(server().url, "orders/paid", LOCAL_SHOP, orderPayload({ id, customerId, lines: [{ price }], updatedAt: at, processedAt: at, ...extra }))).status).toBe(200);
  await getJobRunner().idle();
}

const member = (customerId: string) => db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } } });

describe("Blume", () => {
  it("names its points Blume Bucks, and the Instagram follow, orders and referrals earn them", async () => {
    const { followRuleId } = await configureBlume();
    const customerId = "8850000000001";

    // An order of 42.50: 42 Blume Bucks, plus the welcome bonus the program keeps (100).
    await paid("5530000000001", customerId, "42.50");
    const joined = await member(customerId);
    expect(joined.points).toBe(142);
    const view = await getCustomerView(LOCAL_SHOP, `gid://shopify/Customer/${customerId}`, db());
    expect(view.program.pointsName).toEqual({ singular: "Blume Buck", plural: "Blume Bucks" });

    // The Instagram follow, claimed in the widget: 25 Blume Bucks, once.
    const query = signProxyQuery({ shop: LOCAL_SHOP, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, TEST_SECRET);
    for (let i = 0; i < 2; i++) {
      await fetch(`${server().url}/proxy/actions/social_follow?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ruleId: followRuleId }) });
    }
    expect((await member(customerId)).points).toBe(167);

    // A friend arrives through the member's link and buys: after the waiting period the referrer gets 500.
    const code = await ensureReferralCode(db(), joined.id);
    const visit = await recordReferralVisit({ shopDomain: LOCAL_SHOP, code, visitorCustomerGid: null, userAgent: null }, db());
    await paid("5530000000002", null, "60.00", { email: "friend@example.org", noteAttributes: { kanta_ref: visit!.token! } });
    const referral = await db().referral.findFirstOrThrow({ where: { shopId } });
    expect(referral).toMatchObject({ referrerId: joined.id, friendEmail: "friend@example.org" });
    await runDueReferralRewards(db(), { now: new Date(Date.now() + 90 * 86_400_000) });
    expect((await member(customerId)).points).toBe(667);

    expect((await reconcileShop(db(), shopId)).differenceCount).toBe(0);
    expect(await verifyLedger(db(), shopId)).toEqual([]);
  });
});
