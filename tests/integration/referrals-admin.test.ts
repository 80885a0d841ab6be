import { describe, expect, it } from "vitest";
import { DEFAULT_REFERRAL_SETTINGS, serializeReferralSettings, settingsToDraft, type ReferralSettingsDraft } from "../../app/loyalty/referrals/settings";
import { applyReferralForOrder } from "../../app/loyalty/referrals/completion.server";
import { ensureReferralCode } from "../../app/loyalty/referrals/codes.server";
import { recordReferralVisit } from "../../app/loyalty/referrals/visits.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { action as listAction, loader as listLoader } from "../../app/routes/app.referrals._index";
import { action as settingsAction, loader as settingsLoader } from "../../app/routes/app.referrals.settings";
import { useTestDatabase, useLocalAdminShop } from "../db";
import { applyPaidOrder, createMember } from "../factories";

// Route tests: the Referrals pages' loaders and actions called directly, in local mode (the
// demo shop is signed in as "local-demo"), on a real database.

const { db } = useTestDatabase();
let shopId = "";
let referrer = { id: "", customerGid: "" };
let counter = 0;

useLocalAdminShop(db, async (id) => {
  shopId = id;
  const member = await createMember(db(), shopId, { customerGid: "gid://shopify/Customer/7390000009001", firstName: "Aino", lastName: "Virtanen", email: "aino@example.com" });
  referrer = { id: member.id, customerGid: member.customerGid };
});

const args = (request: Request) => ({ request, params: {}, context: {} });

async function loadSettings() {
  return settingsLoader(args(new Request("http://localhost/app/referrals/settings")));
}

async function saveSettings(draft: ReferralSettingsDraft | string) {
  const body = new FormData();
  body.set("settings", typeof draft === "string" ? draft : JSON.stringify(draft));
  return settingsAction(args(new Request("http://localhost/app/referrals/settings", { method: "POST", body })));
}

async function storedSettings() {
  return (await db().program.findUniqueOrThrow({ where: { shopId } })).referralSettings;
}

/** A referral whose friend's guest order came in: held when the referrer opened the link themselves. */
async function referredOrder(options: { selfVisit?: boolean; amount?: string } = {}) {
  const code = await ensureReferralCode(db(), referrer.id);
  const visit = await recordReferralVisit({ shopDomain: LOCAL_SHOP, code, visitorCustomerGid: options.selfVisit ? referrer.customerGid : null, userAgent: null }, db());
  const id = String(5_550_000_100_000 + ++counter);
  const at = new Date(Date.now() - 60_000).toISOString();
  const { snapshot } = await applyPaidOrder(db(), LOCAL_SHOP, { id, customerId: null, price: options.amount ?? "50.00", at, email: `friend${counter}@example.com`, noteAttributes: { kanta_ref: visit!.token! } });
  const result = await applyReferralForOrder(db(), LOCAL_SHOP, snapshot, new Date());
  return db().referral.findUniqueOrThrow({ where: { id: result!.referralId } });
}

async function decide(intent: string, id: string) {
  const body = new FormData();
  body.set("intent", intent);
  body.set("id", id);
  return listAction(args(new Request("http://localhost/app/referrals", { method: "POST", body })));
}

describe("referral settings page", () => {
  it("shows the defaults until the merchant saves", async () => {
    const page = await loadSettings();
    expect(page.draft).toEqual(settingsToDraft(DEFAULT_REFERRAL_SETTINGS, "EUR"));
    expect(page).toMatchObject({ currencyCode: "EUR", pendingDays: 0, programStatus: "live" });
  });

  it("refuses each invalid input with its message and saves nothing", async () => {
    const valid = { ...(await loadSettings()).draft, enabled: true };
    const before = await storedSettings();
    const cases: [Partial<ReferralSettingsDraft>, string, string][] = [
      [{ friendType: "percent_off", friendPercent: "150" }, "friendPercent", "Enter a whole percentage from 1 to 100"],
      [{ friendType: "amount_off", friendAmount: "0" }, "friendAmount", "Enter an amount greater than 0, like 5.00"],
      [{ friendMinOrder: "twenty" }, "friendMinOrder", "Enter an amount like 25.00, or leave it empty"],
      [{ friendExpiryDays: "400" }, "friendExpiryDays", "Enter a number of days from 1 to 365, or leave it empty"],
      [{ referrerType: "points", referrerPoints: "" }, "referrerPoints", "Enter whole points from 1 to 100,000"],
      [{ referrerType: "amount_off", referrerAmount: "-5" }, "referrerAmount", "Enter an amount greater than 0, like 5.00"],
      [{ bonuses: [{ count: "3", points: "200" }, { count: "3", points: "300" }] }, "bonuses.1.count", "Each bonus needs a different number of referrals"],
      [{ bonuses: [{ count: "5", points: "lots" }] }, "bonuses.0.points", "Enter whole points from 1 to 100,000"],
      [{ monthlyCap: "0" }, "monthlyCap", "Enter a whole number from 1 to 1,000, or leave it empty"],
      [{ review: { ...valid.review, same_phone: "maybe" } }, "review.same_phone", "Choose hold for review or reject"],
    ];
    for (const [change, field, message] of cases) {
      const result = await saveSettings({ ...valid, ...change });
      expect(result.ok, field).toBe(false);
      if (!result.ok) expect(result.errors[field], field).toBe(message);
    }
    // A valid field next to an invalid one is not saved either.
    const mixed = await saveSettings({ ...valid, referrerPoints: "900", monthlyCap: "x" });
    expect(mixed.ok).toBe(false);
    expect(await saveSettings("{not json")).toEqual({ ok: false, errors: { form: "The form could not be read. Reload the page and try again." } });
    expect(await storedSettings()).toBe(before);
  });

  it("saves valid settings, which the page and the storefront then use", async () => {
    const valid = (await loadSettings()).draft;
    const result = await saveSettings({
      ...valid,
      enabled: true,
      friendType: "amount_off",
      friendAmount: "7.5",
      friendMinOrder: "30",
      referrerType: "points",
      referrerPoints: "750",
      bonuses: [{ count: "5", points: "500" }, { count: "3", points: "200" }],
      monthlyCap: "4",
      review: { ...valid.review, same_email: "hold" },
    });
    expect(result).toMatchObject({ ok: true, message: "Referral settings saved" });
    const page = await loadSettings();
    expect(page.draft).toMatchObject({
      enabled: true,
      friendType: "amount_off",
      friendAmount: "7.50",
      friendMinOrder: "30.00",
      referrerPoints: "750",
      bonuses: [{ count: "3", points: "200" }, { count: "5", points: "500" }],
      monthlyCap: "4",
    });
    expect(page.draft.review.same_email).toBe("hold");
    expect(JSON.parse(await storedSettings())).toMatchObject({ enabled: true, friend: { type: "amount_off", valueMinor: 750, minOrderMinor: 3000 }, referrer: { type: "points", points: 750 } });
  });
});

describe("referrals list", () => {
  it("lists referrals with their status, friend, order value and reason, filters by status, and sums revenue", async () => {
    await db().program.update({ where: { shopId }, data: { referralSettings: serializeReferralSettings({ ...DEFAULT_REFERRAL_SETTINGS, enabled: true }) } });
    const completed = await referredOrder({ amount: "64.00" });
    const held = await referredOrder({ selfVisit: true, amount: "42.00" });
    expect(completed.status).toBe("completed");
    expect(held.status).toBe("held");
    const page = await listLoader(args(new Request("http://localhost/app/referrals")));
    expect(page.enabled).toBe(true);
    expect(page.counts).toMatchObject({ all: 2, completed: 1, held: 1 });
    expect(page.stats).toMatchObject({ revenueMinor: 6400, completed: 1, held: 1, topReferrers: [{ id: referrer.id, name: "Aino Virtanen", completed: 1, revenueMinor: 6400 }] });
    const heldRow = page.rows.find((r) => r.id === held.id)!;
    expect(heldRow).toMatchObject({
      status: "held",
      referrer: { name: "Aino Virtanen", email: "aino@example.com" },
      friend: { email: expect.stringMatching(/^friend\d+@example\.com$/) },
      order: { valueMinor: 4200 },
      reasons: ["Link opened by the referrer"],
    });
    const onlyHeld = await listLoader(args(new Request("http://localhost/app/referrals?status=held")));
    expect(onlyHeld.rows.map((r) => r.id)).toEqual([held.id]);
    const bogus = await listLoader(args(new Request("http://localhost/app/referrals?status=bogus")));
    expect(bogus.rows).toHaveLength(2);
  });

  it("approves and rejects held referrals, recorded with the staff member; decided ones cannot be decided again", async () => {
    const toApprove = await referredOrder({ selfVisit: true });
    const toReject = await referredOrder({ selfVisit: true });
    const pointsBefore = (await db().member.findUniqueOrThrow({ where: { id: referrer.id } })).points;
    expect(await decide("approve", toApprove.id)).toEqual({ ok: true, message: "Referral approved. The reward is paid." });
    expect(await decide("reject", toReject.id)).toEqual({ ok: true, message: "Referral rejected. No reward is paid." });
    expect(await decide("approve", toReject.id)).toEqual({ ok: false, message: "This referral is no longer waiting for review." });
    expect(await decide("delete", toReject.id)).toEqual({ ok: false, message: "Unknown action" });
    expect(await db().referral.findUniqueOrThrow({ where: { id: toApprove.id } })).toMatchObject({ status: "completed", decidedBy: "local-demo" });
    expect(await db().referral.findUniqueOrThrow({ where: { id: toReject.id } })).toMatchObject({ status: "rejected", decidedBy: "local-demo" });
    expect((await db().member.findUniqueOrThrow({ where: { id: referrer.id } })).points).toBe(pointsBefore + 500);
    const entry = await db().ledgerEntry.findUniqueOrThrow({ where: { shopId_idempotencyKey: { shopId, idempotencyKey: `referral:${toApprove.id}` } } });
    expect(entry).toMatchObject({ kind: "referral", delta: 500 });
  });
});
