import { getDb, type Db, type Tx } from "../../db.server";
import { isEarningRuleType, type EarningRuleType } from "./actions";
import { campaignStatus, describeAudience, parseTierRanks } from "./campaigns";
import { isValidTimeZone } from "../program/zoned-time";
import type { OnInvalidJson } from "../json-column";
import { logInvalidJson } from "../json-column.server";
import { addableRuleTypes, mergeRuleConfig, readRuleConfig, ruleTypeRank } from "./rules";
import { findDuplicateRule, parseRuleForm, type RuleErrors, type RuleFormValues, type StoredRuleValues } from "./rule-form";
import { parseRewardConfig } from "../rewards/rewards";
import { invalidateShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { readPurchaseTerms } from "./product-rules";
import { catalogSyncState, listCatalogCollections, listCatalogProducts, requestCatalogSync } from "../catalog/catalog.server";

// The admin's "Ways to earn": list, create, edit, switch on/off and delete earning rules.
// Every change drops this process's cached shop config (../program/shop-config.server.ts), so the
// next order event reads the new rule; other processes see it within the cache's TTL.

export class EarnRuleError extends Error {
  override name = "EarnRuleError";
  constructor(
    readonly code: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

export interface EarnRuleView extends StoredRuleValues {
  id: string;
  type: EarningRuleType;
  updatedAt: string;
}

function toView(
  rule: { id: string; type: string; name: string; points: number; spendMinor: bigint | null; enabled: boolean; limit: string; config: string; updatedAt: Date },
  onInvalid: OnInvalidJson,
): EarnRuleView | null {
  if (!isEarningRuleType(rule.type)) return null; // a type this admin does not know: left alone
  return {
    id: rule.id,
    type: rule.type,
    name: rule.name,
    points: rule.points,
    spendMinor: rule.spendMinor === null ? null : Number(rule.spendMinor),
    enabled: rule.enabled,
    limit: rule.limit,
    config: readRuleConfig(rule.config, { id: rule.id, onInvalid }),
    purchaseTerms: rule.type === "purchase" ? readPurchaseTerms(rule.config, { id: rule.id, onInvalid }) : null,
    updatedAt: rule.updatedAt.toISOString(),
  };
}

async function findShop(db: Db | Tx, shopDomain: string) {
  return db.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, domain: true, currencyCode: true, ianaTimezone: true, primaryLocale: true },
  });
}

function shopView(shop: NonNullable<Awaited<ReturnType<typeof findShop>>>) {
  return { currencyCode: shop.currencyCode, timezone: shop.ianaTimezone, locale: shop.primaryLocale || "en" };
}

/** Everything /app/earn lists: rules (by type, then age), campaigns (running, coming, off, ended), tiers. */
export async function getEarnPage(shopDomain: string, db: Db = getDb(), now = new Date()) {
  const shop = await findShop(db, shopDomain);
  if (!shop) return null;
  const [rules, campaigns, tiers, purchase] = await Promise.all([
    db.earningRule.findMany({ where: { shopId: shop.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.campaign.findMany({ where: { shopId: shop.id }, orderBy: [{ startsAt: "asc" }, { id: "asc" }] }),
    db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" }, select: { rank: true, name: true, multiplierPermille: true } }),
    db.earningRule.findFirst({ where: { shopId: shop.id, type: "purchase", enabled: true }, orderBy: { createdAt: "asc" } }),
  ]);
  const onInvalid = logInvalidJson({ shop: shopDomain });
  const views = rules.flatMap((r) => toView(r, onInvalid) ?? []).sort((a, b) => ruleTypeRank(a.type) - ruleTypeRank(b.type));
  // Dates as text here, on the server: Node's and the browser's ICU can differ in spacing
  // (formatRange especially), which would break hydration.
  const zone = isValidTimeZone(shop.ianaTimezone) ? shop.ianaTimezone : "UTC";
  const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: zone });
  const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: zone });
  return {
    shop: shopView(shop),
    rules: views,
    addable: addableRuleTypes(rules),
    tiers,
    purchaseRate: purchase?.spendMinor ? { points: purchase.points, spendMinor: Number(purchase.spendMinor) } : null,
    campaigns: sortCampaigns(campaigns, now).map((c) => {
      const ranks = parseTierRanks(c.tierRanks);
      return {
        id: c.id,
        name: c.name,
        multiplierPermille: c.multiplierPermille,
        startsAt: c.startsAt.toISOString(),
        endsAt: c.endsAt.toISOString(),
        tierRanks: ranks,
        audience: describeAudience(ranks, tiers),
        /** "Dec 5, 2026, 12:00 AM – Dec 8, 2026, 12:00 AM" in the shop's time zone. */
        when: `${dateTime.format(c.startsAt)} – ${dateTime.format(c.endsAt)}`,
        startsOn: date.format(c.startsAt),
        enabled: c.enabled,
        status: campaignStatus(c, now),
      };
    }),
    now: now.toISOString(),
  };
}

export type EarnPage = NonNullable<Awaited<ReturnType<typeof getEarnPage>>>;

const STATUS_ORDER = { active: 0, scheduled: 1, off: 2, ended: 3 } as const;

/** Running first, then the coming ones soonest first, then switched off, then the ended ones latest first. */
function sortCampaigns<T extends { enabled: boolean; startsAt: Date; endsAt: Date }>(campaigns: readonly T[], now: Date): T[] {
  return [...campaigns].sort((a, b) => {
    const sa = campaignStatus(a, now);
    const sb = campaignStatus(b, now);
    if (sa !== sb) return STATUS_ORDER[sa] - STATUS_ORDER[sb];
    return sa === "ended" ? b.endsAt.getTime() - a.endsAt.getTime() : a.startsAt.getTime() - b.startsAt.getTime();
  });
}

/** One rule for its edit page, or a blank one of `type` for id "new". Null: not this shop's. */
export async function getRuleEditor(shopDomain: string, id: string, type: string | null, db: Db = getDb(), now = new Date()) {
  const page = await getEarnPage(shopDomain, db, now);
  if (!page) return null;
  if (id === "new") {
    if (!type || !isEarningRuleType(type)) return null;
    return { ...page, rule: null, type, catalog: type === "purchase" ? await catalogChoices(db, shopDomain, now) : null };
  }
  const rule = page.rules.find((r) => r.id === id);
  if (!rule) return null;
  return { ...page, rule, type: rule.type, catalog: rule.type === "purchase" ? await catalogChoices(db, shopDomain, now) : null };
}

/**
 * The "Products and collections" picker's choices from the catalogue (0033); a catalogue
 * never synced is asked for now (the job reads it within a minute).
 */
async function catalogChoices(db: Db, shopDomain: string, now: Date) {
  const shop = await findShop(db, shopDomain);
  if (!shop) return null;
  const [collections, products, sync] = await Promise.all([listCatalogCollections(db, shop.id), listCatalogProducts(db, shop.id, { take: 500 }), catalogSyncState(db, shop.id)]);
  if (!sync) await requestCatalogSync(db, shop.id, now);
  return {
    collections: collections.map((c) => ({ gid: c.collectionGid, title: c.title })),
    products: products.map((p) => ({ gid: p.productGid, title: p.title })),
    syncedAt: sync?.finishedAt?.toISOString() ?? null,
  };
}

/** The products a rule or a tier can give as a gift: the shop's free-product rewards (0031). */
export async function listGiftChoices(shopDomain: string, db: Db = getDb()): Promise<{ id: string; label: string }[]> {
  const rows = await db.reward.findMany({ where: { shop: { domain: shopDomain }, type: "free_product" }, orderBy: { name: "asc" }, select: { id: true, name: true, config: true } });
  return rows.map((r) => {
    const title = parseRewardConfig(r.config).productTitle;
    return { id: r.id, label: title && title !== r.name ? `${r.name} (${title})` : r.name };
  });
}

export type SaveRuleResult = { ok: true; id: string; name: string; created: boolean } | { ok: false; errors: RuleErrors };

/**
 * Creates (id null) or updates a rule from the submitted form. Invalid input, or a second
 * rule where only one may exist, saves nothing and says why, per field.
 */
/** A rule's fields as the audit log shows them. */
function ruleAuditValues(rule: { name: string; points: number; spendMinor: bigint | null; limit: string; enabled: boolean; config: string; type: string }) {
  return { type: rule.type, name: rule.name, points: rule.points, spendMinor: rule.spendMinor, limit: rule.limit, enabled: rule.enabled, config: rule.config };
}

export async function saveEarnRule(shopDomain: string, id: string | null, values: RuleFormValues, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<SaveRuleResult> {
  const shop = await findShop(db, shopDomain);
  if (!shop) return { ok: false, errors: { form: "Your shop is not set up yet: reload the page" } };
  const result = await inTransaction(db, async (tx): Promise<SaveRuleResult> => {
    // Locks the shop row (PostgreSQL) so two concurrent "add" clicks cannot both pass the
    // duplicate check; SQLite runs one writer at a time anyway.
    await tx.shop.update({ where: { id: shop.id }, data: { updatedAt: new Date() } });
    const existing = await tx.earningRule.findMany({ where: { shopId: shop.id }, select: { id: true, type: true, config: true } });
    const stored = id ? await tx.earningRule.findFirst({ where: { id, shopId: shop.id } }) : null;
    if (id && !stored) return { ok: false, errors: { form: "This way to earn no longer exists" } };
    // The type of a saved rule never changes; a new rule takes it from the form.
    const parsed = parseRuleForm({ ...values, type: stored ? stored.type : values.type }, shop.currencyCode);
    if (!parsed.ok) return parsed;
    const draft = parsed.rule;
    const duplicate = findDuplicateRule(draft, existing, id);
    if (duplicate) return { ok: false, errors: { [duplicate.field]: duplicate.message } };
    // A gift is one of the shop's free-product rewards (0031).
    if (draft.config.giftRewardId && !(await tx.reward.findFirst({ where: { id: draft.config.giftRewardId, shopId: shop.id, type: "free_product" }, select: { id: true } }))) {
      return { ok: false, errors: { giftRewardId: "Choose one of your free-product rewards" } };
    }
    const data = {
      name: draft.name,
      points: draft.points,
      spendMinor: draft.spendMinor === null ? null : BigInt(draft.spendMinor),
      limit: draft.limit,
      enabled: draft.enabled,
      config: mergeRuleConfig(stored?.config ?? "{}", draft.config, { id: stored?.id, onInvalid: logInvalidJson({ shop: shopDomain }) }),
    };
    if (stored) {
      await tx.earningRule.update({ where: { id: stored.id }, data });
      await recordAudit(tx, {
        shopId: shop.id, actor, action: "earn_rule.updated", subjectType: "earn_rule", subjectId: stored.id, subjectLabel: draft.name,
        before: ruleAuditValues(stored), after: ruleAuditValues({ ...data, type: stored.type }),
      });
      return { ok: true, id: stored.id, name: draft.name, created: false };
    }
    const created = await tx.earningRule.create({ data: { shopId: shop.id, type: draft.type, ...data } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "earn_rule.created", subjectType: "earn_rule", subjectId: created.id, subjectLabel: draft.name, before: null, after: ruleAuditValues(created) });
    return { ok: true, id: created.id, name: draft.name, created: true };
  });
  if (result.ok) invalidateShopConfig(shop.domain);
  return result;
}

export async function setEarnRuleEnabled(shopDomain: string, id: string, enabled: boolean, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR) {
  await inTransaction(db, async (tx) => {
    const rule = await tx.earningRule.findFirst({ where: { id, shop: { domain: shopDomain } } });
    if (!rule) throw new EarnRuleError("not_found", "This way to earn no longer exists");
    await tx.earningRule.update({ where: { id: rule.id }, data: { enabled } });
    await recordAudit(tx, {
      shopId: rule.shopId, actor, action: enabled ? "earn_rule.enabled" : "earn_rule.disabled", subjectType: "earn_rule", subjectId: rule.id, subjectLabel: rule.name,
      before: { enabled: rule.enabled }, after: { enabled },
    });
  });
  invalidateShopConfig(shopDomain);
}

/**
 * Deletes a rule. Orders keep the rate they earned with (OrderRecord), and claims already
 * paid stay in the ledger; a new rule of the same type is a new offer (claim keys carry
 * the rule id, actions.ts).
 */
export async function deleteEarnRule(shopDomain: string, id: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR) {
  await inTransaction(db, async (tx) => {
    const rule = await tx.earningRule.findFirst({ where: { id, shop: { domain: shopDomain } } });
    const deleted = rule ? await tx.earningRule.deleteMany({ where: { id: rule.id } }) : { count: 0 };
    if (!rule || deleted.count !== 1) throw new EarnRuleError("not_found", "This way to earn no longer exists");
    await recordAudit(tx, { shopId: rule.shopId, actor, action: "earn_rule.deleted", subjectType: "earn_rule", subjectId: rule.id, subjectLabel: rule.name, before: ruleAuditValues(rule), after: null });
  });
  invalidateShopConfig(shopDomain);
}
