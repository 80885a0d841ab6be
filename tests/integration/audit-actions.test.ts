import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { LOCAL_SHOP, LOCAL_STAFF } from "../../app/shopify/admin.server";
import { applyReferralForOrder } from "../../app/loyalty/referrals/completion.server";
import { ensureReferralCode } from "../../app/loyalty/referrals/codes.server";
import { recordReferralVisit } from "../../app/loyalty/referrals/visits.server";
import { action as rewardAction } from "../../app/routes/app.rewards.$id";
import { action as rewardsListAction } from "../../app/routes/app.rewards._index";
import { action as ruleAction } from "../../app/routes/app.earn.$id";
import { action as earnListAction } from "../../app/routes/app.earn._index";
import { action as campaignAction } from "../../app/routes/app.earn.campaigns.$id";
import { action as settingsAction } from "../../app/routes/app.settings";
import { action as homeAction } from "../../app/routes/app._index";
import { action as tiersAction, loader as tiersLoader } from "../../app/routes/app.tiers";
import { action as memberAction } from "../../app/routes/app.members.$id";
import { action as membersAction } from "../../app/routes/app.members._index";
import { action as referralsAction } from "../../app/routes/app.referrals._index";
import { action as referralSettingsAction, loader as referralSettingsLoader } from "../../app/routes/app.referrals.settings";
import { loader as dataRequestLoader } from "../../app/routes/app.data-requests.$id";
import { loader as activityLoader } from "../../app/routes/app.activity";
import { useTestDatabase, useLocalAdminShop } from "../db";
import { applyPaidOrder, createMember, createReward } from "../factories";

// Every kind of merchant action, through its route (local mode: the demo staff member is
// signed in), leaves one audit row with the staff member and what changed; the Activity
// log page lists them.

const { db } = useTestDatabase();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

function form(fields: Record<string, string | string[]>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const v of value) body.append(key, v);
    else body.set(key, value);
  }
  return body;
}
const req = (url: string, fields: Record<string, string | string[]>) => new Request(`http://localhost${url}`, { method: "POST", body: form(fields) });

async function lastAudit(action: string) {
  const row = await db().auditEvent.findFirstOrThrow({ where: { shopId, action }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return { ...row, before: row.before ? JSON.parse(row.before) : null, after: row.after ? JSON.parse(row.after) : null };
}

describe("audit rows for each action", () => {
  it("rewards: created, updated (only changed fields), disabled, deleted", async () => {
    const created = await rewardAction({ request: req("/app/rewards/new", { type: "free_shipping", name: "Free shipping", pointsCost: "300", enabled: "true" }), params: { id: "new" }, context: {} });
    if (!created.ok || created.intent !== "save") throw new Error(JSON.stringify(created));
    const id = created.id;
    expect(await lastAudit("reward.created")).toMatchObject({ actorId: LOCAL_STAFF.id, actorName: "Demo Staff", actorEmail: LOCAL_STAFF.email, subjectId: id, subjectLabel: "Free shipping", before: null, after: { type: "free_shipping", pointsCost: 300, enabled: true } });
    await rewardAction({ request: req(`/app/rewards/${id}`, { type: "free_shipping", name: "Free shipping", pointsCost: "350", enabled: "true" }), params: { id }, context: {} });
    expect(await lastAudit("reward.updated")).toMatchObject({ before: { pointsCost: 300 }, after: { pointsCost: 350 } });
    await rewardsListAction({ request: req("/app/rewards", { intent: "disable", rewardId: id }), params: {}, context: {} });
    expect(await lastAudit("reward.disabled")).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    await rewardsListAction({ request: req("/app/rewards", { intent: "delete", rewardId: id }), params: {}, context: {} });
    expect(await lastAudit("reward.deleted")).toMatchObject({ subjectId: id, before: { name: "Free shipping", pointsCost: 350 }, after: null });
  });

  it("ways to earn and campaigns: saved, switched off, deleted", async () => {
    const rule = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "signup" } });
    await ruleAction({ request: req(`/app/earn/${rule.id}`, { intent: "save", name: rule.name, points: "150", limit: rule.limit, enabled: "true" }), params: { id: rule.id }, context: {} });
    expect(await lastAudit("earn_rule.updated")).toMatchObject({ subjectId: rule.id, before: { points: rule.points }, after: { points: 150 } });
    await earnListAction({ request: req("/app/earn", { intent: "toggle-rule", id: rule.id, enabled: "false" }), params: {}, context: {} });
    expect(await lastAudit("earn_rule.disabled")).toMatchObject({ subjectId: rule.id, before: { enabled: true }, after: { enabled: false } });

    const saved = await campaignAction({
      request: req("/app/earn/campaigns/new", { intent: "save", name: "Double days", multiplier: "2", startDate: "2027-01-01", startTime: "00:00", endDate: "2027-01-31", endTime: "23:59", enabled: "true" }),
      params: { id: "new" },
      context: {},
    });
    if (!("id" in saved) || !saved.id) throw new Error(JSON.stringify(saved));
    expect(await lastAudit("campaign.created")).toMatchObject({ subjectId: saved.id, subjectLabel: "Double days", after: { multiplierPermille: 2000, enabled: true } });
    await campaignAction({ request: req(`/app/earn/campaigns/${saved.id}`, { intent: "delete" }), params: { id: saved.id }, context: {} });
    expect(await lastAudit("campaign.deleted")).toMatchObject({ subjectId: saved.id, before: { name: "Double days" }, after: null });
  });

  it("program settings keep only the changed fields; launch, pause and resume", async () => {
    await db().program.update({ where: { shopId }, data: { status: "draft" } });
    const settings = {
      programName: "Kanta Club", name_en_singular: "star", name_en_plural: "stars", name_fi_singular: "", name_fi_plural: "", name_da_singular: "", name_da_plural: "", name_sv_singular: "", name_sv_plural: "",
      expiryPolicy: "none", expiryMonths: "", pendingDays: "0", excludedTags: "[]", accent: "#FFD60A", onAccent: "#000000", position: "bottom-right", label: "Rewards",
    };
    const saved = await settingsAction({ request: req("/app/settings", settings), params: {}, context: {} });
    expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true });
    const first = await lastAudit("program.settings_updated");
    expect(first.after).toMatchObject({ programName: "Kanta Club" });
    await settingsAction({ request: req("/app/settings", { ...settings, accent: "#000000" }), params: {}, context: {} });
    const second = await lastAudit("program.settings_updated");
    // Only the one changed colour, not the whole settings blob.
    expect(Object.keys(second.before)).toEqual(["widgetSettings"]);
    expect(Object.keys(second.before.widgetSettings)).toEqual(["accent"]);
    expect(second.before.widgetSettings.accent.toLowerCase()).toBe("#ffd60a");
    expect(second.after.widgetSettings.accent).toBe("#000000");

    // Launching needs a way to earn and an enabled reward.
    await createReward(db(), shopId, "amount_off");
    const launched = await homeAction({ request: req("/app", { intent: "launch" }), params: {}, context: {} });
    expect(launched, JSON.stringify(launched)).toMatchObject({ ok: true });
    expect(await lastAudit("program.launched")).toMatchObject({ before: { status: "draft" }, after: { status: "live" } });
    await homeAction({ request: req("/app", { intent: "pause" }), params: {}, context: {} });
    await homeAction({ request: req("/app", { intent: "resume" }), params: {}, context: {} });
    expect(await lastAudit("program.paused")).toMatchObject({ after: { status: "paused" } });
    expect(await lastAudit("program.resumed")).toMatchObject({ after: { status: "live" } });
  });

  it("VIP tiers: the changed tier's field only", async () => {
    const { editor } = await tiersLoader({ request: new Request("http://localhost/app/tiers"), params: {}, context: {} });
    const tiers = editor!.tiers.map(({ members: _m, ...t }) => t);
    const changed = { basis: editor!.basis, period: editor!.period, keepNextPeriod: editor!.keepNextPeriod, tiers: tiers.map((t, i) => (i === 1 ? { ...t, name: "Silver Plus" } : t)) };
    const result = await tiersAction({ request: req("/app/tiers", { intent: "save", settings: JSON.stringify(changed) }), params: {}, context: {} });
    expect(result).toMatchObject({ ok: true });
    const row = await lastAudit("tiers.updated");
    expect(row.after).toEqual({ tiers: { "rank 1": { name: "Silver Plus" } } });
    expect(row.before).toEqual({ tiers: { "rank 1": { name: tiers[1]!.name } } });
  });

  it("members: adjustment, manual tier, exclusion, bulk adjustment", async () => {
    const member = await createMember(db(), shopId, { firstName: "Elsa", lastName: "Lind" }, { points: 100 });
    await memberAction({ request: req(`/app/members/${member.id}`, { intent: "adjust", points: "-30", reason: "Correction", requestId: randomUUID() }), params: { id: member.id }, context: {} });
    expect(await lastAudit("member.points_adjusted")).toMatchObject({ subjectLabel: "Elsa Lind", before: { points: 100 }, after: { points: 70 }, note: "Correction" });
    const gold = await db().tier.findFirstOrThrow({ where: { shopId, rank: 2 } });
    await memberAction({ request: req(`/app/members/${member.id}`, { intent: "tier", tier: gold.id, until: "", tierReason: "VIP customer" }), params: { id: member.id }, context: {} });
    expect(await lastAudit("member.tier_changed")).toMatchObject({ after: { tier: gold.name, tierManual: true }, note: "VIP customer" });
    await memberAction({ request: req(`/app/members/${member.id}`, { intent: "exclude" }), params: { id: member.id }, context: {} });
    expect(await lastAudit("member.excluded")).toMatchObject({ before: { status: "active" }, after: { status: "excluded" } });
    const other = await createMember(db(), shopId, { firstName: "Onni" }, { points: 5 });
    await membersAction({ request: req("/app/members", { intent: "adjust", ids: JSON.stringify([other.id]), points: "10", reason: "Bulk gift", requestId: randomUUID() }), params: {}, context: {} });
    expect(await lastAudit("member.points_adjusted")).toMatchObject({ subjectId: other.id, before: { points: 5 }, after: { points: 15 }, note: "Bulk gift" });
  });

  it("referral settings, the daily cap and decisions", async () => {
    const { draft } = await referralSettingsLoader({ request: new Request("http://localhost/app/referrals/settings"), params: {}, context: {} });
    const savedSettings = await referralSettingsAction({ request: req("/app/referrals/settings", { settings: JSON.stringify({ ...draft, enabled: !draft.enabled }) }), params: {}, context: {} });
    expect(savedSettings, JSON.stringify(savedSettings)).toMatchObject({ ok: true });
    expect(await lastAudit("referral.settings_updated")).toMatchObject({ before: { enabled: draft.enabled }, after: { enabled: !draft.enabled } });
    await referralsAction({ request: req("/app/referrals", { intent: "daily_cap", cap: "25" }), params: {}, context: {} });
    expect((await lastAudit("referral.friend_cap_updated")).after).toEqual({ friendDailyCap: 25 });

    await referralSettingsAction({ request: req("/app/referrals/settings", { settings: JSON.stringify({ ...draft, enabled: true }) }), params: {}, context: {} });
    const referrer = await createMember(db(), shopId, { firstName: "Aino", email: "aino@example.com" });
    const code = await ensureReferralCode(db(), referrer.id);
    const visit = await recordReferralVisit({ shopDomain: LOCAL_SHOP, code, visitorCustomerGid: referrer.customerGid, userAgent: null }, db());
    const { snapshot } = await applyPaidOrder(db(), LOCAL_SHOP, { id: "5550000200001", customerId: null, price: "50.00", at: new Date(Date.now() - 60_000).toISOString(), email: "friend@example.com", noteAttributes: { kanta_ref: visit!.token! } });
    const result = await applyReferralForOrder(db(), LOCAL_SHOP, snapshot, new Date());
    const held = await db().referral.findUniqueOrThrow({ where: { id: result!.referralId } });
    expect(held.status).toBe("held");
    await referralsAction({ request: req("/app/referrals", { intent: "reject", id: held.id }), params: {}, context: {} });
    expect(await lastAudit("referral.rejected")).toMatchObject({ subjectId: held.id, before: { status: "held" }, after: { status: "rejected" }, actorName: "Demo Staff" });
  });

  it("retries from Needs attention and opening a data request", async () => {
    await db().webhookEvent.create({ data: { shopDomain: LOCAL_SHOP, topic: "orders/paid", eventId: randomUUID(), payload: "{}", status: "dead" } });
    await homeAction({ request: req("/app", { intent: "retry-all-events" }), params: {}, context: {} });
    expect(await lastAudit("attention.webhooks_retried")).toMatchObject({ after: { retried: 1 } });
    const exported = await db().complianceExport.create({ data: { shopDomain: LOCAL_SHOP, customerGid: "gid://shopify/Customer/1", data: "{}" } });
    await dataRequestLoader({ request: new Request(`http://localhost/app/data-requests/${exported.id}`), params: { id: exported.id }, context: {} });
    expect(await lastAudit("data_request.viewed")).toMatchObject({ subjectId: exported.id, actorId: "local-demo" });
  });
});

describe("the Activity log page", () => {
  it("lists the rows newest first, filters by action group and staff member, and pages", async () => {
    const load = (query: string) => activityLoader({ request: new Request(`http://localhost/app/activity?${query}`), params: {}, context: {} });
    const all = await load("");
    expect(all.rows.length).toBeGreaterThan(10);
    expect(all.actors).toEqual([{ id: "local-demo", label: "Demo Staff (staff@kanta-demo.example)" }]);
    const rewards = await load("action=reward");
    expect(rewards.rows.map((r) => r.action)).toEqual(["reward.deleted", "reward.disabled", "reward.updated", "reward.created"]);
    expect(rewards.rows[2]!.changes).toEqual([{ field: "pointsCost", before: "300", after: "350" }]);
    expect((await load("actor=someone-else")).rows).toEqual([]);
    const member = all.rows.find((r) => r.subjectLabel === "Elsa Lind")!;
    const forMember = await load(new URLSearchParams({ subjectType: "member", subject: member.subjectId! }).toString());
    expect(forMember.rows.every((r) => r.subjectId === member.subjectId)).toBe(true);
    expect(forMember.rows.length).toBeGreaterThanOrEqual(3);
  });
});
