import { describe, expect, it } from "vitest";
import { runTierPass } from "../../app/loyalty/tiers/review.server";
import { action as memberAction, loader as memberLoader } from "../../app/routes/app.members.$id";
import { action as tiersAction, loader as tiersLoader } from "../../app/routes/app.tiers";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { useTestDatabase, useLocalAdminShop } from "../db";
import { applyPaidOrder } from "../factories";

// Route tests of the VIP tiers page and the member page's "Change tier": loaders and
// actions called directly, in local mode (the demo shop is signed in), on a real database.

const { db } = useTestDatabase();
let shopId = "";

useLocalAdminShop(db, (id) => {
  shopId = id;
});

async function order(customerId: string, price: string) {
  await applyPaidOrder(db(), LOCAL_SHOP, { customerId, price });
}

async function editor() {
  const { editor } = await tiersLoader({ request: new Request("http://localhost/app/tiers"), params: {}, context: {} });
  return editor!;
}

/** The editor's state as loaded, as the page would post it. */
async function currentSettings(): Promise<{ basis: string; period: string; keepNextPeriod: boolean; tiers: Omit<Awaited<ReturnType<typeof editor>>["tiers"][number], "members">[] }> {
  const e = await editor();
  return { basis: e.basis, period: e.period, keepNextPeriod: e.keepNextPeriod, tiers: e.tiers.map(({ members: _m, ...t }) => t) };
}

function post(intent: string, settings: unknown) {
  const body = new FormData();
  body.set("intent", intent);
  body.set("settings", typeof settings === "string" ? settings : JSON.stringify(settings));
  return tiersAction({ request: new Request("http://localhost/app/tiers", { method: "POST", body }), params: {}, context: {} });
}

async function snapshot() {
  const [program, tiers] = await Promise.all([
    db().program.findUniqueOrThrow({ where: { shopId }, select: { tierBasis: true, tierPeriod: true, tierKeepNextPeriod: true } }),
    db().tier.findMany({ where: { shopId }, orderBy: { rank: "asc" }, select: { id: true, name: true, rank: true, thresholdMinor: true, multiplierPermille: true, perks: true } }),
  ]);
  return { program, tiers };
}

async function memberOf(customerId: string) {
  return db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } }, include: { tier: true } });
}

describe("the tier editor", () => {
  it("shows the ladder in the basis' unit with its members", async () => {
    await order("401", "300.00");
    await order("402", "150.00");
    const e = await editor();
    expect(e).toMatchObject({ basis: "spend", period: "calendar_year", keepNextPeriod: true, currencyCode: "EUR" });
    expect(e.tiers.map((t) => [t.name, t.threshold, t.multiplier, t.members])).toEqual([
      ["Bronze", "0.00", "1", 1],
      ["Silver", "250.00", "1.25", 1],
      ["Gold", "750.00", "1.5", 0],
      ["Platinum", "1500.00", "2", 0],
    ]);
  });

  type Settings = Awaited<ReturnType<typeof currentSettings>>;
  it.each<[string, (s: Settings) => void, string, string]>([
    ["an empty name", (s) => (s.tiers[1]!.name = ""), "tiers.1.name", "Enter a name"],
    ["a duplicate name", (s) => (s.tiers[2]!.name = "SILVER"), "tiers.2.name", "Each tier needs its own name"],
    ["an entry tier above 0", (s) => (s.tiers[0]!.threshold = "5.00"), "tiers.0.threshold", "The first tier is where every member starts: its threshold must be 0"],
    ["a second tier at 0", (s) => (s.tiers[1]!.threshold = "0"), "tiers.1.threshold", "Only the first tier can start at 0"],
    ["thresholds not increasing", (s) => (s.tiers[2]!.threshold = "200.00"), "tiers.2.threshold", "Must be more spend than Silver needs"],
    ["a threshold that is not an amount", (s) => (s.tiers[3]!.threshold = "lots"), "tiers.3.threshold", "Enter an amount, e.g. 250.00"],
    ["a multiplier below 1×", (s) => (s.tiers[1]!.multiplier = "0.9"), "tiers.1.multiplier", "Enter a multiplier from 1.0 to 10.0"],
    ["a multiplier above 10×", (s) => (s.tiers[3]!.multiplier = "11"), "tiers.3.multiplier", "Enter a multiplier from 1.0 to 10.0"],
    ["negative entry points", (s) => (s.tiers[2]!.entryPoints = "-5"), "tiers.2.entryPoints", "Enter a whole number of points from 0 to 1,000,000"],
    ["fractional birthday points", (s) => (s.tiers[2]!.birthdayPoints = "2.5"), "tiers.2.birthdayPoints", "Enter a whole number of points from 0 to 1,000,000"],
    [
      "more than 10 tiers",
      (s) => {
        for (let i = 0; i < 7; i++) s.tiers.push({ ...s.tiers[3]!, id: null, name: `Extra ${i}`, threshold: String(2000 + i) });
      },
      "tiers",
      "At most 10 tiers",
    ],
    ["an unknown basis", (s) => (s.basis = "visits"), "basis", "Choose what members qualify by"],
    ["an unknown period", (s) => (s.period = "weekly"), "period", "Choose a qualification period"],
    ["a tier of another shop", (s) => (s.tiers[1]!.id = "not-a-tier-of-this-shop"), "tiers", "A tier was removed meanwhile: reload the page"],
  ])("refuses %s with its message and saves nothing", async (_name, mutate, field, message) => {
    const before = await snapshot();
    const settings = await currentSettings();
    mutate(settings);
    for (const intent of ["preview", "save"]) {
      expect(await post(intent, settings)).toEqual({ intent, ok: false, errors: { [field]: message } });
    }
    expect(await snapshot()).toEqual(before);
    expect(await db().tierChange.count({ where: { shopId, reason: "settings" } })).toBe(0);
  });

  it("refuses a form it cannot read", async () => {
    expect(await post("save", "{not json")).toEqual({ intent: "save", ok: false, errors: { form: "The form could not be read: reload the page and try again" } });
  });

  it("previews, saves, and the pass applies who moves up; nobody moves down before the review", async () => {
    // 401: 300 € (Silver). 402: 150 € (Bronze). 403: Silver by hand, 10 €.
    await order("403", "10.00");
    const silverId = (await snapshot()).tiers[1]!.id;
    await db().member.update({ where: { id: (await memberOf("403")).id }, data: { tierId: silverId } });

    const settings = await currentSettings();
    settings.tiers[1]!.threshold = "100.00"; // 402 qualifies for Silver now
    settings.tiers[1]!.name = "Hopea"; // renamed: its members' Shopify tags follow
    settings.tiers[2]!.entryPoints = "50";
    settings.tiers.splice(3, 1); // Platinum removed
    settings.tiers.push({ id: null, name: "Diamond", threshold: "5000.00", multiplier: "3", entryPoints: "", birthdayPoints: "1000", freeShipping: true });
    settings.keepNextPeriod = false;

    const preview = await post("preview", settings);
    expect(preview).toMatchObject({ intent: "preview", ok: true });
    if (!preview.ok) return;
    expect(preview.preview.up).toEqual([{ tier: "Hopea", members: 1 }]);
    expect(preview.preview.downAtReview).toEqual([{ tier: "Bronze", members: 3 }]);
    expect(preview.preview.summary).toBe("1 member moves up to Hopea. 3 members would move down at the next review (tiers are not kept into the next year).");
    // A preview saves nothing.
    expect((await snapshot()).tiers.map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold", "Platinum"]);

    const saved = await post("save", settings);
    expect(saved).toMatchObject({ intent: "save", ok: true, message: "Tier settings saved" });
    const after = await snapshot();
    expect(after.program).toEqual({ tierBasis: "spend", tierPeriod: "calendar_year", tierKeepNextPeriod: false });
    expect(after.tiers.map((t) => [t.name, t.rank, Number(t.thresholdMinor), t.multiplierPermille, t.perks])).toEqual([
      ["Bronze", 0, 0, 1000, "{}"],
      ["Hopea", 1, 10_000, 1250, "{}"],
      ["Gold", 2, 75_000, 1500, '{"entryPoints":50}'],
      ["Diamond", 3, 500_000, 3000, '{"birthdayPoints":1000,"freeShipping":true}'],
    ]);
    expect(after.tiers[1]!.id).toBe(silverId);
    // The rename is a change for Shopify's tags; the upgrade waits for the pass.
    const renamed = await db().tierChange.findMany({ where: { shopId, reason: "settings" }, orderBy: { customerGid: "asc" } });
    expect(renamed.map((c) => [c.customerGid, c.fromTier, c.toTier])).toEqual([
      ["gid://shopify/Customer/401", "Silver", "Hopea"],
      ["gid://shopify/Customer/403", "Silver", "Hopea"],
    ]);
    expect((await memberOf("402")).tier?.name).toBe("Bronze");

    const result = await runTierPass(db(), LOCAL_SHOP);
    expect(result).toMatchObject({ up: 1, down: 0, reason: "settings" });
    expect((await memberOf("402")).tier?.name).toBe("Hopea");
    expect((await memberOf("403")).tier?.name).toBe("Hopea");
    expect((await editor()).tiers.map((t) => t.members)).toEqual([0, 3, 0, 0]);
  });

  it("moves the members of a removed tier to the nearest tier below it", async () => {
    await order("404", "800.00");
    expect((await memberOf("404")).tier?.name).toBe("Gold");
    const settings = await currentSettings();
    settings.tiers.splice(2, 1); // Gold removed
    const preview = await post("preview", settings);
    expect(preview.ok && preview.preview.removed).toEqual([{ from: "Gold", to: "Hopea", members: 1 }]);
    expect((await post("save", settings)).ok).toBe(true);
    expect((await memberOf("404")).tier?.name).toBe("Hopea");
    const change = await db().tierChange.findFirstOrThrow({ where: { shopId, customerGid: "gid://shopify/Customer/404", reason: "settings" } });
    expect([change.fromTier, change.toTier]).toEqual(["Gold", "Hopea"]);
  });
});

describe("changing a member's tier by hand", () => {
  function postTier(memberId: string, fields: Record<string, string>) {
    const body = new FormData();
    body.set("intent", "tier");
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return memberAction({ request: new Request(`http://localhost/app/members/${memberId}`, { method: "POST", body }), params: { id: memberId }, context: {} });
  }

  it("assigns a tier until a date, recorded as a manual change, and kept through the review", async () => {
    await order("451", "20.00");
    const m = await memberOf("451");
    const { tierOptions } = await memberLoader({ request: new Request(`http://localhost/app/members/${m.id}`), params: { id: m.id }, context: {} });
    const diamond = tierOptions!.tiers.find((t) => t.name === "Diamond")!;
    const result = await postTier(m.id, { tier: diamond.id, until: "2099-06-30", tierReason: "Brand ambassador" });
    expect(result).toEqual({ ok: true, intent: "tier", message: "Moved to Diamond" });
    const after = await memberOf("451");
    expect(after.tier?.name).toBe("Diamond");
    expect(after.tierManual).toBe(true);
    // Kept through 30 June in Helsinki: until 1 July 00:00 local.
    expect(after.tierManualUntil?.toISOString()).toBe("2099-06-30T21:00:00.000Z");
    const change = await db().tierChange.findFirstOrThrow({ where: { memberId: m.id, reason: "manual" } });
    expect([change.fromTier, change.toTier, change.syncStatus]).toEqual(["Bronze", "Diamond", "pending"]);
    // Who and why are kept with the change, and the member page shows the history.
    expect([change.actor, change.note]).toEqual(["local-demo", "Brand ambassador"]);
    const { tierOptions: again, member: detail } = await memberLoader({ request: new Request(`http://localhost/app/members/${m.id}`), params: { id: m.id }, context: {} });
    expect(again).toMatchObject({ manual: true, manualUntil: "2099-06-30", currentTierId: diamond.id });
    expect(detail!.tierChanges[0]).toMatchObject({ from: "Bronze", to: "Diamond", reason: "manual", actor: "local-demo", note: "Brand ambassador", sync: "pending" });
    expect(detail!.tierManual).toBe(true);

    // A review with demotions keeps it.
    await db().program.update({ where: { shopId }, data: { tierLastReviewAt: new Date("2020-01-01T00:00:00Z") } });
    expect(await runTierPass(db(), LOCAL_SHOP)).toMatchObject({ demotionsAllowed: true });
    expect((await memberOf("451")).tier?.name).toBe("Diamond");

    // Back to automatic: the manual flag goes, the tier stays until the next review.
    expect(await postTier(m.id, { tier: "auto", tierReason: "Contract ended" })).toMatchObject({ ok: true });
    const auto = await memberOf("451");
    expect([auto.tier?.name, auto.tierManual, auto.tierManualUntil]).toEqual(["Diamond", false, null]);
  });

  it.each([
    ["no tier", { tier: "", tierReason: "Because" }, "tier", "Choose a tier"],
    ["a tier of another shop", { tier: "nope", tierReason: "Because" }, "tier", "Choose one of the program's tiers"],
    ["no reason", { tier: "$gold", tierReason: "" }, "reason", "Enter a reason"],
    ["a short reason", { tier: "$gold", tierReason: "ok" }, "reason", "The reason needs at least 3 characters"],
    ["a date that is not a date", { tier: "$gold", until: "31.12.2030", tierReason: "Because" }, "until", "Enter a date as YYYY-MM-DD"],
    ["an impossible date", { tier: "$gold", until: "2030-02-30", tierReason: "Because" }, "until", "Enter a real date"],
    ["a past date", { tier: "$gold", until: "2001-01-01", tierReason: "Because" }, "until", "Choose a date in the future"],
  ])("refuses %s with its message and changes nothing", async (_name, fields, field, message) => {
    await order("452", "20.00");
    const m = await memberOf("452");
    const top = (await snapshot()).tiers[2]!;
    const resolved = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === "$gold" ? top.id : v]));
    expect(await postTier(m.id, resolved)).toEqual({ ok: false, errors: { [field]: message } });
    const after = await memberOf("452");
    expect([after.tierId, after.tierManual]).toEqual([m.tierId, false]);
    expect(await db().tierChange.count({ where: { memberId: m.id, reason: "manual" } })).toBe(0);
  });
});
