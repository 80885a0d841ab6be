import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { parseJsonInput, parseJsonText, readJsonColumn, type JsonColumnProblem } from "../../app/loyalty/json-column";
import { logInvalidJson } from "../../app/loyalty/json-column.server";
import { log } from "../../app/log.server";
import { parseTierPerks, serializeTierPerks, NO_PERKS } from "../../app/loyalty/tiers/rules";
import { parseRewardConfig } from "../../app/loyalty/rewards/rewards";
import { mergeRuleConfig, readRuleConfig } from "../../app/loyalty/earn/rules";
import { parseActionConfig } from "../../app/loyalty/earn/actions";
import { parsePointsNames, parseWidgetDefaults } from "../../app/loyalty/program/settings";
import { DEFAULT_REFERRAL_SETTINGS, parseReferralSettings, serializeReferralSettings } from "../../app/loyalty/referrals/settings";

const schema = z.object({ count: z.number().int().min(0).default(0), tags: z.array(z.string()).default([]), name: z.string().nullable().default(null) });
const fallback = { count: 0, tags: [], name: null };

/** Reads `text` and returns what was read with the problems reported. */
function readReporting(text: string | null, options: { salvage?: boolean } = {}) {
  const problems: JsonColumnProblem[] = [];
  const value = readJsonColumn(text, schema, fallback, { what: "Test.column", id: "row1", onInvalid: (p) => problems.push(p), ...options });
  return { value, problems };
}

describe("readJsonColumn", () => {
  it("reads valid JSON through the schema, with its defaults, and reports nothing", () => {
    expect(readReporting('{"count":3,"tags":["a"],"extra":true}')).toEqual({ value: { count: 3, tags: ["a"], name: null }, problems: [] });
    expect(readReporting("{}")).toEqual({ value: fallback, problems: [] });
  });

  it("reads an empty column as the default, silently: nothing was saved", () => {
    expect(readReporting(null)).toEqual({ value: fallback, problems: [] });
    expect(readReporting("")).toEqual({ value: fallback, problems: [] });
  });

  it("reads text that is not JSON as the default and reports it with the row id", () => {
    expect(readReporting("{not json")).toEqual({
      value: fallback,
      problems: [{ what: "Test.column", id: "row1", kind: "unreadable", issues: ["not JSON"], outcome: "default" }],
    });
  });

  it("reads JSON that fails the schema as the whole default, naming each problem but never the value", () => {
    const { value, problems } = readReporting('{"count":-1,"tags":["a",7],"name":"secret@example.com"}');
    expect(value).toEqual(fallback);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: "invalid", outcome: "default", id: "row1" });
    expect(problems[0]!.issues).toEqual([expect.stringMatching(/^count: /), expect.stringMatching(/^tags\.1: /)]);
    expect(JSON.stringify(problems)).not.toContain("secret");
    expect(readReporting("[1,2]").problems[0]!.issues).toEqual([expect.stringMatching(/^\(the value\): /)]);
  });

  it("with salvage, keeps what is valid and drops the rest, one value at a time", () => {
    expect(readReporting('{"count":-1,"tags":["a",7,"b"],"name":"x"}', { salvage: true })).toMatchObject({
      value: { count: 0, tags: ["a", "b"], name: "x" },
      problems: [{ kind: "invalid", outcome: "salvaged" }],
    });
    // Nothing to salvage from a value of the wrong shape.
    expect(readReporting('"text"', { salvage: true })).toMatchObject({ value: fallback, problems: [{ outcome: "default" }] });
  });

  it("drops an object missing a required key, not only the key", () => {
    const names = z.object({ fi: z.object({ singular: z.string(), plural: z.string() }).optional(), en: z.object({ singular: z.string(), plural: z.string() }).optional() });
    expect(readJsonColumn('{"fi":{"singular":"tähti"},"en":{"singular":"star","plural":"stars"}}', names, {}, { what: "t", salvage: true })).toEqual({
      en: { singular: "star", plural: "stars" },
    });
  });

  it("returns a fresh default each time, so a caller's change cannot leak into the next read", () => {
    const first = readJsonColumn("oops", schema, fallback, { what: "t" });
    first.tags.push("changed");
    expect(readJsonColumn("oops", schema, fallback, { what: "t" }).tags).toEqual([]);
  });
});

describe("JSON that forms post", () => {
  it("parses text, checks parsed values, and says which went wrong", () => {
    const ids = z.array(z.string()).min(1, "Select members first");
    expect(parseJsonText('["a"]', ids)).toEqual({ ok: true, data: ["a"] });
    expect(parseJsonText("[", ids)).toMatchObject({ ok: false, kind: "unreadable" });
    expect(parseJsonText("[]", ids)).toMatchObject({ ok: false, kind: "invalid", error: { issues: [{ message: "Select members first" }] } });
    expect(parseJsonInput(["b"], ids)).toEqual({ ok: true, data: ["b"] });
    expect(parseJsonInput('["b"]', ids)).toEqual({ ok: true, data: ["b"] });
    expect(parseJsonInput(42, ids)).toMatchObject({ ok: false, kind: "invalid" });
  });
});

describe("the stored columns read as before", () => {
  const reported = () => {
    const problems: JsonColumnProblem[] = [];
    return { problems, report: { id: "r1", onInvalid: (p: JsonColumnProblem) => problems.push(p) } };
  };

  it("Tier.perks: what serializeTierPerks writes reads back, silently", () => {
    for (const perks of [NO_PERKS, { entryPoints: 100, birthdayPoints: null, freeShipping: true }, { entryPoints: 0, birthdayPoints: 0, freeShipping: false }]) {
      const { problems, report } = reported();
      expect(parseTierPerks(serializeTierPerks(perks), report)).toEqual(perks);
      expect(problems).toEqual([]);
    }
    const { problems, report } = reported();
    expect(parseTierPerks('{"entryPoints":-5,"birthdayPoints":300}', report)).toEqual({ entryPoints: 0, birthdayPoints: 300, freeShipping: false });
    expect(problems).toEqual([{ what: "Tier.perks", id: "r1", kind: "invalid", issues: [expect.stringMatching(/^entryPoints: /)], outcome: "salvaged" }]);
  });

  it("Reward.config: each type's stored config reads back, silently", () => {
    const { problems, report } = reported();
    expect(parseRewardConfig("{}", report)).toEqual({ rate: null, productTitle: null, notify: false });
    expect(parseRewardConfig('{"pointsPerUnit":100,"unitMinor":100,"maxMinor":null}', report)).toEqual({ rate: { pointsPerUnit: 100, unitMinor: 100, maxMinor: null }, productTitle: null, notify: false });
    expect(parseRewardConfig('{"productTitle":"Linen tote bag – Natural"}', report)).toEqual({ rate: null, productTitle: "Linen tote bag – Natural", notify: false });
    expect(parseRewardConfig('{"productTitle":null}', report)).toEqual({ rate: null, productTitle: null, notify: false });
    expect(problems).toEqual([]);
    expect(parseRewardConfig('{"pointsPerUnit":"100","unitMinor":100}', report).rate).toBeNull();
    expect(problems).toMatchObject([{ what: "Reward.config", id: "r1", outcome: "salvaged" }]);
  });

  it("EarningRule.config: read for the admin and the widget, merged keeping other keys", () => {
    const { problems, report } = reported();
    const stored = '{"network":"instagram","url":"https://instagram.com/k","icon":"camera"}';
    expect(readRuleConfig(stored, report)).toEqual({ network: "instagram", url: "https://instagram.com/k" });
    expect(parseActionConfig("social_follow", stored, report)).toEqual({ network: "instagram", url: "https://instagram.com/k" });
    expect(readRuleConfig('{"every":5}', report)).toEqual({ every: 5 });
    expect(JSON.parse(mergeRuleConfig(stored, { network: "tiktok" }, report))).toEqual({ network: "tiktok", icon: "camera" });
    expect(problems).toEqual([]);
    expect(mergeRuleConfig("[1]", { every: 3 }, report)).toBe('{"every":3}');
    expect(problems).toMatchObject([{ what: "EarningRule.config", outcome: "default" }]);
  });

  it("Program.pointsNames and Program.widgetSettings: what Settings saves reads back, silently", () => {
    const { problems, report } = reported();
    const names = { en: { singular: "star", plural: "stars" }, fi: { singular: "tähti", plural: "tähteä" } };
    expect(parsePointsNames(JSON.stringify(names), report)).toEqual(names);
    const widget = { accent: "#1f4d3d", onAccent: "#ffffff", position: "bottom-left" as const, label: null };
    expect(parseWidgetDefaults(JSON.stringify(widget), report)).toEqual(widget);
    expect(parseWidgetDefaults(JSON.stringify({ ...widget, label: "Club" }), report).label).toBe("Club");
    expect(problems).toEqual([]);
    expect(parseWidgetDefaults('{"accent":"red","position":"bottom-left"}', report)).toEqual({ accent: null, onAccent: null, position: "bottom-left", label: null });
    expect(problems).toMatchObject([{ what: "Program.widgetSettings", issues: [expect.stringMatching(/^accent: /)], outcome: "salvaged" }]);
  });

  it("Program.referralSettings: saved settings read back; bad ones are the defaults as a whole", () => {
    const { problems, report } = reported();
    const settings = { ...structuredClone(DEFAULT_REFERRAL_SETTINGS), enabled: true, bonuses: [{ count: 3, points: 200 }], monthlyCap: 5 };
    expect(parseReferralSettings(serializeReferralSettings(settings), report)).toEqual(settings);
    expect(parseReferralSettings("{}", report)).toEqual(DEFAULT_REFERRAL_SETTINGS);
    expect(problems).toEqual([]);
    expect(parseReferralSettings('{"enabled":true,"friend":{"type":"cash"}}', report)).toEqual(DEFAULT_REFERRAL_SETTINGS);
    expect(problems).toMatchObject([{ what: "Program.referralSettings", issues: [expect.stringMatching(/^friend\.type: /)], outcome: "default" }]);
  });
});

describe("logInvalidJson", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs a problem with the row id and the caller's fields, once per process", () => {
    const warn = vi.spyOn(log, "warn").mockImplementation(() => undefined);
    const onInvalid = logInvalidJson({ shop: "json-column-test.myshopify.com" });
    parseTierPerks("not json", { id: "tier-log-1", onInvalid });
    parseTierPerks("not json", { id: "tier-log-1", onInvalid });
    parseTierPerks("not json", { id: "tier-log-2", onInvalid });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("stored JSON"), {
      shop: "json-column-test.myshopify.com",
      what: "Tier.perks",
      id: "tier-log-1",
      kind: "unreadable",
      issues: ["not JSON"],
      outcome: "default",
    });
  });
});
