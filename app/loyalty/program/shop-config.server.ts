import type { Db, Tx } from "../../db.server";
import type { NthOrderRule } from "../earn/milestones";
import type { CampaignRule } from "../earn/campaigns";
import { readPurchaseTerms, type PurchaseTerms } from "../earn/product-rules";
import { readStoredRuleConfig as readRuleConfig } from "../earn/actions";
import { logInvalidJson } from "../json-column.server";
import { UnknownShopError } from "./shops.server";
import { parseTierPerks, type TierPerks } from "../tiers/rules";
import { getEnv } from "../../env.server";

// What every webhook needs to know about a shop: its program settings, earning rules and
// tier ladder. Read on every order event, changed rarely, so each process keeps it for a
// few seconds (KANTA_CONFIG_CACHE_MS, default 2000). Settings changes made through
// app/loyalty call invalidateShopConfig(); other processes see them within that time.
// (bench/webhooks.ts measured these lookups at a fifth of the queries per order.)

export interface ShopConfig {
  id: string;
  domain: string;
  currencyCode: string;
  ianaTimezone: string;
  uninstalled: boolean;
  program: {
    status: string;
    pendingDays: number;
    expiryMonths: number | null;
    excludedTags: string;
    tierBasis: string;
    tierPeriod: string;
    tierKeepNextPeriod: boolean;
  };
  /** `terms`: the mode (rate or fixed per order) and the product and collection rules (../earn/product-rules.ts, 0033). */
  purchaseRule: { points: number; spendMinor: bigint; terms: PurchaseTerms } | null;
  /** points may be 0 when the rule gives a gift instead (0031). */
  signupRule: { points: number; name: string; giftRewardId: string | null } | null;
  /** Enabled "every Nth order" milestone rules (../earn/milestones.ts nthOrderBonus). */
  nthOrderRules: NthOrderRule[];
  entryTierId: string | null;
  /** The tier ladder, by rank ascending (qualification and perks: ../tiers/rules.ts). */
  tiers: { id: string; name: string; rank: number; thresholdMinor: number; multiplierPermille: number; perks: TierPerks }[];
  /** Enabled points campaigns not long over (orders settle days after they are placed): ../earn/campaigns.ts. */
  campaigns: CampaignRule[];
  /** The shop has a challenge switched on: the order path moves challenges only then (../challenges, 0035). */
  hasChallenges: boolean;
}

/** Campaigns that ended longer ago than this no longer matter to orders being settled. */
const CAMPAIGN_LOOKBACK_MS = 90 * 86_400_000;

const cache = new Map<string, { config: ShopConfig; expiresAt: number }>();

function ttlMs(): number {
  return getEnv().KANTA_CONFIG_CACHE_MS;
}

/** How long a process may keep a shop's configuration (KANTA_CONFIG_CACHE_MS), for other caches of shop data. */
export const shopConfigCacheMs = ttlMs;

const invalidationListeners: ((domain?: string) => void)[] = [];

/** Other per-shop caches (the storefront's) drop their entry whenever this one is invalidated. */
export function onShopConfigInvalidated(listener: (domain?: string) => void): void {
  invalidationListeners.push(listener);
}

export async function requireShopConfig(db: Db | Tx, domain: string, now = Date.now()): Promise<ShopConfig> {
  const hit = cache.get(domain);
  if (hit && hit.expiresAt > now) return hit.config;
  const shop = await db.shop.findUnique({
    where: { domain },
    include: {
      program: true,
      earnRules: { where: { enabled: true, type: { in: ["purchase", "signup", "nth_order"] } }, orderBy: { createdAt: "asc" } },
      tiers: {
        orderBy: { rank: "asc" },
        select: { id: true, name: true, rank: true, thresholdMinor: true, multiplierPermille: true, perks: true },
      },
      campaigns: {
        where: { enabled: true, endsAt: { gt: new Date(now - CAMPAIGN_LOOKBACK_MS) } },
        select: { multiplierPermille: true, startsAt: true, endsAt: true, tierRanks: true, collectionGid: true },
      },
      challenges: { where: { status: "active" }, select: { id: true }, take: 1 },
    },
  });
  if (!shop || !shop.program) throw new UnknownShopError(`unknown shop ${domain}`);
  const purchase = shop.earnRules.find((r) => r.type === "purchase" && r.spendMinor !== null && r.points > 0);
  const signup = shop.earnRules.find((r) => r.type === "signup" && (r.points > 0 || readRuleConfig(r.config).giftRewardId));
  const config: ShopConfig = {
    id: shop.id,
    domain: shop.domain,
    currencyCode: shop.currencyCode,
    ianaTimezone: shop.ianaTimezone,
    uninstalled: shop.uninstalledAt !== null,
    program: {
      status: shop.program.status,
      pendingDays: shop.program.pendingDays,
      expiryMonths: shop.program.expiryMonths,
      excludedTags: shop.program.excludedTags,
      tierBasis: shop.program.tierBasis,
      tierPeriod: shop.program.tierPeriod,
      tierKeepNextPeriod: shop.program.tierKeepNextPeriod,
    },
    purchaseRule: purchase ? { points: purchase.points, spendMinor: purchase.spendMinor!, terms: readPurchaseTerms(purchase.config, { id: purchase.id, onInvalid: logInvalidJson({ shop: domain }) }) } : null,
    signupRule: signup ? { points: signup.points, name: signup.name, giftRewardId: readRuleConfig(signup.config).giftRewardId ?? null } : null,
    nthOrderRules: shop.earnRules
      .filter((r) => r.type === "nth_order")
      .map((r) => ({ id: r.id, type: r.type, name: r.name, points: r.points, enabled: r.enabled, limit: r.limit, config: r.config })),
    entryTierId: shop.tiers[0]?.id ?? null,
    tiers: shop.tiers.map((t) => ({
      id: t.id,
      name: t.name,
      rank: t.rank,
      thresholdMinor: Number(t.thresholdMinor),
      multiplierPermille: t.multiplierPermille,
      perks: parseTierPerks(t.perks, { id: t.id, onInvalid: logInvalidJson({ shop: domain }) }),
    })),
    campaigns: shop.campaigns.map((c) => ({ ...c, enabled: true })),
    hasChallenges: shop.challenges.length > 0,
  };
  const ttl = ttlMs();
  if (ttl > 0) cache.set(domain, { config, expiresAt: now + ttl });
  return config;
}

export function invalidateShopConfig(domain?: string): void {
  if (domain) cache.delete(domain);
  else cache.clear();
  for (const listener of invalidationListeners) listener(domain);
}
