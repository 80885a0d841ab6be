import { describe, expect, it } from "vitest";
import {
  claimPeriod,
  computeClaimKey,
  computeWayKeys,
  computeWays,
  isClaimableRule,
  parseActionConfig,
  yearInTimeZone,
  type WayRule,
} from "../../app/loyalty/earn/actions";

const GID = "gid://shopify/Customer/820982911946154508";

let seq = 0;
function rule(over: Partial<WayRule> = {}): WayRule {
  seq++;
  return {
    id: `rule${String(seq).padStart(3, "0")}`,
    type: "newsletter",
    name: "Newsletter",
    points: 25,
    enabled: true,
    limit: "once",
    config: "{}",
    spendMinor: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
    ...over,
  };
}

describe("the year of a claim, in the shop's time zone", () => {
  // Kiritimati is UTC+14: its new year comes 14 hours before UTC's.
  const lateDec31Utc = new Date("2026-12-31T10:00:00Z");

  it("is the shop's local year, not UTC's", () => {
    expect(yearInTimeZone(lateDec31Utc, "UTC")).toBe(2026);
    expect(yearInTimeZone(lateDec31Utc, "Pacific/Kiritimati")).toBe(2027);
    expect(yearInTimeZone(new Date("2026-12-31T09:59:59Z"), "Pacific/Kiritimati")).toBe(2026);
    // UTC−11: still the old year for 11 hours after UTC's midnight.
    expect(yearInTimeZone(new Date("2027-01-01T10:59:59Z"), "Pacific/Pago_Pago")).toBe(2026);
    expect(yearInTimeZone(new Date("2027-01-01T11:00:00Z"), "Pacific/Pago_Pago")).toBe(2027);
    expect(yearInTimeZone(new Date("2026-12-31T22:00:00Z"), "Europe/Helsinki")).toBe(2027);
  });

  it("reads an unknown zone as UTC instead of failing the claim", () => {
    expect(yearInTimeZone(lateDec31Utc, "Not/AZone")).toBe(2026);
  });

  it("puts the year into yearly keys only, so the same moment gives different keys per shop zone", () => {
    const birthday = { id: "r1", type: "newsletter" as const, limit: "once_per_year" };
    const utcKey = computeClaimKey(birthday, GID, yearInTimeZone(lateDec31Utc, "UTC"));
    const kiriKey = computeClaimKey(birthday, GID, yearInTimeZone(lateDec31Utc, "Pacific/Kiritimati"));
    expect(utcKey).toBe(`action:r1:${GID}:2026`);
    expect(kiriKey).toBe(`action:r1:${GID}:2027`);
    const follow = { id: "r2", type: "social_follow" as const, limit: "once" };
    expect(computeClaimKey(follow, GID, 2026)).toBe(`action:r2:${GID}`);
    expect(computeClaimKey(follow, GID, 2027)).toBe(computeClaimKey(follow, GID, 2026));
  });
});

describe("claim periods", () => {
  it("pays yearly rules yearly and everything else once, never without limit", () => {
    expect(claimPeriod({ type: "newsletter", limit: "once" })).toBe("once");
    expect(claimPeriod({ type: "newsletter", limit: "once_per_year" })).toBe("once_per_year");
    expect(claimPeriod({ type: "social_follow", limit: "unlimited" })).toBe("once");
    expect(claimPeriod({ type: "custom", limit: "something else" })).toBe("once");
  });

  it("lets only enabled, claimable rules worth points be claimed", () => {
    expect(isClaimableRule({ type: "newsletter", points: 25, enabled: true })).toBe(true);
    expect(isClaimableRule({ type: "newsletter", points: 25, enabled: false })).toBe(false);
    expect(isClaimableRule({ type: "newsletter", points: 0, enabled: true })).toBe(false);
    expect(isClaimableRule({ type: "purchase", points: 1, enabled: true })).toBe(false);
    expect(isClaimableRule({ type: "review", points: 10, enabled: true })).toBe(false);
    expect(isClaimableRule({ type: "signup", points: 100, enabled: true })).toBe(false);
  });
});

describe("action config", () => {
  it("keeps a known network and an http(s) link", () => {
    expect(parseActionConfig("social_follow", JSON.stringify({ network: "tiktok", url: "https://www.tiktok.com/@shop" }))).toEqual({
      network: "tiktok",
      url: "https://www.tiktok.com/@shop",
    });
    expect(parseActionConfig("custom", JSON.stringify({ url: "https://example.com/quiz" }))).toEqual({ url: "https://example.com/quiz" });
  });

  it("drops unknown networks, unsafe links, fields of other types and broken JSON", () => {
    expect(parseActionConfig("social_follow", JSON.stringify({ network: "myspace", url: "javascript:alert(1)" }))).toEqual({});
    expect(parseActionConfig("custom", JSON.stringify({ url: "data:text/html,hi" }))).toEqual({});
    expect(parseActionConfig("newsletter", JSON.stringify({ network: "x", url: "https://example.com" }))).toEqual({});
    expect(parseActionConfig("social_follow", "{not json")).toEqual({});
    expect(parseActionConfig("social_follow", "[1]")).toEqual({});
  });
});

describe("ways to earn", () => {
  const purchase = rule({ type: "purchase", name: "Place an order", points: 1, spendMinor: 100n, limit: "unlimited" });
  const signup = rule({ type: "signup", name: "Join", points: 100 });
  const instagram = rule({ type: "social_follow", name: "Follow on Instagram", points: 10, config: JSON.stringify({ network: "instagram", url: "https://instagram.com/shop" }) });
  const newsletter = rule({ type: "newsletter", name: "Newsletter", points: 25 });
  const birthday = rule({ type: "birthday", name: "Birthday", points: 100, limit: "once_per_year" });
  const review = rule({ type: "review", name: "Review", points: 10, limit: "unlimited" });
  const custom = rule({ type: "custom", name: "Take the quiz", points: 5 });
  const all = [review, instagram, custom, birthday, signup, newsletter, purchase];

  it("orders purchase, sign-up, then the rest by points, most first", () => {
    expect(computeWays(all, null).map((w) => w.name)).toEqual([
      "Place an order",
      "Join",
      "Birthday",
      "Newsletter",
      "Follow on Instagram",
      "Review",
      "Take the quiz",
    ]);
  });

  it("shows everything as information to a guest, with the purchase rate", () => {
    const ways = computeWays(all, null);
    expect(new Set(ways.map((w) => w.state))).toEqual(new Set(["info"]));
    expect(ways[0]).toEqual({ id: purchase.id, type: "purchase", name: "Place an order", points: 1, state: "info", config: {}, earn: { points: 1, spendMinor: 100 } });
    expect(ways.find((w) => w.type === "social_follow")!.config).toEqual({ network: "instagram", url: "https://instagram.com/shop" });
  });

  it("tells a member what is done, what to claim and what to open first", () => {
    const year = 2026;
    const keys = computeWayKeys(all, GID, year);
    expect(keys.sort()).toEqual(
      [
        `signup:${GID}`,
        `action:${instagram.id}:${GID}`,
        `action:${newsletter.id}:${GID}`,
        `action:${custom.id}:${GID}`,
      ].sort(),
    );
    const existingKeys = new Set([`signup:${GID}`, `action:${newsletter.id}:${GID}`, `action:${birthday.id}:${GID}:2025`]);
    const states = Object.fromEntries(computeWays(all, { customerGid: GID, canClaim: true, existingKeys, year }).map((w) => [w.name, w.state]));
    expect(states).toEqual({
      "Place an order": "info",
      Join: "done",
      Birthday: "info", // paid on the day (app/loyalty/dates), never claimed
      Newsletter: "done",
      "Follow on Instagram": "go",
      Review: "info",
      "Take the quiz": "claim",
    });
  });

  it("offers nothing to claim when the member cannot claim, but still shows what is done", () => {
    const existingKeys = new Set([`action:${newsletter.id}:${GID}`]);
    const states = computeWays(all, { customerGid: GID, canClaim: false, existingKeys, year: 2026 }).map((w) => [w.name, w.state]);
    expect(states.filter(([, s]) => s !== "info")).toEqual([["Newsletter", "done"]]);
  });

  it("leaves out disabled rules, unknown types and rules worth nothing", () => {
    const ways = computeWays(
      [newsletter, rule({ enabled: false }), rule({ type: "teleport" }), rule({ type: "custom", points: 0 })],
      null,
    );
    expect(ways.map((w) => w.id)).toEqual([newsletter.id]);
  });
});
