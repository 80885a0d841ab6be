import { z } from "zod";
import { parseTagList } from "../program/defaults";
import { zonedDateTimeToUtc } from "../program/zoned-time";
import { MEMBER_TAG, tierTag } from "./rules";

// Members-only products and early access (issue #17 item 4), the pure half: the rules a
// merchant keeps on the Members-only page (stored as JSON in Program.memberAccess), who may
// buy what when, and the value of the app-data metafield `kanta.access` the theme block
// (extensions/kanta-widget/blocks/members-only.liquid) reads. Dates are shop-local days:
// "from 12 May" opens at midnight in the shop's time zone.
// docs/decisions/0034-members-only.md, docs/members-only.md

export const MAX_ACCESS_RULES = 10;
export const MAX_ACCESS_ITEMS = 50;
export const MAX_ACCESS_NAME = 60;
export { MEMBER_TAG };
/** A stage open to every member, whatever their tier. */
export const MEMBERS = "members";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const item = z.object({ id: z.string().min(1).max(100), title: z.string().max(255).default(""), handle: z.string().max(255).default("") });
export type AccessItem = z.infer<typeof item>;

const stage = z.object({ who: z.string().min(1).max(60), from: z.string().nullable().default(null) });
export type AccessStage = z.infer<typeof stage>;

const rule = z.object({
  id: z.string().min(1).max(40),
  name: z.string().max(200),
  products: z.array(item).default([]),
  collections: z.array(item).default([]),
  stages: z.array(stage).default([]),
  openFrom: z.string().nullable().default(null),
});
export type AccessRule = z.infer<typeof rule>;

const stored = z.object({ rules: z.array(rule).default([]) });

/** The stored rules; anything unreadable reads as none (the page then starts empty). */
export function parseAccessRules(json: string | null | undefined): AccessRule[] {
  try {
    const parsed = stored.safeParse(JSON.parse(json || "{}"));
    return parsed.success ? parsed.data.rules : [];
  } catch {
    return [];
  }
}

export function serializeAccessRules(rules: readonly AccessRule[]): string {
  return JSON.stringify({ rules });
}

/** A tier as the rules need it: its name and rank (0 = lowest). */
export interface AccessTier {
  name: string;
  rank: number;
}

export type AccessErrors = Record<string, string>;
export type AccessValidation = { ok: true; rules: AccessRule[] } | { ok: false; errors: AccessErrors };

/** The shop-local midnight that opens `date`, or null for a date that does not exist. */
export function dayStart(date: string, timeZone: string): Date | null {
  if (!DATE.test(date)) return null;
  return zonedDateTimeToUtc(date, "00:00", timeZone);
}

/** Rank of a stage's audience: members are the widest (-1), then tiers by rank. */
function audienceRank(who: string, tiers: readonly AccessTier[]): number | null {
  if (who === MEMBERS) return -1;
  return tiers.find((t) => t.name === who)?.rank ?? null;
}

/**
 * Checks rules as the admin sends them. Refused: a rule with no product or collection, no
 * stage, a stage for a tier that does not exist (or twice), a date that does not exist, a
 * tier opening later than a wider audience that already includes it (Gold after Members:
 * Gold members could buy with the members), and "open to everyone" not after every dated
 * stage (a stage without a date is open now).
 * Errors are keyed `rules.<i>.<field>` (`rules.<i>.stages.<j>.who|from`) or `form`.
 */
export function validateAccessRules(input: unknown, tiers: readonly AccessTier[], timeZone: string): AccessValidation {
  const parsed = z.array(rule).safeParse(input);
  if (!parsed.success) return { ok: false, errors: { form: "The rules could not be read. Reload the page and try again." } };
  const errors: AccessErrors = {};
  if (parsed.data.length > MAX_ACCESS_RULES) errors.form = `At most ${MAX_ACCESS_RULES} members-only rules.`;
  const ids = new Set<string>();
  const rules = parsed.data.map((r, i) => {
    const at = (field: string) => `rules.${i}.${field}`;
    const name = r.name.trim();
    if (!name) errors[at("name")] = "Give the rule a name.";
    else if (name.length > MAX_ACCESS_NAME) errors[at("name")] = `At most ${MAX_ACCESS_NAME} characters.`;
    if (ids.has(r.id)) errors.form = "Two rules have the same id. Reload the page and try again.";
    ids.add(r.id);
    if (r.products.length + r.collections.length === 0) errors[at("items")] = "Pick at least one product or collection.";
    else if (r.products.length > MAX_ACCESS_ITEMS || r.collections.length > MAX_ACCESS_ITEMS) errors[at("items")] = `At most ${MAX_ACCESS_ITEMS} products and ${MAX_ACCESS_ITEMS} collections.`;
    const wrong = [...r.products.filter((p) => !/^gid:\/\/shopify\/Product\/\d+$/.test(p.id)), ...r.collections.filter((c) => !/^gid:\/\/shopify\/Collection\/\d+$/.test(c.id))];
    if (wrong.length) errors[at("items")] = `${wrong.map((w) => w.title || w.id).join(", ")}: not a Shopify product or collection. Remove it and pick it again.`;
    if (r.stages.length === 0) errors[at("stages")] = "Say who may buy: members, or a tier and above.";
    const seen = new Set<string>();
    const stages = r.stages.map((s, j) => {
      const key = (field: string) => at(`stages.${j}.${field}`);
      const from = s.from && s.from.trim() ? s.from.trim() : null;
      if (audienceRank(s.who, tiers) === null) errors[key("who")] = "This tier no longer exists. Pick another.";
      else if (seen.has(s.who)) errors[key("who")] = "This audience is already listed.";
      seen.add(s.who);
      if (from !== null && !dayStart(from, timeZone)) errors[key("from")] = "Enter a real date.";
      return { who: s.who, from };
    });
    // A tier inside a wider audience must open no later than it: else the wider date wins anyway.
    stages.forEach((s, j) => {
      const rank = audienceRank(s.who, tiers);
      if (rank === null || errors[at(`stages.${j}.from`)]) return;
      for (const wider of stages) {
        const wRank = audienceRank(wider.who, tiers);
        if (wider === s || wRank === null || wRank >= rank) continue;
        const opensLater = wider.from === null ? true : s.from !== null && s.from > wider.from;
        if (opensLater) {
          const label = wider.who === MEMBERS ? "all members" : `${wider.who} and above`;
          errors[at(`stages.${j}.from`)] = `${s.who} opens after ${label}, who include ${s.who} members. Give ${s.who} an earlier date, or remove it.`;
          return;
        }
      }
    });
    const openFrom = r.openFrom && r.openFrom.trim() ? r.openFrom.trim() : null;
    if (openFrom !== null) {
      if (!dayStart(openFrom, timeZone)) errors[at("openFrom")] = "Enter a real date.";
      else if (stages.some((s) => s.from !== null && dayStart(s.from, timeZone) !== null && s.from >= openFrom)) errors[at("openFrom")] = "Open to everyone after every early-access date.";
    }
    return { id: r.id, name, products: r.products, collections: r.collections, stages, openFrom };
  });
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, rules };
}

// ---- who may buy what, when ----

/** A shopper as Kanta knows them: not signed in, or a customer who is (or is not) a member, with a tier or none. */
export type AccessShopper = { kind: "guest" } | { kind: "customer"; member: boolean; tierName: string | null };

export interface AccessDecision {
  allowed: boolean;
  /** When this shopper may buy, if not now and ever (a stage for them, or everyone's date). */
  opensAt: Date | null;
}

/** May this shopper buy under this rule at `now`? Tiers are matched "at or above" by rank. */
export function decideAccess(r: AccessRule, shopper: AccessShopper, tiers: readonly AccessTier[], now: Date, timeZone: string): AccessDecision {
  const starts: Date[] = [];
  if (r.openFrom) starts.push(dayStart(r.openFrom, timeZone)!);
  if (shopper.kind === "customer" && shopper.member) {
    const rank = shopper.tierName === null ? null : (tiers.find((t) => t.name === shopper.tierName)?.rank ?? null);
    for (const s of r.stages) {
      const need = audienceRank(s.who, tiers);
      if (need === null) continue;
      const inAudience = need === -1 || (rank !== null && rank >= need);
      if (inAudience) starts.push(s.from ? dayStart(s.from, timeZone)! : new Date(0));
    }
  }
  if (starts.length === 0) return { allowed: false, opensAt: null };
  const first = new Date(Math.min(...starts.map((d) => d.getTime())));
  return first.getTime() <= now.getTime() ? { allowed: true, opensAt: first } : { allowed: false, opensAt: first };
}

/** The rules that cover a product: listed itself, or in a listed collection. */
export function rulesForProduct(rules: readonly AccessRule[], productGid: string, collectionGids: readonly string[]): AccessRule[] {
  return rules.filter((r) => r.products.some((p) => p.id === productGid) || r.collections.some((c) => collectionGids.includes(c.id)));
}

/** Under several rules, a shopper may buy only when every rule lets them. */
export function decideProductAccess(rules: readonly AccessRule[], shopper: AccessShopper, tiers: readonly AccessTier[], now: Date, timeZone: string): AccessDecision {
  let opensAt: Date | null = null;
  let allowed = true;
  for (const r of rules) {
    const d = decideAccess(r, shopper, tiers, now, timeZone);
    if (!d.allowed) allowed = false;
    if (d.opensAt === null) return { allowed: false, opensAt: null };
    if (opensAt === null || d.opensAt > opensAt) opensAt = d.opensAt;
  }
  return { allowed, opensAt: rules.length ? opensAt : null };
}

// ---- the app-data metafield kanta.access (a contract with members-only.liquid) ----

export interface AccessAppDataStage {
  /** "Members" or the tier's name, for the message. */
  label: string;
  /** True for the all-members stage (the message says "Members"). */
  members: boolean;
  /** Customer tags that qualify (the member tag and/or the tier tags at or above). */
  tags: string[];
  /** Opens at (Unix seconds, the shop-local midnight); 0 = open now. */
  from: number;
  /** The shop-local date it opens ("2026-05-12"), or null. */
  day: string | null;
}

export interface AccessAppData {
  v: 1;
  /**
   * Every customer with an account is enrolled (customers/create), except those with one of
   * these tags: a "Members" stage matches a signed-in customer without them, or with a Kanta
   * tag (a member of the entry tier since enrolment has no Kanta tag: no tier move was synced).
   */
  excludedTags: string[];
  rules: {
    id: string;
    /** Numeric ids (Liquid's product.id and collection.id are numbers). */
    products: string[];
    collections: string[];
    stages: AccessAppDataStage[];
    /** Everyone may buy from (Unix seconds), or 0 = members only with no end. */
    openAt: number;
    openDay: string | null;
  }[];
}

/**
 * The Cart and Checkout Validation Function's configuration (extensions/kanta-access-validation,
 * its src/config.ts reads it): GIDs as the function's input has them, shop-local days as
 * `shop.localTime.date` gives them, and the tags and collections its input query asks about.
 */
export function buildAccessValidationConfig(rules: readonly AccessRule[], tiers: readonly AccessTier[], timeZone: string, excludedTags = "") {
  const data = buildAccessAppData(rules, tiers, timeZone, excludedTags);
  const config = {
    version: 1 as const,
    excludedTags: data.excludedTags,
    rules: rules.map((r, i) => ({
      products: r.products.map((p) => p.id),
      collections: r.collections.map((c) => c.id),
      stages: data.rules[i]!.stages.map((s) => ({ tags: s.members ? [] : s.tags, members: s.members, day: s.day })),
      openDay: r.openFrom,
    })),
  };
  const tags = [...new Set([...config.excludedTags, ...config.rules.flatMap((r) => r.stages.flatMap((s) => s.tags))])];
  const collectionIds = [...new Set(config.rules.flatMap((r) => r.collections))];
  return { ...config, tags, collectionIds };
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

/** The metafield's value. Tags follow the ladder as it is now, so saving tiers marks it for sync too. */
export function buildAccessAppData(rules: readonly AccessRule[], tiers: readonly AccessTier[], timeZone: string, excludedTags = ""): AccessAppData {
  const ranked = [...tiers].sort((a, b) => a.rank - b.rank);
  return {
    v: 1,
    excludedTags: parseTagList(excludedTags),
    rules: rules.map((r) => ({
      id: r.id,
      products: r.products.map((p) => numericId(p.id)),
      collections: r.collections.map((c) => numericId(c.id)),
      stages: r.stages.flatMap((s) => {
        const need = audienceRank(s.who, tiers);
        if (need === null) return [];
        const tags = need === -1 ? [MEMBER_TAG, ...ranked.map((t) => tierTag(t.name))] : ranked.filter((t) => t.rank >= need).map((t) => tierTag(t.name));
        const from = s.from ? dayStart(s.from, timeZone) : null;
        return [{ label: s.who === MEMBERS ? "Members" : s.who, members: need === -1, tags, from: from ? unix(from) : 0, day: from ? s.from : null }];
      }),
      openAt: r.openFrom ? unix(dayStart(r.openFrom, timeZone)!) : 0,
      openDay: r.openFrom,
    })),
  };
}
