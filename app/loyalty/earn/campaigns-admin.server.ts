import { getDb, type Db } from "../../db.server";
import { campaignStatus, formatTierRanks, parseCampaignForm, parseTierRanks, type CampaignErrors, type CampaignFormValues } from "./campaigns";
import { utcToZonedDateTime } from "../program/zoned-time";
import { formatMultiplier } from "./preview";
import { invalidateShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { listCatalogCollections } from "../catalog/catalog.server";

function campaignAuditValues(c: { name: string; multiplierPermille: number; startsAt: Date; endsAt: Date | null; tierRanks: string; enabled: boolean; collectionGid?: string | null; collectionTitle?: string | null }) {
  return { name: c.name, multiplierPermille: c.multiplierPermille, startsAt: c.startsAt, endsAt: c.endsAt, tierRanks: c.tierRanks, enabled: c.enabled, collectionGid: c.collectionGid ?? null, collectionTitle: c.collectionTitle ?? null };
}

// The admin's campaigns: points multipliers over a window of shop-local time, stored in
// UTC (Campaign.startsAt/endsAt), for every member or some tiers (Campaign.tierRanks).
// Overlapping campaigns are allowed: they multiply (../orders/order-points.ts combineMultipliers).

export class CampaignError extends Error {
  override name = "CampaignError";
}

async function findShop(db: Db, shopDomain: string) {
  return db.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, domain: true, currencyCode: true, ianaTimezone: true, primaryLocale: true, tiers: { orderBy: { rank: "asc" }, select: { rank: true, name: true, multiplierPermille: true } } },
  });
}

/** The campaign edit page: the stored campaign (or a blank one for "new"), in shop-local time. */
export async function getCampaignEditor(shopDomain: string, id: string, db: Db = getDb(), now = new Date()) {
  const shop = await findShop(db, shopDomain);
  if (!shop) return null;
  const campaign = id === "new" ? null : await db.campaign.findFirst({ where: { id, shopId: shop.id } });
  if (id !== "new" && !campaign) return null;
  const purchase = await db.earningRule.findFirst({ where: { shopId: shop.id, type: "purchase", enabled: true }, orderBy: { createdAt: "asc" } });
  const zone = shop.ianaTimezone;
  let values: Required<CampaignFormValues>;
  if (campaign) {
    const start = utcToZonedDateTime(campaign.startsAt, zone);
    const end = utcToZonedDateTime(campaign.endsAt, zone);
    values = {
      name: campaign.name,
      multiplier: formatMultiplier(campaign.multiplierPermille).replace("×", ""),
      startDate: start.date,
      startTime: start.time,
      endDate: end.date,
      endTime: end.time,
      tiers: parseTierRanks(campaign.tierRanks).map(String),
      enabled: String(campaign.enabled),
      collection: campaign.collectionGid ?? "",
    };
  } else {
    // A new campaign starts as a weekend-length window from tomorrow, shop-local midnight.
    const today = utcToZonedDateTime(now, zone).date;
    const tomorrow = new Date(`${today}T00:00:00Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    const after = new Date(tomorrow);
    after.setUTCDate(after.getUTCDate() + 3);
    values = {
      name: "",
      multiplier: "2",
      startDate: tomorrow.toISOString().slice(0, 10),
      startTime: "00:00",
      endDate: after.toISOString().slice(0, 10),
      endTime: "00:00",
      tiers: [],
      enabled: "true",
      collection: "",
    };
  }
  const collections = await listCatalogCollections(db, shop.id);
  // A collection the catalogue no longer has stays choosable under its saved title.
  if (campaign?.collectionGid && !collections.some((c) => c.collectionGid === campaign.collectionGid)) {
    collections.push({ collectionGid: campaign.collectionGid, title: campaign.collectionTitle ?? "A deleted collection", handle: "" });
  }
  return {
    shop: { currencyCode: shop.currencyCode, timezone: zone, locale: shop.primaryLocale || "en" },
    tiers: shop.tiers,
    collections: collections.map((c) => ({ gid: c.collectionGid, title: c.title })),
    purchaseRate: purchase?.spendMinor ? { points: purchase.points, spendMinor: Number(purchase.spendMinor) } : null,
    campaign: campaign
      ? {
          id: campaign.id,
          name: campaign.name,
          status: campaignStatus(campaign, now),
          updatedAt: campaign.updatedAt.toISOString(),
        }
      : null,
    values,
  };
}

export type SaveCampaignResult = { ok: true; id: string; name: string; created: boolean } | { ok: false; errors: CampaignErrors };

/** Creates (id null) or updates a campaign. Invalid input saves nothing and says why, per field. */
export async function saveCampaign(shopDomain: string, id: string | null, values: CampaignFormValues, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<SaveCampaignResult> {
  const shop = await findShop(db, shopDomain);
  if (!shop) return { ok: false, errors: { form: "Your shop is not set up yet: reload the page" } };
  const parsed = parseCampaignForm(values, { timeZone: shop.ianaTimezone, tierRanks: shop.tiers.map((t) => t.rank) });
  if (!parsed.ok) return parsed;
  const c = parsed.campaign;
  // A campaign on a collection (0033): one the catalogue knows, its title kept for the list.
  let collection: { collectionGid: string; title: string } | null = null;
  if (values.collection) {
    const stored = id ? await db.campaign.findFirst({ where: { id, shopId: shop.id }, select: { collectionGid: true, collectionTitle: true } }) : null;
    const found = await db.catalogCollection.findUnique({ where: { shopId_collectionGid: { shopId: shop.id, collectionGid: values.collection } } });
    if (found) collection = { collectionGid: found.collectionGid, title: found.title };
    else if (stored?.collectionGid === values.collection) collection = { collectionGid: values.collection, title: stored.collectionTitle ?? "" };
    else return { ok: false, errors: { collection: "Choose a collection from the list" } };
  }
  const data = {
    collectionGid: collection?.collectionGid ?? null,
    collectionTitle: collection?.title ?? null,
    name: c.name,
    multiplierPermille: c.multiplierPermille,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    tierRanks: formatTierRanks(c.tierRanks),
    enabled: c.enabled,
  };
  if (id) {
    const found = await inTransaction(db, async (tx) => {
      const stored = await tx.campaign.findFirst({ where: { id, shopId: shop.id } });
      if (!stored) return false;
      await tx.campaign.update({ where: { id: stored.id }, data });
      await recordAudit(tx, { shopId: shop.id, actor, action: "campaign.updated", subjectType: "campaign", subjectId: id, subjectLabel: c.name, before: campaignAuditValues(stored), after: campaignAuditValues(data) });
      return true;
    });
    if (!found) return { ok: false, errors: { form: "This campaign no longer exists" } };
    invalidateShopConfig(shop.domain);
    return { ok: true, id, name: c.name, created: false };
  }
  const created = await inTransaction(db, async (tx) => {
    const row = await tx.campaign.create({ data: { shopId: shop.id, ...data } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "campaign.created", subjectType: "campaign", subjectId: row.id, subjectLabel: c.name, before: null, after: campaignAuditValues(row) });
    return row;
  });
  invalidateShopConfig(shop.domain);
  return { ok: true, id: created.id, name: c.name, created: true };
}

export async function setCampaignEnabled(shopDomain: string, id: string, enabled: boolean, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR) {
  await inTransaction(db, async (tx) => {
    const campaign = await tx.campaign.findFirst({ where: { id, shop: { domain: shopDomain } } });
    if (!campaign) throw new CampaignError("This campaign no longer exists");
    await tx.campaign.update({ where: { id: campaign.id }, data: { enabled } });
    await recordAudit(tx, {
      shopId: campaign.shopId, actor, action: enabled ? "campaign.enabled" : "campaign.disabled", subjectType: "campaign", subjectId: campaign.id, subjectLabel: campaign.name,
      before: { enabled: campaign.enabled }, after: { enabled },
    });
  });
  invalidateShopConfig(shopDomain);
}

/** Orders keep the multiplier they earned with (OrderRecord.multiplierPermille). */
export async function deleteCampaign(shopDomain: string, id: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR) {
  await inTransaction(db, async (tx) => {
    const campaign = await tx.campaign.findFirst({ where: { id, shop: { domain: shopDomain } } });
    const deleted = campaign ? await tx.campaign.deleteMany({ where: { id: campaign.id } }) : { count: 0 };
    if (!campaign || deleted.count !== 1) throw new CampaignError("This campaign no longer exists");
    await recordAudit(tx, { shopId: campaign.shopId, actor, action: "campaign.deleted", subjectType: "campaign", subjectId: campaign.id, subjectLabel: campaign.name, before: campaignAuditValues(campaign), after: null });
  });
  invalidateShopConfig(shopDomain);
}
