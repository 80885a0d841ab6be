import { describe, expect, it } from "vitest";
import {
  MEMBERS,
  MEMBER_TAG,
  buildAccessAppData,
  decideAccess,
  decideProductAccess,
  rulesForProduct,
  validateAccessRules,
  type AccessRule,
  type AccessShopper,
} from "../../app/loyalty/tiers/access";

// Members-only products and early access (0034): who may buy what when, per tier and date,
// in the shop's time zone; what the admin refuses; the metafield the theme block reads.

const TIERS = [
  { name: "Bronze", rank: 0 },
  { name: "Silver", rank: 1 },
  { name: "Gold", rank: 2 },
  { name: "Platinum", rank: 3 },
];
const TZ = "Europe/Helsinki"; // UTC+3 in May: a shop-local day starts at 21:00 UTC the day before

const product = (n: number) => ({ id: `gid://shopify/Product/${n}`, title: `Set ${n}`, handle: `set-${n}` });
const rule = (patch: Partial<AccessRule> = {}): AccessRule => ({ id: "r1", name: "Spring drop", products: [product(1)], collections: [], stages: [{ who: MEMBERS, from: null }], openFrom: null, ...patch });

const guest: AccessShopper = { kind: "guest" };
const stranger: AccessShopper = { kind: "customer", member: false, tierName: null };
const member = (tierName: string | null): AccessShopper => ({ kind: "customer", member: true, tierName });

const LAUNCH = rule({ stages: [{ who: "Gold", from: "2026-05-12" }, { who: MEMBERS, from: "2026-05-15" }], openFrom: "2026-05-19" });

describe("who may buy what, when", () => {
  it("members-only: members of any tier (or none) buy; guests and customers who are not members never do", () => {
    const r = rule();
    const now = new Date("2026-05-01T12:00:00Z");
    expect(decideAccess(r, member(null), TIERS, now, TZ).allowed).toBe(true);
    expect(decideAccess(r, member("Bronze"), TIERS, now, TZ).allowed).toBe(true);
    expect(decideAccess(r, guest, TIERS, now, TZ)).toEqual({ allowed: false, opensAt: null });
    expect(decideAccess(r, stranger, TIERS, now, TZ)).toEqual({ allowed: false, opensAt: null });
  });

  it("a tier and above: Gold and Platinum buy, Silver does not", () => {
    const r = rule({ stages: [{ who: "Gold", from: null }] });
    const now = new Date("2026-05-01T12:00:00Z");
    expect(decideAccess(r, member("Gold"), TIERS, now, TZ).allowed).toBe(true);
    expect(decideAccess(r, member("Platinum"), TIERS, now, TZ).allowed).toBe(true);
    expect(decideAccess(r, member("Silver"), TIERS, now, TZ)).toEqual({ allowed: false, opensAt: null });
    expect(decideAccess(r, member(null), TIERS, now, TZ).allowed).toBe(false);
  });

  it("early access by tier opens at the shop's midnight, not UTC's", () => {
    const goldOpens = new Date("2026-05-11T21:00:00Z"); // 12 May 00:00 in Helsinki
    expect(decideAccess(LAUNCH, member("Gold"), TIERS, new Date(goldOpens.getTime() - 1000), TZ)).toEqual({ allowed: false, opensAt: goldOpens });
    expect(decideAccess(LAUNCH, member("Gold"), TIERS, goldOpens, TZ)).toEqual({ allowed: true, opensAt: goldOpens });
    expect(decideAccess(LAUNCH, member("Platinum"), TIERS, goldOpens, TZ).allowed).toBe(true);
    // Silver is a member: the members' date, 15 May.
    expect(decideAccess(LAUNCH, member("Silver"), TIERS, goldOpens, TZ)).toEqual({ allowed: false, opensAt: new Date("2026-05-14T21:00:00Z") });
    expect(decideAccess(LAUNCH, member("Silver"), TIERS, new Date("2026-05-14T21:00:00Z"), TZ).allowed).toBe(true);
    // Guests wait for everyone's date.
    expect(decideAccess(LAUNCH, guest, TIERS, new Date("2026-05-18T20:59:59Z"), TZ)).toEqual({ allowed: false, opensAt: new Date("2026-05-18T21:00:00Z") });
    expect(decideAccess(LAUNCH, guest, TIERS, new Date("2026-05-18T21:00:00Z"), TZ).allowed).toBe(true);
    expect(decideAccess(LAUNCH, stranger, TIERS, new Date("2026-05-19T12:00:00Z"), TZ).allowed).toBe(true);
  });

  it("the same dates in New York open hours later", () => {
    const ny = decideAccess(LAUNCH, member("Gold"), TIERS, new Date("2026-05-12T03:59:00Z"), "America/New_York");
    expect(ny).toEqual({ allowed: false, opensAt: new Date("2026-05-12T04:00:00Z") });
  });

  it("a product covered by its collection; under two rules, every rule must let the shopper buy", () => {
    const byCollection = rule({ id: "r2", products: [], collections: [{ id: "gid://shopify/Collection/9", title: "Icons", handle: "icons" }], stages: [{ who: "Gold", from: null }] });
    const rules = [rule(), byCollection];
    expect(rulesForProduct(rules, "gid://shopify/Product/1", []).map((r) => r.id)).toEqual(["r1"]);
    expect(rulesForProduct(rules, "gid://shopify/Product/2", ["gid://shopify/Collection/9"]).map((r) => r.id)).toEqual(["r2"]);
    const both = rulesForProduct(rules, "gid://shopify/Product/1", ["gid://shopify/Collection/9"]);
    const now = new Date("2026-05-01T00:00:00Z");
    expect(decideProductAccess(both, member("Silver"), TIERS, now, TZ).allowed).toBe(false);
    expect(decideProductAccess(both, member("Gold"), TIERS, now, TZ).allowed).toBe(true);
    expect(decideProductAccess([], guest, TIERS, now, TZ)).toEqual({ allowed: true, opensAt: null });
  });
});

describe("what the admin refuses", () => {
  const check = (rules: unknown) => validateAccessRules(rules, TIERS, TZ);

  it("accepts the launch schedule and trims empty dates to none", () => {
    const result = check([{ ...LAUNCH, stages: [...LAUNCH.stages, { who: "Platinum", from: " " }] }]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.rules[0]!.stages[2]).toEqual({ who: "Platinum", from: null });
  });

  it("refuses dates that do not exist, tiers that do not exist, nothing to sell and nobody to sell to", () => {
    const result = check([rule({ name: " ", products: [], stages: [{ who: "Diamond", from: "2026-02-30" }], openFrom: "2026-13-01" })]);
    expect(result).toEqual({
      ok: false,
      errors: {
        "rules.0.name": "Give the rule a name.",
        "rules.0.items": "Pick at least one product or collection.",
        "rules.0.stages.0.who": "This tier no longer exists. Pick another.",
        "rules.0.stages.0.from": "Enter a real date.",
        "rules.0.openFrom": "Enter a real date.",
      },
    });
    expect(check([rule({ stages: [] })])).toMatchObject({ ok: false, errors: { "rules.0.stages": expect.any(String) } });
    expect(check([rule({ products: [{ id: "123", title: "x", handle: "x" }] })])).toMatchObject({ ok: false, errors: { "rules.0.items": expect.any(String) } });
    // A product picked as a collection (or the other way round) is refused by name.
    expect(check([rule({ collections: [product(5)] })])).toEqual({ ok: false, errors: { "rules.0.items": "Set 5: not a Shopify product or collection. Remove it and pick it again." } });
  });

  it("refuses a tier opening after a wider audience that includes it, and everyone before the members", () => {
    expect(check([rule({ stages: [{ who: MEMBERS, from: "2026-05-12" }, { who: "Gold", from: "2026-05-15" }] })])).toMatchObject({
      ok: false,
      errors: { "rules.0.stages.1.from": expect.stringContaining("Gold opens after all members") },
    });
    expect(check([rule({ stages: [{ who: "Silver", from: null }, { who: "Gold", from: "2026-05-15" }] })])).toMatchObject({
      ok: false,
      errors: { "rules.0.stages.1.from": expect.stringContaining("Silver and above") },
    });
    expect(check([rule({ stages: [{ who: "Gold", from: "2026-05-12" }], openFrom: "2026-05-12" })])).toMatchObject({ ok: false, errors: { "rules.0.openFrom": expect.any(String) } });
    expect(check([rule({ stages: [{ who: "Gold", from: "2026-05-13" }], openFrom: "2026-05-12" })])).toMatchObject({ ok: false, errors: { "rules.0.openFrom": expect.any(String) } });
    // Gold now, everyone later: fine.
    expect(check([rule({ stages: [{ who: "Gold", from: null }], openFrom: "2026-05-12" })]).ok).toBe(true);
    expect(check([rule({ stages: [{ who: "Gold", from: null }, { who: "Gold", from: null }] })])).toMatchObject({ ok: false, errors: { "rules.0.stages.1.who": expect.any(String) } });
  });

  it("refuses more than ten rules and anything that is not a list of rules", () => {
    expect(check(Array.from({ length: 11 }, (_v, i) => rule({ id: `r${i}` })))).toMatchObject({ ok: false, errors: { form: expect.stringContaining("At most 10") } });
    expect(check({ rules: [] })).toMatchObject({ ok: false, errors: { form: expect.any(String) } });
  });
});

describe("the kanta.access metafield", () => {
  it("names the customer tags that qualify, numeric ids, and opening times as the shop's midnights", () => {
    const value = buildAccessAppData([{ ...LAUNCH, collections: [{ id: "gid://shopify/Collection/9", title: "Icons", handle: "icons" }] }], TIERS, TZ, " Wholesale, staff");
    expect(value).toEqual({
      v: 1,
      excludedTags: ["wholesale", "staff"],
      rules: [
        {
          id: "r1",
          products: ["1"],
          collections: ["9"],
          stages: [
            { label: "Gold", members: false, tags: ["kanta-tier-gold", "kanta-tier-platinum"], from: Date.parse("2026-05-11T21:00:00Z") / 1000, day: "2026-05-12" },
            { label: "Members", members: true, tags: [MEMBER_TAG, "kanta-tier-bronze", "kanta-tier-silver", "kanta-tier-gold", "kanta-tier-platinum"], from: Date.parse("2026-05-14T21:00:00Z") / 1000, day: "2026-05-15" },
          ],
          openAt: Date.parse("2026-05-18T21:00:00Z") / 1000,
          openDay: "2026-05-19",
        },
      ],
    });
  });

  it("drops a stage whose tier was deleted since, and says 0 for open now and never for everyone", () => {
    const value = buildAccessAppData([rule({ stages: [{ who: "Diamond", from: null }, { who: "Gold", from: null }] })], TIERS, TZ);
    expect(value.rules[0]!.stages.map((s) => [s.label, s.from])).toEqual([["Gold", 0]]);
    expect(value.rules[0]!.openAt).toBe(0);
  });
});
