import { describe, expect, it } from "vitest";
import { badgeFormSchema, badgeGlyph } from "../../app/loyalty/challenges/badges";
import { challengeFormValues, describeGoal, parseChallengeForm } from "../../app/loyalty/challenges/form";
import { LEADERBOARD_KINDS, leaderboardName, monthRange, rankStandings } from "../../app/loyalty/challenges/leaderboard";
import { challengeSpan, challengeStatus, inWindow, isJoinable, memberWindow, nextProgress, profileComplete, progressPercent, type ChallengeRules } from "../../app/loyalty/challenges/rules";

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const rules = (over: Partial<ChallengeRules> = {}): ChallengeRules => ({
  kind: "orders_count",
  target: 3,
  windowKind: "fixed",
  startsAt: at("2026-03-01T00:00:00Z"),
  endsAt: at("2026-04-01T00:00:00Z"),
  windowDays: null,
  status: "active",
  ...over,
});

describe("challenge windows", () => {
  it("a fixed window is [start, end): the end instant is out", () => {
    const c = rules();
    const w = memberWindow(c, at("2026-03-20T00:00:00Z"));
    expect(w).toEqual({ from: c.startsAt, to: c.endsAt });
    expect(inWindow(w, at("2026-03-01T00:00:00Z"))).toBe(true);
    expect(inWindow(w, at("2026-03-31T23:59:59Z"))).toBe(true);
    expect(inWindow(w, at("2026-04-01T00:00:00Z"))).toBe(false);
    expect(inWindow(w, at("2026-02-28T23:59:59Z"))).toBe(false);
  });

  it("N days from the start ignores the end date and the joining time", () => {
    const c = rules({ windowKind: "from_start", windowDays: 7, endsAt: null });
    expect(challengeSpan(c)).toEqual({ from: c.startsAt, to: new Date(c.startsAt.getTime() + 7 * DAY) });
    expect(memberWindow(c, at("2026-03-05T00:00:00Z")).to).toEqual(at("2026-03-08T00:00:00Z"));
    expect(isJoinable(c, at("2026-03-07T23:00:00Z"))).toBe(true);
    expect(isJoinable(c, at("2026-03-08T00:00:00Z"))).toBe(false);
  });

  it("N days from joining runs per member, even past the last day to join", () => {
    const c = rules({ windowKind: "from_join", windowDays: 30 });
    const joined = at("2026-03-25T12:00:00Z");
    const w = memberWindow(c, joined);
    expect(w).toEqual({ from: joined, to: new Date(joined.getTime() + 30 * DAY) });
    expect(inWindow(w, at("2026-04-20T00:00:00Z"))).toBe(true); // after endsAt: still the member's window
    expect(isJoinable(c, at("2026-04-20T00:00:00Z"))).toBe(false); // but nobody new joins
    expect(challengeStatus(c, at("2026-04-20T00:00:00Z"))).toBe("ended");
  });

  it("a paused challenge takes nobody and says so; a future one is scheduled", () => {
    expect(isJoinable(rules({ status: "paused" }), at("2026-03-10T00:00:00Z"))).toBe(false);
    expect(challengeStatus(rules({ status: "paused" }), at("2026-03-10T00:00:00Z"))).toBe("paused");
    expect(challengeStatus(rules(), at("2026-02-10T00:00:00Z"))).toBe("scheduled");
    expect(challengeStatus(rules(), at("2026-03-10T00:00:00Z"))).toBe("running");
  });
});

describe("progress and completion", () => {
  it("follows the sources both ways below the target and completes at the target", () => {
    expect(nextProgress({ progress: 2, completedAt: null }, 1, 3, true)).toEqual({ progress: 1, completes: false }); // a refund lowered it
    expect(nextProgress({ progress: 2, completedAt: null }, 3, 3, true)).toEqual({ progress: 3, completes: true });
    expect(nextProgress({ progress: 0, completedAt: null }, 9, 3, true)).toEqual({ progress: 3, completes: true }); // capped at the target
  });

  it("a completed challenge is final: frozen, and never completes again", () => {
    const done = { progress: 3, completedAt: at("2026-03-10T00:00:00Z") };
    expect(nextProgress(done, 0, 3, true)).toEqual({ progress: 3, completes: false });
    expect(nextProgress(done, 5, 3, true)).toEqual({ progress: 3, completes: false });
  });

  it("does not complete while the window is closed", () => {
    expect(nextProgress({ progress: 2, completedAt: null }, 3, 3, false)).toEqual({ progress: 3, completes: false });
  });

  it("profile complete needs a first name and a birthday", () => {
    expect(profileComplete({ firstName: "Anna", birthMonth: 3, birthDay: 14 })).toBe(true);
    expect(profileComplete({ firstName: " ", birthMonth: 3, birthDay: 14 })).toBe(false);
    expect(profileComplete({ firstName: "Anna", birthMonth: null, birthDay: null })).toBe(false);
  });

  it("percent for the bar", () => {
    expect(progressPercent(1, 3)).toBe(33);
    expect(progressPercent(5, 3)).toBe(100);
    expect(progressPercent(0, 3)).toBe(0);
  });
});

describe("the challenge form", () => {
  const context = { timeZone: "Europe/Helsinki", currencyCode: "EUR", badgeIds: ["b1"], collectionGids: ["gid://shopify/Collection/1"] };
  const base = { name: "Three visits", description: "", kind: "orders_count", target: "3", windowKind: "from_join", startDate: "2026-03-01", endDate: "", windowDays: "30", rewardPoints: "200", badgeId: "" };

  it("reads a valid form into a draft in the shop's time zone", () => {
    const parsed = parseChallengeForm(base, context);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.draft).toMatchObject({ kind: "orders_count", target: 3, windowKind: "from_join", windowDays: 30, rewardPoints: 200, endsAt: null, badgeId: null });
    expect(parsed.draft.startsAt.toISOString()).toBe("2026-02-28T22:00:00.000Z"); // midnight in Helsinki
  });

  it("spend targets are money in minor units; the last day is inclusive", () => {
    const parsed = parseChallengeForm({ ...base, kind: "spend", target: "100", windowKind: "fixed", endDate: "2026-03-31" }, context);
    expect(parsed.ok && parsed.draft.target).toBe(10_000);
    expect(parsed.ok && parsed.draft.endsAt?.toISOString()).toBe("2026-03-31T21:00:00.000Z"); // April 1st, 00:00 Helsinki summer time
    if (parsed.ok) expect(challengeFormValues(parsed.draft, context)).toMatchObject({ target: "100.00", endDate: "2026-03-31", startDate: "2026-03-01" });
  });

  it("refuses what cannot work, per field", () => {
    const parsed = parseChallengeForm({ ...base, name: "", target: "0", windowKind: "fixed", endDate: "", windowDays: "x", rewardPoints: "0", badgeId: "nope" }, context);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(["badgeId", "endDate", "name", "target"]);
    const noReward = parseChallengeForm({ ...base, rewardPoints: "0" }, context);
    expect(!noReward.ok && noReward.errors.rewardPoints).toBe("Give points, a badge, or both");
    const ended = parseChallengeForm({ ...base, windowKind: "fixed", startDate: "2026-03-10", endDate: "2026-03-01" }, context);
    expect(!ended.ok && ended.errors.endDate).toBe("End on or after the start date");
    const days = parseChallengeForm({ ...base, windowDays: "400" }, context);
    expect(!days.ok && days.errors.windowDays).toMatch(/1 to 366/);
    expect(parseChallengeForm({ ...base, kind: "bogus" }, context).ok).toBe(false);
  });

  it("spend on a collection needs one of the shop's collections", () => {
    const ok = parseChallengeForm({ ...base, kind: "spend_in_collection", target: "100", collectionGid: "gid://shopify/Collection/1" }, context);
    expect(ok.ok && ok.draft).toMatchObject({ kind: "spend_in_collection", target: 10_000, collectionGid: "gid://shopify/Collection/1" });
    const missing = parseChallengeForm({ ...base, kind: "spend_in_collection", target: "100", collectionGid: "gid://shopify/Collection/2" }, context);
    expect(!missing.ok && missing.errors.collectionGid).toBe("Choose a collection from the list");
    expect(parseChallengeForm({ ...base, collectionGid: "gid://shopify/Collection/2" }, context)).toMatchObject({ ok: true, draft: { collectionGid: null } });
    expect(describeGoal("spend_in_collection", 10_000, "EUR", "en", "Candles")).toBe("Spend €100.00 on Candles");
  });

  it("profile challenges need no target; a badge alone is a reward", () => {
    const parsed = parseChallengeForm({ ...base, kind: "profile_complete", target: "", rewardPoints: "", badgeId: "b1" }, context);
    expect(parsed.ok && parsed.draft).toMatchObject({ target: 1, rewardPoints: 0, badgeId: "b1" });
  });

  it("describes the goal", () => {
    expect(describeGoal("orders_count", 3, "EUR")).toBe("3 orders");
    expect(describeGoal("spend", 10_000, "EUR")).toBe("Spend €100.00");
    expect(describeGoal("referrals", 2, "EUR")).toBe("Refer 2 friends");
  });
});

describe("badges", () => {
  it("only the built-in icons", () => {
    expect(badgeFormSchema.safeParse({ name: "Regular", icon: "coffee", description: "" }).success).toBe(true);
    expect(badgeFormSchema.safeParse({ name: "Regular", icon: "https://evil.example/x.png", description: "" }).success).toBe(false);
    expect(badgeFormSchema.safeParse({ name: " ", icon: "star", description: "" }).success).toBe(false);
    expect(badgeGlyph("unknown")).toBe(badgeGlyph("star"));
  });
});

describe("the leaderboard's rules", () => {
  it("counts earnings, not spending, staff adjustments or releases", () => {
    expect(LEADERBOARD_KINDS).toContain("order_earned");
    expect(LEADERBOARD_KINDS).toContain("order_reversed");
    for (const kind of ["redeemed", "redemption_reversed", "expired", "manual_adjustment", "import", "pending_released"] as const) expect(LEADERBOARD_KINDS).not.toContain(kind);
  });

  it("shows the first name and the last initial only", () => {
    expect(leaderboardName("Anna", "Korhonen")).toBe("Anna K.");
    expect(leaderboardName("Mary Ann", "smith")).toBe("Mary S.");
    expect(leaderboardName("Anna", null)).toBe("Anna");
    expect(leaderboardName(null, "Korhonen")).toBeNull();
    expect(leaderboardName("Åsa", "Östlund")).toBe("Åsa Ö.");
  });

  it("the month is the shop's", () => {
    // 22:30 UTC on 31 March is 1 April 01:30 in Helsinki.
    const r = monthRange(at("2026-03-31T22:30:00Z"), "Europe/Helsinki");
    expect(r.month).toBe("2026-04");
    expect(r.from.toISOString()).toBe("2026-03-31T21:00:00.000Z");
    expect(r.to.toISOString()).toBe("2026-04-30T21:00:00.000Z");
    expect(monthRange(at("2026-12-15T00:00:00Z"), "UTC").to.toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("ranks by points, ties by who joined first; nobody with nothing", () => {
    const t = (s: number) => new Date(s);
    const ranked = rankStandings([
      { memberId: "a", points: 50, optInAt: t(2) },
      { memberId: "b", points: 80, optInAt: t(3) },
      { memberId: "c", points: 50, optInAt: t(1) },
      { memberId: "d", points: 0, optInAt: t(0) },
    ]);
    expect(ranked.map((r) => [r.memberId, r.rank])).toEqual([["b", 1], ["c", 2], ["a", 3]]);
  });
});
