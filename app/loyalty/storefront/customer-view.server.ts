import { createHash } from "node:crypto";
import { getDb, type Db } from "../../db.server";
import { readPurchaseTerms } from "../earn/product-rules";
import { computeWayKeys, computeWays, yearInTimeZone, type WayView } from "../earn/actions";
import { releaseDuePendingPoints } from "../orders/orders.server";
import { toRedemptionView, toRewardDef, type RedemptionView } from "../rewards/redemptions.server";
import { toGiftViews, type GiftView } from "../rewards/gifts.server";
import { getMemberReferralView, type MemberReferralView } from "../referrals/codes.server";
import { checkRedeemable, rewardOfferedOn, type RewardSurface } from "../rewards/rewards";
import { rewardForTier } from "../rewards/tier-variants";
import { DEFAULT_PROGRAM_NAME, parsePointsNames, resolvePointsName, storefrontWidgetDefaults, type PointsName, type PointsNames, type WidgetDefaults } from "../program/settings";
import { logInvalidJson } from "../json-column.server";
import { getMemberChallengeView, loadShopChallenges, type MemberBadgeView, type MemberChallengeView, type ShopChallenges } from "../challenges/view.server";
import { toBirthdayView, type BirthdayView } from "../dates/birthday.server";
import { inactivityExpiryAt } from "../dates/birthday";
import { onShopConfigInvalidated, shopConfigCacheMs } from "../program/shop-config.server";
import { charityView, loadShopCharity, type CharityView, type ShopCharity } from "../charity/donations.server";
import { loadSurpriseNotices, type SurpriseNotice } from "../surprise/notices.server";
import { memberTierView, toTierBenefits, type MemberTierView, type TierBenefit } from "../tiers/view.server";
import { currentTierWindow, toTierBasis, toTierPeriod } from "../tiers/rules";
import { loadMemberSide } from "./member-side.server";
import { negotiateLanguage, type Language } from "../i18n/languages";
import { parseTextOverrides } from "../i18n/overrides";
import type { Texts } from "../i18n/catalogue";
import { localizeNames, panelTexts } from "./localize";

// What the storefront widget reads through the app proxy. Field names are a contract with
// extensions/kanta-widget: add fields, never rename or remove them.

export interface CustomerView {
  customer: {
    id: string;
    firstName: string | null;
    points: number;
    pendingPoints: number;
    lifetimePoints: number;
    status: string;
    /** The member's tier and what is missing for the next, in the basis' unit (../tiers/view.server.ts MemberTierView). */
    tier: MemberTierView | null;
    recentActivity: { at: string; kind: string; points: number; pendingPoints: number; note: string | null }[];
    redemptions: RedemptionView[];
    /** Free products given to the member (sign-up, milestones, tier, birthday) with a code ready to use, newest first (0031). */
    gifts: GiftView[];
    /** The member's referral link and what it earns; null when referrals are off (0009). */
    referral: MemberReferralView | null;
    /** The birthday the member gave, and when they may change it; null: not given (0023). */
    birthday: BirthdayView | null;
    /** What expires when without activity (the whole spendable balance, ISO instant); null: nothing expires (0023). */
    expiry: { points: number; at: string } | null;
    /** Surprises the member won and has not seen in the widget yet, newest first (0037). */
    surprises: SurpriseNotice[];
    /** Challenges the member can do or has done, with progress, and their badges (0035). */
    challenges: MemberChallengeView[];
    badges: MemberBadgeView[];
    /** Whether the member shows on the monthly leaderboard (0035). */
    leaderboardOptedIn: boolean;
  } | null;
  /** The causes the shop takes points for and its rate; null when it takes none (0037). */
  charity: CharityView | null;
  /** The enabled rewards; for a member, whether each can be redeemed now and why not. */
  rewards: {
    id: string;
    name: string;
    type: string;
    pointsCost: number;
    valueMinor: number | null;
    percentOff: number | null;
    minOrderMinor: number | null;
    minTierRank: number | null;
    redeemable: boolean;
    reason: "insufficient_points" | "tier_required" | "reward_unavailable" | "not_a_member" | null;
    neededPoints: number;
    /** tier_required: the name of the lowest tier that unlocks the reward. */
    minTierName: string | null;
    /** The member's tier gets its own cost or value (0032): the widget shows the value beside the cost. */
    tierTerms: boolean;
    /** points_to_money: the rate (the shopper chooses the points, in steps of pointsPerUnit); else null. */
    rate: { pointsPerUnit: number; unitMinor: number; maxMinor: number | null } | null;
    /** free_product: the product as the merchant picked it; else null. */
    productTitle: string | null;
  }[];
  program: {
    status: string;
    currencyCode: string;
    earn: { points: number; spendMinor: number } | null;
    signupPoints: number | null;
    pendingDays: number;
    /** The shop's IANA time zone: periods (tier years) are shop-local. */
    timeZone: string;
    /** The merchant's program name; null when left at the default (the widget's own "Rewards"). */
    programName: string | null;
    /** The merchant's names for points per widget language; a missing language uses the widget's words. */
    pointsNames: PointsNames;
    /** The names for this shopper's language (the member's locale, else the shop's), or null. */
    pointsName: PointsName | null;
    /** Points expire after this many months without activity; null: never. */
    expiryMonths: number | null;
    /** Appearance defaults for when the theme editor's settings are left at their defaults. */
    widget: WidgetDefaults;
  };
  /** The enabled earning rules ("Ways to earn"), with what this shopper can do about each. */
  ways: WayView[];
  /** The VIP tiers and their benefits, lowest first; `basis` says the thresholds' unit (spend: minor units). */
  tiers: { basis: string; period: string; list: TierBenefit[] };
  /** The language the names (and `texts`) are in: the storefront's locale negotiated (0036). */
  language?: Language;
  /** Every text of the widget's panel in `language`, the merchant's overrides applied; only when asked (the widget). */
  texts?: Texts;
  /**
   * The version of `texts` (a hash of them): sent whenever texts are asked; `texts` itself is
   * left out when the caller says it holds this version (the widget keeps them per language).
   */
  textsVersion?: string;
}

/** The shop's side of every view: program, enabled rules and rewards, tiers (one query, cached). */
function queryStorefrontShop(db: Db, domain: string) {
  return db.shop.findUnique({
    where: { domain },
    include: {
      program: true,
      earnRules: { where: { enabled: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      rewards: { where: { enabled: true }, orderBy: [{ pointsCost: "asc" }, { createdAt: "asc" }] },
      tiers: { orderBy: { rank: "asc" }, select: { id: true, name: true, rank: true, thresholdMinor: true, multiplierPermille: true, perks: true, translations: true } },
    },
  });
}

type StorefrontShopRow = NonNullable<Awaited<ReturnType<typeof queryStorefrontShop>>>;

/** The shop's side, with its challenges and badges, its causes, and the panel's texts per language as asked. */
type StorefrontShop = StorefrontShopRow & { challengeSide: ShopChallenges; charity: ShopCharity; hasSurprises: boolean; texts: Map<Language, { texts: Texts; version: string }> };

/**
 * Every signed-in shopper's page view asks for their view; the shop's side of it changes
 * rarely, so each process keeps it as long as the order path keeps its configuration
 * (KANTA_CONFIG_CACHE_MS, default 2 s; tests 0), and drops it when the admin invalidates the
 * shop's configuration (program/shop-config.server.ts). What is left per view is the
 * member's own rows.
 */
const shopCache = new Map<string, { shop: Promise<StorefrontShop | null>; expiresAt: number }>();
onShopConfigInvalidated((domain) => (domain ? shopCache.delete(domain) : shopCache.clear()));

/**
 * The shop's side from the cache; when it has expired, one read for all the views that ask
 * meanwhile (at 500 reads/s, each of them reading it again made a stall every expiry: p99
 * 1.1–2.2 s against a p50 of 6–39 ms, 0044). A failed read is not kept.
 */
function loadStorefrontShop(db: Db, domain: string, now = Date.now()): Promise<StorefrontShop | null> {
  const hit = shopCache.get(domain);
  if (hit && hit.expiresAt > now) return hit.shop;
  const shop = readStorefrontShop(db, domain);
  const ttl = shopConfigCacheMs();
  if (ttl > 0) {
    const entry = { shop, expiresAt: Number.POSITIVE_INFINITY };
    shopCache.set(domain, entry);
    // Its time runs from when it was read, as before; a failed read leaves no entry.
    shop.then(
      () => void (entry.expiresAt = Date.now() + ttl),
      () => void (shopCache.get(domain) === entry && shopCache.delete(domain)),
    );
  }
  return shop;
}

async function readStorefrontShop(db: Db, domain: string): Promise<StorefrontShop | null> {
  const row = await queryStorefrontShop(db, domain);
  const [challengeSide, charity, surprise] = row
    ? await Promise.all([loadShopChallenges(db, row.id), loadShopCharity(db, row.id), db.surprise.findFirst({ where: { shopId: row.id }, select: { id: true } })])
    : [null, null, null];
  // A shop that never made a surprise has no winners to show: its members' views skip the read.
  return row && challengeSide ? { ...row, challengeSide, charity, hasSurprises: surprise !== null, texts: new Map<Language, { texts: Texts; version: string }>() } : null;
}

/** A short hash of the panel's texts: the widget sends it back to be spared the 10 KB it holds. */
function textsVersion(texts: Texts): string {
  return createHash("sha1").update(JSON.stringify(texts)).digest("base64url").slice(0, 12);
}

export class ProgramNotFoundError extends Error {
  override name = "ProgramNotFoundError";
}

/**
 * `surface`: where the view is shown (default the online store's widget). Store credit
 * rewards are left out in POS, where Shopify's store credit cannot be spent (0028).
 * `locale`: the storefront's locale ("fi", "pt-BR"); names are translated into its language
 * (else the member's, else the shop's); `texts`: add the panel's texts in that language (0036)
 * and their version, the texts themselves only when `textsHeld` is not that version (0043).
 */
export async function getCustomerView(
  shopDomain: string,
  customerGid: string | null,
  db: Db = getDb(),
  options: { surface?: RewardSurface; locale?: string | null; texts?: boolean; textsHeld?: string | null } = {},
): Promise<CustomerView> {
  const surface = options.surface ?? "online_store";
  const shop = await loadStorefrontShop(db, shopDomain);
  if (!shop || !shop.program || shop.uninstalledAt) throw new ProgramNotFoundError(`no program for ${shopDomain}`);
  const purchase = shop.earnRules.find((r) => r.type === "purchase");
  const signup = shop.earnRules.find((r) => r.type === "signup");
  const onInvalid = logInvalidJson({ shop: shopDomain });
  const pointsNames = parsePointsNames(shop.program.pointsNames, { id: shop.program.id, onInvalid });
  const program: CustomerView["program"] = {
    status: shop.program.status,
    currencyCode: shop.currencyCode,
    // Fixed points per order (0033) is not a rate: the widget shows no "points per amount" line then.
    earn: purchase?.spendMinor && readPurchaseTerms(purchase.config).mode !== "fixed" ? { points: purchase.points, spendMinor: Number(purchase.spendMinor) } : null,
    signupPoints: signup?.points ?? null,
    pendingDays: shop.program.pendingDays,
    timeZone: shop.ianaTimezone,
    programName: shop.program.programName.trim() && shop.program.programName !== DEFAULT_PROGRAM_NAME ? shop.program.programName : null,
    pointsNames,
    pointsName: resolvePointsName(pointsNames, shop.primaryLocale),
    expiryMonths: shop.program.expiryMonths,
    widget: storefrontWidgetDefaults(shop.program.widgetSettings, { id: shop.program.id, onInvalid }),
  };
  const rewardDefs = shop.rewards.flatMap((row) => {
    const def = toRewardDef(row);
    return def && rewardOfferedOn(def.type, surface) ? [def] : [];
  });
  // A member sees each reward as their tier gets it, and not the ones their tier is above (0032).
  const rewardsFor = (member: { points: number; tierRank: number | null } | null): CustomerView["rewards"] =>
    rewardDefs.flatMap((def) => {
      const r = member ? rewardForTier(def, member.tierRank) : def;
      const refusal = member ? checkRedeemable(r, member) : null;
      if (refusal?.code === "tier_too_high") return [];
      return [
        {
        id: r.id,
        name: r.name,
        type: r.type,
        pointsCost: r.pointsCost,
        valueMinor: r.valueMinor,
        percentOff: r.percentOff,
        minOrderMinor: r.minOrderMinor,
        minTierRank: r.minTierRank,
        redeemable: member !== null && refusal === null,
        reason: member ? (refusal?.code ?? null) : "not_a_member",
        neededPoints: refusal?.code === "insufficient_points" ? refusal.needed : 0,
        minTierName: r.minTierRank === null ? null : (shop.tiers.find((t) => t.rank >= r.minTierRank!)?.name ?? null),
        rate: r.rate ?? null,
        productTitle: r.productTitle ?? null,
        tierTerms: r !== def,
        },
      ];
    });
  const now = new Date();
  const year = yearInTimeZone(now, shop.ianaTimezone);
  const tiers = { basis: shop.program.tierBasis, period: shop.program.tierPeriod, list: toTierBenefits(shop.tiers, onInvalid) };
  const localized = (view: CustomerView, memberLocale: string | null): CustomerView => {
    const language = negotiateLanguage(options.locale || memberLocale || shop.primaryLocale);
    const named = localizeNames(view, language, { rewards: shop.rewards, rules: shop.earnRules, tiers: shop.tiers }, onInvalid);
    if (!options.texts) return { ...named, language };
    let held = shop.texts.get(language);
    if (!held) {
      const texts = panelTexts(language, parseTextOverrides(shop.program!.textOverrides, { id: shop.program!.id, onInvalid }));
      shop.texts.set(language, (held = { texts, version: textsVersion(texts) }));
    }
    if (options.textsHeld === held.version) return { ...named, language, textsVersion: held.version };
    return { ...named, language, texts: held.texts, textsVersion: held.version };
  };
  const guest = async (): Promise<CustomerView> => localized({ customer: null, program, rewards: rewardsFor(null), ways: computeWays(shop.earnRules, null, onInvalid), tiers, charity: charityView(shop.charity, shop.currencyCode, null) }, null);
  if (!customerGid) return guest();

  // The member's own rows in one statement (member-side.server.ts).
  const wayKeys = computeWayKeys(shop.earnRules, customerGid, year);
  const memberQuery = {
    shopId: shop.id,
    customerGid,
    wayKeys,
    tier: { basis: toTierBasis(shop.program.tierBasis), window: currentTierWindow(toTierPeriod(shop.program.tierPeriod), now, shop.ianaTimezone) },
    now,
  };
  let side = await loadMemberSide(db, memberQuery);
  if (!side) return guest();
  // Points whose return window has passed are spendable now, whether or not the sweep ran
  // (a write only when some are due; read again only then).
  if (side.member.pendingPoints !== 0 && (await releaseDuePendingPoints(db, { memberId: side.member.id })) > 0) side = (await loadMemberSide(db, memberQuery)) ?? side;
  const row = side.member;
  // The member's tier from the shop's cached ladder; one made since it was read, from the database.
  const tierId = row.tierId;
  const memberTier = tierId === null ? null : (shop.tiers.find((t) => t.id === tierId) ?? (await db.tier.findUnique({ where: { id: tierId }, select: { name: true, rank: true } })));
  const full = { ...row, tier: memberTier ? { name: memberTier.name, rank: memberTier.rank } : null };
  const tier = full.tier ? memberTierView({ ...shop, program: shop.program }, tiers.list, full.tier, side.tierProgress ?? 0, now) : null;
  // A tier's birthday points replace the birthday rule's for its members (0008).
  const birthdayPoints = tiers.list.find((t) => t.rank === full.tier?.rank)?.perks.birthdayPoints ?? null;
  const ways = computeWays(shop.earnRules, {
    customerGid,
    canClaim: full.status === "active" && shop.program.status === "live",
    existingKeys: side.paidKeys,
    year,
  }, onInvalid);
  const challengeView = await getMemberChallengeView(db, shop.challengeSide, full.id, now);
  return localized({
    customer: {
      id: full.customerGid,
      firstName: full.firstName,
      points: full.points,
      pendingPoints: full.pendingPoints,
      lifetimePoints: full.lifetimePoints,
      status: full.status,
      tier,
      recentActivity: side.ledger.map((e) => ({
        at: e.createdAt.toISOString(),
        kind: e.kind,
        points: e.delta,
        pendingPoints: e.pendingDelta,
        // A staff adjustment's reason and an import's file and line are internal: shoppers see the kind's neutral label ("Points adjusted", "Points brought over").
        note: e.kind === "manual_adjustment" || e.kind === "import" ? null : e.note,
      })),
      redemptions: side.redemptions.map(toRedemptionView),
      gifts: toGiftViews(side.gifts),
      // The code is assigned the first time the member's view is built.
      referral: await getMemberReferralView(db, shop, full),
      birthday: toBirthdayView(full, now),
      expiry:
        shop.program.expiryMonths && full.points > 0 && full.status === "active"
          ? { points: full.points, at: inactivityExpiryAt(full.lastActivityAt, shop.program.expiryMonths).toISOString() }
          : null,
      surprises: shop.hasSurprises ? await loadSurpriseNotices(db, shop.id, full.id) : [],
      challenges: challengeView.challenges,
      badges: challengeView.badges,
      leaderboardOptedIn: full.leaderboardOptInAt !== null,
    },
    charity: charityView(shop.charity, shop.currencyCode, full.status === "active" ? full.points : null),
    program: full.locale ? { ...program, pointsName: resolvePointsName(program.pointsNames, full.locale) ?? program.pointsName } : program,
    rewards: rewardsFor(full.status === "active" ? { points: full.points, tierRank: full.tier?.rank ?? null } : null),
    ways: birthdayPoints === null ? ways : ways.map((w) => (w.type === "birthday" ? { ...w, points: birthdayPoints } : w)),
    tiers,
  }, full.locale);
}

/**
 * Before a web process takes traffic: one view of a customer who is no member, in the first
 * live shop, so the first shoppers after a start or a deploy are not the ones who pay for the
 * process's cold paths (the shop side's read and its statements' preparation, the member
 * statement, the panel's texts). Cold, the first views took 300-580 ms while webhooks arrived,
 * and held the acknowledgements behind them (0045). Writes nothing; never throws. Returns the
 * shop it warmed, or null.
 */
export async function warmStorefront(db: Db = getDb()): Promise<string | null> {
  try {
    const shop = await db.shop.findFirst({ where: { uninstalledAt: null, program: { status: "live" } }, orderBy: { installedAt: "asc" }, select: { domain: true } });
    if (!shop) return null;
    await getCustomerView(shop.domain, "gid://shopify/Customer/0", db, { texts: true });
    return shop.domain;
  } catch {
    return null;
  }
}
