import { describe, expect, it } from "vitest";
import { computeWays, parseActionConfig } from "../../app/loyalty/earn/actions";
import { addableRuleTypes, awardedWhen, limitLabel, mergeRuleConfig, ordinal, readRuleConfig } from "../../app/loyalty/earn/rules";
import { describeEarning, formatMultiplier, purchasePreview } from "../../app/loyalty/earn/preview";
import { findDuplicateRule, parseRuleForm, ruleFormValues, type RuleFormValues } from "../../app/loyalty/earn/rule-form";
import { nthOrderBonus, type NthOrderRule } from "../../app/loyalty/earn/milestones";
import { campaignStatus, describeAudience, parseCampaignForm, parseMultiplier, parseTierRanks, type CampaignField, type CampaignFormValues } from "../../app/loyalty/earn/campaigns";
import { addDaysToDate, utcToZonedDateTime, zonedDateTimeToUtc } from "../../app/loyalty/program/zoned-time";

function parse(values: RuleFormValues, currency = "EUR") {
  return parseRuleForm(values, currency);
}

describe("parseRuleForm: valid rules", () => {
  it("reads a purchase rule's rate in minor units of the shop currency", () => {
    expect(parse({ type: "purchase", points: "2", spend: "1.50" })).toEqual({
      ok: true,
      rule: { type: "purchase", name: "Place an order", points: 2, spendMinor: 150, limit: "unlimited", enabled: true, config: { mode: "rate", minSpendMinor: 0, productRules: [] } },
    });
    // Fixed points per order (0033): "For every" is not asked; the minimum spend is read as money.
    expect(parse({ type: "purchase", points: "50", mode: "fixed", minSpend: "30,00" })).toMatchObject({ ok: true, rule: { points: 50, config: { mode: "fixed", minSpendMinor: 3000 } } });
    expect(parse({ type: "purchase", points: "50", mode: "fixed", minSpend: "-1" })).toEqual({ ok: false, errors: { minSpend: "Enter an amount greater than 0, or leave it empty" } });
    // A decimal comma, as Finnish, Swedish and Danish merchants type it; zero-decimal yen.
    expect(parse({ type: "purchase", points: "1", spend: "0,5" })).toMatchObject({ ok: true, rule: { spendMinor: 50 } });
    expect(parse({ type: "purchase", points: "1", spend: "100" }, "JPY")).toMatchObject({ ok: true, rule: { spendMinor: 100 } });
    // Read as every form reads money (ledger/money.ts readMoneyInput).
    expect(parse({ type: "purchase", points: "1", spend: "1 000,00 €" })).toMatchObject({ ok: true, rule: { spendMinor: 100_000 } });
    expect(parse({ type: "purchase", points: "1", spend: "1,000" }, "JPY")).toMatchObject({ ok: true, rule: { spendMinor: 1000 } });
    expect(parse({ type: "purchase", points: "1", spend: "$5" })).toEqual({ ok: false, errors: { spend: '"$5" is not in EUR: enter the amount in EUR, the shop\'s currency' } });
  });

  it("reads a follow with its network and https link, and names it after the network", () => {
    const result = parse({ type: "social_follow", points: "10", network: "tiktok", url: " https://www.tiktok.com/@kanta ", limit: "once_per_year", enabled: "false" });
    expect(result).toEqual({
      ok: true,
      rule: { type: "social_follow", name: "Follow us on TikTok", points: 10, spendMinor: null, limit: "once_per_year", enabled: false, config: { network: "tiktok", url: "https://www.tiktok.com/@kanta" } },
    });
  });

  it("reads a milestone's N into config.every and a custom action with an optional link", () => {
    expect(parse({ type: "nth_order", points: "100", every: "5" })).toMatchObject({ ok: true, rule: { name: "Every 5th order", limit: "unlimited", config: { every: 5 } } });
    expect(parse({ type: "custom", name: " Share a photo ", points: "15" })).toMatchObject({ ok: true, rule: { name: "Share a photo", limit: "once", config: {} } });
    expect(parse({ type: "custom", name: "Survey", points: "15", url: "https://example.com/survey" })).toMatchObject({ ok: true, rule: { config: { url: "https://example.com/survey" } } });
  });

  it("fixes the limit of types that have only one and defaults the others", () => {
    expect(parse({ type: "signup", points: "100", limit: "" })).toMatchObject({ ok: true, rule: { limit: "once" } });
    expect(parse({ type: "birthday", points: "100" })).toMatchObject({ ok: true, rule: { limit: "once_per_year" } });
    expect(parse({ type: "review", points: "10", limit: "once" })).toMatchObject({ ok: true, rule: { limit: "once" } });
  });
});

describe("parseRuleForm: each invalid input has its message", () => {
  it.each([
    ["no type", { type: "" }, "type", "Choose a type of way to earn"],
    ["an unknown type", { type: "tweet", points: "10" }, "type", "Choose a type of way to earn"],
    ["empty points", { type: "newsletter", points: "" }, "points", "Enter a number of points"],
    ["words for points", { type: "newsletter", points: "lots" }, "points", "Enter a number of points"],
    ["fractional points", { type: "newsletter", points: "2.5" }, "points", "Points must be a whole number"],
    ["zero points", { type: "newsletter", points: "0" }, "points", "Points must be at least 1"],
    ["negative points", { type: "newsletter", points: "-5" }, "points", "Points must be at least 1"],
    ["too many points", { type: "newsletter", points: "100001" }, "points", "At most 100,000 points"],
    ["no spend amount", { type: "purchase", points: "1", spend: "" }, "spend", "Enter an amount, e.g. 1.00"],
    ["a zero spend amount", { type: "purchase", points: "1", spend: "0" }, "spend", "Enter an amount greater than 0"],
    ["a negative spend amount", { type: "purchase", points: "1", spend: "-1" }, "spend", "Enter an amount greater than 0"],
    ["too many decimals", { type: "purchase", points: "1", spend: "0.005" }, "spend", "EUR amounts have at most 2 decimals"],
    ["no network", { type: "social_follow", points: "10", url: "https://instagram.com/x" }, "network", "Choose a network"],
    ["an unknown network", { type: "social_follow", points: "10", network: "myspace", url: "https://myspace.com/x" }, "network", "Choose a network"],
    ["a follow without a link", { type: "social_follow", points: "10", network: "x", url: "" }, "url", "Enter the link to your profile"],
    ["an http link", { type: "social_follow", points: "10", network: "x", url: "http://x.com/kanta" }, "url", "Enter a full link starting with https://"],
    ["a javascript: link", { type: "custom", name: "Click", points: "10", url: "javascript:alert(1)" }, "url", "Enter a full link starting with https://"],
    ["a custom action without a name", { type: "custom", name: "  ", points: "10" }, "name", "Enter a name for this action"],
    ["a long name", { type: "newsletter", name: "x".repeat(101), points: "10" }, "name", "At most 100 characters"],
    ["N of 1", { type: "nth_order", points: "10", every: "1" }, "every", "N must be 2 or more: every order already earns with the purchase rule"],
    ["no N", { type: "nth_order", points: "10", every: "" }, "every", "Enter a number of orders"],
    ["a limit the type does not have", { type: "social_follow", points: "10", network: "x", url: "https://x.com/k", limit: "unlimited" }, "limit", "Choose how often this can be earned"],
  ] as const)("refuses %s", (_name, values, field, message) => {
    const result = parse(values);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toBe(message);
  });

  it("reports every invalid field at once", () => {
    const result = parse({ type: "social_follow", points: "0", network: "", url: "ftp://x" });
    expect(result).toEqual({
      ok: false,
      errors: { points: "Points must be at least 1", network: "Choose a network", url: "Enter a full link starting with https://" },
    });
  });

  it("names the currency's decimals in its message", () => {
    expect(parse({ type: "purchase", points: "1", spend: "1.5" }, "JPY")).toEqual({ ok: false, errors: { spend: "JPY amounts have no decimals" } });
    expect(parse({ type: "purchase", points: "1", spend: "" }, "JPY")).toEqual({ ok: false, errors: { spend: "Enter an amount, e.g. 100" } });
  });
});

describe("duplicates", () => {
  const existing = [
    { id: "p", type: "purchase", config: "{}" },
    { id: "ig", type: "social_follow", config: '{"network":"instagram","url":"https://instagram.com/k"}' },
    { id: "n5", type: "nth_order", config: '{"every":5}' },
    { id: "c1", type: "custom", config: "{}" },
  ];

  it("refuses a second rule of a singleton type, a second follow on a network and a second milestone with the same N", () => {
    expect(findDuplicateRule({ type: "purchase", config: {} }, existing, null)).toEqual({ field: "form", message: "There is already a “Place an order” rule: edit that one instead" });
    expect(findDuplicateRule({ type: "social_follow", config: { network: "instagram" } }, existing, null)).toEqual({
      field: "network",
      message: "There is already a follow on Instagram: edit that one instead",
    });
    expect(findDuplicateRule({ type: "nth_order", config: { every: 5 } }, existing, null)).toMatchObject({ field: "every" });
  });

  it("allows the rule itself, other networks, other N, new singletons and any number of custom actions", () => {
    expect(findDuplicateRule({ type: "purchase", config: {} }, existing, "p")).toBeNull();
    expect(findDuplicateRule({ type: "social_follow", config: { network: "tiktok" } }, existing, null)).toBeNull();
    expect(findDuplicateRule({ type: "nth_order", config: { every: 10 } }, existing, null)).toBeNull();
    expect(findDuplicateRule({ type: "signup", config: {} }, existing, null)).toBeNull();
    expect(findDuplicateRule({ type: "custom", config: {} }, existing, null)).toBeNull();
  });

  it("offers only the types that can still be added", () => {
    const addable = addableRuleTypes(existing);
    expect(addable).toMatchObject({ purchase: false, signup: true, social_follow: true, nth_order: true, custom: true });
    const allNetworks = ["instagram", "tiktok", "facebook", "x"].map((network) => ({ type: "social_follow", config: JSON.stringify({ network }) }));
    expect(addableRuleTypes(allNetworks).social_follow).toBe(false);
  });
});

describe("config the rest of Kanta reads", () => {
  it("stores follows as {network, url}, which the widget's reader accepts", () => {
    const stored = mergeRuleConfig("{}", { network: "facebook", url: "https://facebook.com/kanta" });
    expect(JSON.parse(stored)).toEqual({ network: "facebook", url: "https://facebook.com/kanta" });
    expect(parseActionConfig("social_follow", stored)).toEqual({ network: "facebook", url: "https://facebook.com/kanta" });
  });

  it("keeps fields other code added, and drops fields the edit removed", () => {
    const stored = JSON.stringify({ url: "https://old.example", icon: "camera" });
    expect(JSON.parse(mergeRuleConfig(stored, {}))).toEqual({ icon: "camera" });
    expect(readRuleConfig("not json")).toEqual({});
    expect(readRuleConfig('{"network":"myspace","every":1}')).toEqual({});
  });

  it("shows a saved rule's form values, and a new rule's defaults", () => {
    expect(ruleFormValues({ name: "Order", points: 2, spendMinor: 150, enabled: false, limit: "unlimited", config: {} }, "purchase", "EUR")).toMatchObject({
      points: "2",
      spend: "1.50",
      enabled: "false",
    });
    expect(ruleFormValues(null, "purchase", "JPY")).toMatchObject({ points: "1", spend: "100", limit: "unlimited" });
    expect(ruleFormValues(null, "nth_order", "EUR")).toMatchObject({ every: "5", points: "100" });
  });

  it("a rule the admin saves is shown by the widget's ways to earn", () => {
    const parsed = parse({ type: "custom", name: "Share a photo", points: "15", url: "https://example.com/photo" });
    if (!parsed.ok) throw new Error("expected a valid rule");
    const r = parsed.rule;
    const ways = computeWays(
      [{ id: "r1", type: r.type, name: r.name, points: r.points, enabled: r.enabled, limit: r.limit, config: mergeRuleConfig("{}", r.config), spendMinor: null, createdAt: new Date() }],
      null,
    );
    expect(ways).toEqual([expect.objectContaining({ name: "Share a photo", points: 15, config: { url: "https://example.com/photo" } })]);
  });
});

describe("how rules read", () => {
  it("describes the earning in one line", () => {
    expect(describeEarning({ type: "purchase", points: 1, spendMinor: 100, config: {} }, "EUR", "fi")).toBe("1 point per 1,00\u00a0€ spent");
    expect(describeEarning({ type: "nth_order", points: 100, spendMinor: null, config: { every: 3 } }, "EUR")).toBe("100 points on every 3rd order");
    expect(describeEarning({ type: "signup", points: 1500, spendMinor: null, config: {} }, "EUR", "en")).toBe("1,500 points");
  });

  it("says how often, the way the claim code pays it", () => {
    expect(limitLabel("social_follow", "unlimited")).toBe("Once per customer"); // app/loyalty/earn/actions.ts claimPeriod
    expect(limitLabel("birthday", "unlimited")).toBe("Once a year, on the birthday");
    expect(limitLabel("nth_order", "once")).toBe("Only the Nth order");
    expect(limitLabel("nth_order", "once", 5)).toBe("Only the 5th order");
    expect(limitLabel("nth_order", "unlimited", 3)).toBe("3rd, 6th, 9th … order");
    expect(limitLabel("review", "unlimited")).toBe("Every review");
  });

  it("is honest about what is not awarded automatically", () => {
    expect(awardedWhen("review")).toMatch(/^Not awarded automatically yet: this needs a review app integration/);
    expect(awardedWhen("nth_order", { every: 5 })).toBe("Awarded automatically with a member's 5th order that earns points (orders/paid, once per order).");
    expect(awardedWhen("purchase")).toMatch(/^Awarded automatically when an order is paid/);
  });

  it("writes ordinals", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]);
  });
});

describe("purchasePreview", () => {
  it("computes like the order webhooks, rounding down, in the shop's locale", () => {
    expect(purchasePreview({ exampleText: "120.00", pointsText: "1", spendText: "1.00", currencyCode: "EUR", locale: "fi" }).sentence).toBe(
      "An order of 120,00\u00a0€ earns 120 points.", // no-break space, as Intl writes it
    );
    expect(purchasePreview({ exampleText: "119.99", pointsText: "1", spendText: "1.00", currencyCode: "EUR", locale: "en" }).sentence).toBe(
      "An order of €119.99 earns 119 points.",
    );
    expect(purchasePreview({ exampleText: "0.50", pointsText: "1", spendText: "1", currencyCode: "EUR" }).sentence).toBe("An order of €0.50 earns 0 points.");
    expect(purchasePreview({ exampleText: "12000", pointsText: "1", spendText: "100", currencyCode: "JPY" }).sentence).toBe("An order of ¥12,000 earns 120 points.");
  });

  it("changes as the merchant types, and waits while the values are invalid", () => {
    const base = { exampleText: "120.00", spendText: "1.00", currencyCode: "EUR" };
    expect(purchasePreview({ ...base, pointsText: "3" }).sentence).toBe("An order of €120.00 earns 360 points.");
    expect(purchasePreview({ ...base, pointsText: "" }).sentence).toBeNull();
    expect(purchasePreview({ ...base, pointsText: "1", spendText: "0" }).sentence).toBeNull();
    expect(purchasePreview({ ...base, pointsText: "1", exampleText: "abc" }).sentence).toBeNull();
  });

  const ladder = [
    { rank: 0, name: "Bronze", multiplierPermille: 1000 },
    { rank: 1, name: "Silver", multiplierPermille: 1250 },
    { rank: 2, name: "Gold", multiplierPermille: 1500 },
    { rank: 3, name: "Platinum", multiplierPermille: 2000 },
  ];
  const base = { exampleText: "120.00", pointsText: "1", spendText: "1.00", currencyCode: "EUR" };

  it("names what higher tiers earn with their multiplier", () => {
    expect(purchasePreview({ ...base, tiers: ladder })).toMatchObject({
      sentence: "An order of €120.00 earns 120 points.",
      tiers: "With their tier's multiplier: Silver 150, Gold 180, Platinum 240 points.",
    });
    expect(purchasePreview({ ...base, tiers: ladder.map((t) => ({ ...t, multiplierPermille: 1000 })) }).tiers).toBeNull();
  });

  it("adds a line per running or scheduled campaign: tier × the campaign, as orders get it", () => {
    const preview = purchasePreview({
      ...base,
      tiers: ladder,
      campaigns: [
        { name: "Double weekend", multiplierPermille: 2000, status: "active", tierRanks: [], when: "" },
        { name: "Gold week", multiplierPermille: 1500, status: "scheduled", tierRanks: [2], when: "from Dec 5, 2026" },
        { name: "Old", multiplierPermille: 3000, status: "ended", tierRanks: [], when: "" },
        { name: "Paused", multiplierPermille: 3000, status: "off", tierRanks: [], when: "" },
      ],
    });
    expect(preview.campaigns).toEqual([
      "240 points during Double weekend (2×, active now, more in higher tiers).",
      "Gold members: 270 points during Gold week (1.5×, from Dec 5, 2026).", // 1.5 × 1.5 = 2.25×
    ]);
    const flat = purchasePreview({ ...base, campaigns: [{ name: "Double weekend", multiplierPermille: 2000, status: "active", tierRanks: [], when: "" }] });
    expect(flat.campaigns).toEqual(["240 points during Double weekend (2×, active now)."]);
  });
});

describe("nthOrderBonus", () => {
  const rule = (over: Partial<NthOrderRule> = {}): NthOrderRule => ({
    id: "r5",
    type: "nth_order",
    name: "Every 5th order",
    points: 100,
    enabled: true,
    limit: "unlimited",
    config: '{"every":5}',
    ...over,
  });

  it("pays on every Nth order with limit unlimited", () => {
    const paid = Array.from({ length: 16 }, (_, i) => i + 1).filter((n) => nthOrderBonus([rule()], n, "m1").length > 0);
    expect(paid).toEqual([5, 10, 15]);
    expect(nthOrderBonus([rule()], 10, "m1")).toEqual([
      { ruleId: "r5", points: 100, orderNumber: 10, idempotencyKey: "nth:r5:m1:10", note: "Every 5th order (10th order)", giftRewardId: null },
    ]);
  });

  it("a milestone can give a product gift beside or instead of points (0031); neither pays nothing", () => {
    expect(nthOrderBonus([rule({ points: 0, config: '{"every":5,"giftRewardId":"g1"}' })], 5, "m1")).toEqual([
      { ruleId: "r5", points: 0, orderNumber: 5, idempotencyKey: "nth:r5:m1:5", note: "Every 5th order (5th order)", giftRewardId: "g1" },
    ]);
    expect(nthOrderBonus([rule({ config: '{"every":5,"giftRewardId":"g1"}' })], 5, "m1")[0]).toMatchObject({ points: 100, giftRewardId: "g1" });
    expect(nthOrderBonus([rule({ points: 0 })], 5, "m1")).toEqual([]);
  });

  it("pays only the Nth order with limit once", () => {
    const paid = Array.from({ length: 16 }, (_, i) => i + 1).filter((n) => nthOrderBonus([rule({ limit: "once" })], n, "m1").length > 0);
    expect(paid).toEqual([5]);
  });

  it("pays every rule that is due, and ignores disabled, other and broken rules", () => {
    const rules = [
      rule(),
      rule({ id: "r2", name: "Every 2nd order", points: 20, config: '{"every":2}' }),
      rule({ id: "off", enabled: false }),
      rule({ id: "zero", points: 0 }),
      rule({ id: "bad", config: "{}" }),
      rule({ id: "other", type: "custom" }),
    ];
    expect(nthOrderBonus(rules, 10, "m1").map((a) => [a.ruleId, a.points])).toEqual([
      ["r5", 100],
      ["r2", 20],
    ]);
    expect(nthOrderBonus(rules, 0, "m1")).toEqual([]);
    expect(nthOrderBonus(rules, 1.5, "m1")).toEqual([]);
  });

  it("keys each award by rule, member and order number, so a replay writes once", () => {
    const a = nthOrderBonus([rule()], 5, "m1")[0]!;
    const b = nthOrderBonus([rule()], 5, "m1")[0]!;
    expect(a.idempotencyKey).toBe(b.idempotencyKey);
    expect(nthOrderBonus([rule()], 5, "m2")[0]!.idempotencyKey).not.toBe(a.idempotencyKey);
  });
});

describe("campaign form", () => {
  const context = { timeZone: "Europe/Helsinki", tierRanks: [0, 1, 2, 3] };
  const valid = { name: "Double weekend", multiplier: "2", startDate: "2026-12-05", startTime: "00:00", endDate: "2026-12-07", endTime: "23:59", tiers: [] as string[] };

  it("stores shop-local times in UTC and the multiplier in permille", () => {
    expect(parseCampaignForm(valid, context)).toEqual({
      ok: true,
      campaign: {
        name: "Double weekend",
        multiplierPermille: 2000,
        startsAt: new Date("2026-12-04T22:00:00Z"), // Helsinki is UTC+2 in December
        endsAt: new Date("2026-12-07T21:59:00Z"),
        tierRanks: [],
        enabled: true,
      },
    });
    expect(parseCampaignForm({ ...valid, multiplier: "1,5", tiers: ["3", "2"], enabled: "false" }, context)).toMatchObject({
      ok: true,
      campaign: { multiplierPermille: 1500, tierRanks: [2, 3], enabled: false },
    });
  });

  const cases: [string, Partial<CampaignFormValues>, CampaignField, string][] = [
    ["no name", { name: " " }, "name", "Enter a name for the campaign"],
    ["no multiplier", { multiplier: "" }, "multiplier", "Enter a multiplier such as 2 or 1.5"],
    ["a word for a multiplier", { multiplier: "double" }, "multiplier", "Enter a multiplier such as 2 or 1.5"],
    ["a multiplier below 1.1", { multiplier: "1.05" }, "multiplier", "Choose a multiplier from 1.1× to 10×"],
    ["a multiplier above 10", { multiplier: "10.5" }, "multiplier", "Choose a multiplier from 1.1× to 10×"],
    ["no start date", { startDate: "" }, "startDate", "Enter a start date"],
    ["an impossible date", { endDate: "2026-02-30" }, "endDate", "Enter a date as YYYY-MM-DD"],
    ["a bad time", { startTime: "25:00" }, "startTime", "Enter a time as HH:MM"],
    ["an end before the start", { endDate: "2026-12-04" }, "endDate", "The end must be after the start"],
    ["an end equal to the start", { endDate: "2026-12-05", endTime: "00:00" }, "endDate", "The end must be after the start"],
    ["an unknown tier", { tiers: ["7"] }, "tiers", "Choose tiers from the list"],
  ];
  it.each(cases)("refuses %s", (_name, change, field, message) => {
    const result = parseCampaignForm({ ...valid, ...change }, context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toBe(message);
  });
});

describe("campaign helpers", () => {
  const at = (iso: string) => new Date(iso);
  const c = (over = {}) => ({ enabled: true, startsAt: at("2026-12-05T00:00:00Z"), endsAt: at("2026-12-07T00:00:00Z"), multiplierPermille: 2000, tierRanks: "", ...over });

  it("has a status: scheduled, active (start inclusive), ended (end exclusive), off", () => {
    expect(campaignStatus(c(), at("2026-12-04T23:59:59Z"))).toBe("scheduled");
    expect(campaignStatus(c(), at("2026-12-05T00:00:00Z"))).toBe("active");
    expect(campaignStatus(c(), at("2026-12-07T00:00:00Z"))).toBe("ended");
    expect(campaignStatus(c({ enabled: false }), at("2026-12-06T00:00:00Z"))).toBe("off");
  });

  it("parses multipliers and tier lists", () => {
    expect(["2", "2x", "2×", "1.25", "1,5", "10"].map(parseMultiplier)).toEqual([2000, 2000, 2000, 1250, 1500, 10000]);
    expect(["", "x2", "1.2345", "-2"].map(parseMultiplier)).toEqual([null, null, null, null]);
    expect([2000, 1500, 1250, 1100].map(formatMultiplier)).toEqual(["2×", "1.5×", "1.25×", "1.1×"]);
    expect(parseTierRanks("3, 1,x,1")).toEqual([1, 3]);
    expect(describeAudience([2, 3], [{ rank: 2, name: "Gold" }, { rank: 3, name: "Platinum" }])).toBe("Gold and Platinum members");
  });

  it("converts shop-local wall-clock time both ways, across daylight saving", () => {
    expect(zonedDateTimeToUtc("2026-07-01", "12:00", "Europe/Helsinki")).toEqual(at("2026-07-01T09:00:00Z")); // summer, UTC+3
    expect(zonedDateTimeToUtc("2026-01-01", "00:00", "America/New_York")).toEqual(at("2026-01-01T05:00:00Z"));
    expect(zonedDateTimeToUtc("2026-03-29", "03:30", "Europe/Helsinki")).toEqual(at("2026-03-29T01:30:00Z")); // in the spring-forward gap: 04:30 local
    expect(utcToZonedDateTime(at("2026-12-04T22:00:00Z"), "Europe/Helsinki")).toEqual({ date: "2026-12-05", time: "00:00" });
    expect(utcToZonedDateTime(at("2026-12-04T22:00:00Z"), "Not/AZone")).toEqual({ date: "2026-12-04", time: "22:00" });
    expect(zonedDateTimeToUtc("2026-12-05", "00:00", "Not/AZone")).toBeNull();
    expect(addDaysToDate("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDaysToDate("2026-03-01", -1)).toBe("2026-02-28");
  });
});
