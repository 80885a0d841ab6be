import { getDb, type Db } from "../../db.server";
import { formatMinorPlain, formatMoney } from "../ledger/money";
import { logInvalidJson } from "../json-column.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { tierVariantsToForm } from "./tier-variants-form";
import { emptyRewardForm, type RewardData, type RewardFormValues } from "./reward-form";
import { REWARD_TYPES, describeRewardValue, parseRewardConfig, type PointsRate, type RewardType } from "./rewards";

// The admin's rewards catalogue ("Ways to redeem"): list, create, edit, enable/disable and
// delete. A reward that has ever been redeemed is disabled instead of deleted, so every
// redemption keeps its reward. Rewards are not in the per-process shop config cache
// (../program/shop-config.server.ts caches program settings, earning rules and tiers only): the
// redeem path and the widget read them from the database, so a change is live at once.

// The form itself (fields, reading them) is ./reward-form.ts, re-exported here for the routes.
export { MAX_REWARD_POINTS, REWARD_FORM_FIELDS, emptyRewardForm, parseRewardForm } from "./reward-form";
export type { RewardData, RewardFormErrors, RewardFormField, RewardFormValues } from "./reward-form";

export class RewardAdminError extends Error {
  override name = "RewardAdminError";
}

export interface RewardAdminRow {
  id: string;
  type: RewardType;
  name: string;
  pointsCost: number;
  /** "€5.00 off", "15% off", "100 points = €1.00, up to €50.00" … */
  value: string;
  minOrder: string | null;
  minTierRank: number | null;
  minTierName: string | null;
  enabled: boolean;
  /** Redemptions that produced (or are producing) a code; failed ones are not counted. */
  timesRedeemed: number;
  /** Every redemption row, failed ones included: any of them keeps the reward from deletion. */
  redemptionRows: number;
}

async function findShop(db: Db, shopDomain: string) {
  return db.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, currencyCode: true, tiers: { orderBy: { rank: "asc" }, select: { name: true, rank: true } } },
  });
}

/** "€5.00 off"-style labels in the admin (the shop currency, English admin copy). */
export function rewardValueLabel(
  reward: { type: string; valueMinor: number | null; percentOff: number | null; rate: PointsRate | null; productTitle: string | null; notify?: boolean },
  currencyCode: string,
): string {
  const money = (minor: number) => formatMoney(minor, currencyCode, "en");
  switch (reward.type) {
    case "amount_off":
      return `${money(reward.valueMinor ?? 0)} off`;
    case "store_credit":
      return `${money(reward.valueMinor ?? 0)} store credit`;
    case "points_to_money":
      if (!reward.rate) return "Points to money (no rate)";
      return `${reward.rate.pointsPerUnit.toLocaleString("en")} points = ${money(reward.rate.unitMinor)}${reward.rate.maxMinor ? `, up to ${money(reward.rate.maxMinor)}` : ""}`;
    case "percent_off":
    case "free_shipping":
    case "free_product":
      return describeRewardValue({ ...reward, type: reward.type }, currencyCode);
    default:
      return reward.type;
  }
}

export async function listRewardsAdmin(shopDomain: string, db: Db = getDb()) {
  const shop = await findShop(db, shopDomain);
  if (!shop) return { currencyCode: "USD", tiers: [], rewards: [] as RewardAdminRow[] };
  const [rows, counts] = await Promise.all([
    db.reward.findMany({ where: { shopId: shop.id }, orderBy: [{ enabled: "desc" }, { pointsCost: "asc" }, { createdAt: "asc" }] }),
    db.redemption.groupBy({ by: ["rewardId", "status"], where: { shopId: shop.id, rewardId: { not: null } }, _count: { _all: true } }),
  ]);
  const tierName = new Map(shop.tiers.map((t) => [t.rank, t.name]));
  const rewards: RewardAdminRow[] = rows.map((row) => {
    const config = parseRewardConfig(row.config, { id: row.id, onInvalid: logInvalidJson({ shop: shopDomain }) });
    const mine = counts.filter((c) => c.rewardId === row.id);
    const valueMinor = row.valueMinor === null ? null : Number(row.valueMinor);
    return {
      id: row.id,
      type: (REWARD_TYPES as readonly string[]).includes(row.type) ? (row.type as RewardType) : "amount_off",
      name: row.name,
      pointsCost: row.pointsCost,
      value: rewardValueLabel({ type: row.type, valueMinor, percentOff: row.percentOff, ...config }, shop.currencyCode),
      minOrder: row.minOrderMinor ? formatMoney(Number(row.minOrderMinor), shop.currencyCode, "en") : null,
      minTierRank: row.minTierRank,
      minTierName: row.minTierRank === null ? null : (tierName.get(row.minTierRank) ?? `Tier ${row.minTierRank}`),
      enabled: row.enabled,
      timesRedeemed: mine.filter((c) => c.status !== "failed").reduce((n, c) => n + c._count._all, 0),
      redemptionRows: mine.reduce((n, c) => n + c._count._all, 0),
    };
  });
  return { currencyCode: shop.currencyCode, tiers: shop.tiers, rewards };
}


export async function getRewardForEdit(shopDomain: string, rewardId: string, db: Db = getDb()) {
  const shop = await findShop(db, shopDomain);
  if (!shop) return null;
  const base = { currencyCode: shop.currencyCode, tiers: shop.tiers };
  if (rewardId === "new") return { ...base, reward: null, redemptionRows: 0 };
  const row = await db.reward.findFirst({ where: { id: rewardId, shopId: shop.id } });
  if (!row) return { ...base, reward: null, redemptionRows: 0, notFound: true as const };
  const config = parseRewardConfig(row.config, { id: row.id, onInvalid: logInvalidJson({ shop: shopDomain }) });
  const plain = (minor: bigint | number | null | undefined) => (minor === null || minor === undefined ? "" : formatMinorPlain(Number(minor), shop.currencyCode));
  const values: RewardFormValues = {
    ...emptyRewardForm((REWARD_TYPES as readonly string[]).includes(row.type) ? (row.type as RewardType) : "amount_off"),
    name: row.name,
    pointsCost: String(row.pointsCost),
    value: plain(row.valueMinor),
    percentOff: row.percentOff === null ? "" : String(row.percentOff),
    minOrder: plain(row.minOrderMinor),
    expiryDays: row.expiryDays === null ? "" : String(row.expiryDays),
    minTierRank: row.minTierRank === null ? "" : String(row.minTierRank),
    maxTierRank: row.maxTierRank === null ? "" : String(row.maxTierRank),
    tierVariants: tierVariantsToForm(config.tierVariants ?? [], shop.currencyCode),
    enabled: row.enabled,
    productVariantGid: row.productVariantGid ?? "",
    productTitle: config.productTitle ?? "",
    productPrice: plain(config.priceMinor),
    productImageUrl: config.imageUrl ?? "",
    pointsPerUnit: config.rate ? String(config.rate.pointsPerUnit) : "100",
    unitAmount: config.rate ? plain(config.rate.unitMinor) : "",
    maxAmount: config.rate?.maxMinor ? plain(config.rate.maxMinor) : "",
    notify: config.notify,
  };
  const redemptionRows = await db.redemption.count({ where: { rewardId: row.id } });
  return { ...base, reward: { id: row.id, ...values }, redemptionRows };
}

function rowData(data: RewardData) {
  return {
    type: data.type,
    name: data.name,
    pointsCost: data.pointsCost,
    valueMinor: data.valueMinor === null ? null : BigInt(data.valueMinor),
    percentOff: data.percentOff,
    minOrderMinor: data.minOrderMinor === null ? null : BigInt(data.minOrderMinor),
    expiryDays: data.expiryDays,
    minTierRank: data.minTierRank,
    maxTierRank: data.maxTierRank,
    productVariantGid: data.productVariantGid,
    enabled: data.enabled,
    config: data.config,
  };
}

function auditValues(row: ReturnType<typeof rowData>) {
  const { type, name, pointsCost, valueMinor, percentOff, minOrderMinor, expiryDays, minTierRank, maxTierRank, productVariantGid, enabled, config } = row;
  return { type, name, pointsCost, valueMinor, percentOff, minOrderMinor, expiryDays, minTierRank, maxTierRank, productVariantGid, enabled, config };
}

/** Creates (rewardId "new") or updates a reward of this shop; returns its id. */
export async function saveReward(shopDomain: string, rewardId: string, data: RewardData, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<string> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) throw new RewardAdminError("This shop is not installed");
  const next = rowData(data);
  return inTransaction(db, async (tx) => {
    if (rewardId === "new") {
      const created = await tx.reward.create({ data: { shopId: shop.id, ...next } });
      await recordAudit(tx, { shopId: shop.id, actor, action: "reward.created", subjectType: "reward", subjectId: created.id, subjectLabel: created.name, before: null, after: auditValues(next) });
      return created.id;
    }
    const stored = await tx.reward.findFirst({ where: { id: rewardId, shopId: shop.id } });
    if (!stored) throw new RewardAdminError("This reward does not exist");
    await tx.reward.update({ where: { id: stored.id }, data: next });
    await recordAudit(tx, { shopId: shop.id, actor, action: "reward.updated", subjectType: "reward", subjectId: stored.id, subjectLabel: next.name, before: auditValues({ ...stored, type: stored.type as RewardType }), after: auditValues(next) });
    return rewardId;
  });
}

export async function setRewardEnabled(shopDomain: string, rewardId: string, enabled: boolean, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) throw new RewardAdminError("This reward does not exist");
  await inTransaction(db, async (tx) => {
    const stored = await tx.reward.findFirst({ where: { id: rewardId, shopId: shop.id } });
    if (!stored) throw new RewardAdminError("This reward does not exist");
    await tx.reward.update({ where: { id: stored.id }, data: { enabled } });
    await recordAudit(tx, { shopId: shop.id, actor, action: enabled ? "reward.enabled" : "reward.disabled", subjectType: "reward", subjectId: stored.id, subjectLabel: stored.name, before: { enabled: stored.enabled }, after: { enabled } });
  });
}

/**
 * Deletes a reward nobody has redeemed. One that has redemptions is disabled instead: the
 * redemptions (codes, points spent) keep pointing at it. The delete's own condition checks
 * for redemptions, so a redemption made a moment earlier is never orphaned.
 */
export async function deleteReward(shopDomain: string, rewardId: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<"deleted" | "disabled"> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) throw new RewardAdminError("This reward does not exist");
  return inTransaction(db, async (tx) => {
    const stored = await tx.reward.findFirst({ where: { id: rewardId, shopId: shop.id } });
    if (!stored) throw new RewardAdminError("This reward does not exist");
    const before = auditValues({ ...stored, type: stored.type as RewardType });
    const deleted = await tx.reward.deleteMany({ where: { id: rewardId, shopId: shop.id, redemptions: { none: {} } } });
    if (deleted.count > 0) {
      await recordAudit(tx, { shopId: shop.id, actor, action: "reward.deleted", subjectType: "reward", subjectId: stored.id, subjectLabel: stored.name, before, after: null });
      return "deleted";
    }
    await tx.reward.update({ where: { id: stored.id }, data: { enabled: false } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "reward.disabled", subjectType: "reward", subjectId: stored.id, subjectLabel: stored.name, before: { enabled: stored.enabled }, after: { enabled: false }, note: "Deleted, but it has redemptions: disabled instead" });
    return "disabled";
  });
}
