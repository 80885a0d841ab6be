import { z } from "zod";
import { getDb, type Db } from "../../db.server";
import { currencyScale, formatMinorPlain, formatMoney, readMoneyInput } from "../ledger/money";
import { logInvalidJson } from "../json-column.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { REWARD_TYPES, describeRewardValue, parseRewardConfig, type PointsRate, type RewardType } from "./rewards";

// The admin's rewards catalogue ("Ways to redeem"): list, create, edit, enable/disable and
// delete. A reward that has ever been redeemed is disabled instead of deleted, so every
// redemption keeps its reward. Rewards are not in the per-process shop config cache
// (../program/shop-config.server.ts caches program settings, earning rules and tiers only): the
// redeem path and the widget read them from the database, so a change is live at once.

export const MAX_REWARD_POINTS = 1_000_000;
/** The largest money amount a form accepts, in whole currency units. */
const MAX_AMOUNT_UNITS = 1_000_000;

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

/** The edit form's fields, as text (what the inputs hold). */
export interface RewardFormValues {
  type: RewardType;
  name: string;
  pointsCost: string;
  value: string;
  percentOff: string;
  minOrder: string;
  expiryDays: string;
  minTierRank: string;
  enabled: boolean;
  productVariantGid: string;
  productTitle: string;
  /** free_product: the variant's price as the picker gave it ("24.50"): one unit off (0031). */
  productPrice: string;
  /** free_product: the product's image as the picker gave it (the widget shows gifts with it). */
  productImageUrl: string;
  pointsPerUnit: string;
  unitAmount: string;
  maxAmount: string;
  /** store_credit: Shopify emails the customer when the credit is added. */
  notify: boolean;
}

export const REWARD_FORM_FIELDS = [
  "type",
  "name",
  "pointsCost",
  "value",
  "percentOff",
  "minOrder",
  "expiryDays",
  "minTierRank",
  "enabled",
  "productVariantGid",
  "productTitle",
  "productPrice",
  "productImageUrl",
  "pointsPerUnit",
  "unitAmount",
  "maxAmount",
  "notify",
] as const;
export type RewardFormField = (typeof REWARD_FORM_FIELDS)[number];

export function emptyRewardForm(type: RewardType = "amount_off"): RewardFormValues {
  return {
    type,
    name: "",
    pointsCost: "",
    value: "",
    percentOff: "",
    minOrder: "",
    expiryDays: "",
    minTierRank: "",
    enabled: true,
    productVariantGid: "",
    productTitle: "",
    productPrice: "",
    productImageUrl: "",
    pointsPerUnit: type === "points_to_money" ? "100" : "",
    unitAmount: "",
    maxAmount: "",
    notify: true,
  };
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

/** What is written to the Reward row. */
export interface RewardData {
  type: RewardType;
  name: string;
  pointsCost: number;
  valueMinor: number | null;
  percentOff: number | null;
  minOrderMinor: number | null;
  expiryDays: number | null;
  minTierRank: number | null;
  productVariantGid: string | null;
  enabled: boolean;
  config: string;
}

export type RewardFormErrors = Partial<Record<RewardFormField | "form", string>>;

const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d{1,20}$/;

/**
 * Validates the edit form for one shop (its currency's decimals, its tiers). The zod schema
 * is built per call because it depends on the shop. Every problem is reported on its field.
 */
export function parseRewardForm(
  raw: Partial<Record<string, unknown>>,
  shop: { currencyCode: string; tierRanks: readonly number[] },
): { ok: true; data: RewardData } | { ok: false; errors: RewardFormErrors } {
  // Every field is plain text here and checked in the transform, so that one mistake does
  // not hide the others: each problem is reported on its own field at once.
  const text = z.preprocess((v) => (typeof v === "string" ? v.trim() : ""), z.string());
  const schema = z
    .object({
      type: z.enum(REWARD_TYPES, { error: "Choose a reward type" }),
      name: text,
      pointsCost: text,
      value: text,
      percentOff: text,
      minOrder: text,
      expiryDays: text,
      minTierRank: text,
      enabled: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
      productVariantGid: text,
      productTitle: text,
      productPrice: text,
      productImageUrl: text,
      pointsPerUnit: text,
      unitAmount: text,
      maxAmount: text,
      notify: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
    })
    .transform((f, ctx): RewardData => {
      const maxAmountMinor = MAX_AMOUNT_UNITS * 10 ** currencyScale(shop.currencyCode);
      const fail = (path: RewardFormField, message: string) => {
        ctx.addIssue({ code: "custom", path: [path], message });
        return null;
      };
      const int = (path: RewardFormField, value: string, o: { empty: string; notInt: string; min: number; tooSmall: string; max: number; tooLarge: string }) => {
        if (value === "") return fail(path, o.empty);
        if (!/^[+-]?\d+$/.test(value)) return fail(path, o.notInt);
        const n = Number(value);
        if (n < o.min) return fail(path, o.tooSmall);
        if (n > o.max) return fail(path, o.tooLarge);
        return n;
      };
      const money = (path: RewardFormField, value: string, o: { empty?: string; positive: boolean; tooSmall: string }) => {
        if (value === "") return o.empty ? fail(path, o.empty) : null;
        const read = readMoneyInput(value, shop.currencyCode, { sign: o.positive ? "positive" : "non_negative", maxMinor: maxAmountMinor });
        if (read.ok) return read.minor;
        const { code, message } = read.error;
        if (code === "not_money") return fail(path, `Enter an amount like ${formatMinorPlain(5 * 10 ** currencyScale(shop.currencyCode), shop.currencyCode)}`);
        if (code === "negative" || code === "zero") return fail(path, o.tooSmall);
        if (code === "too_large") return fail(path, "The amount is too large");
        return fail(path, message);
      };
      const pointsRule = {
        notInt: "Points must be a whole number",
        min: 1,
        max: MAX_REWARD_POINTS,
        tooLarge: `At most ${MAX_REWARD_POINTS.toLocaleString("en")} points`,
      };

      if (f.name === "") fail("name", "Enter a name");
      else if (f.name.length > 80) fail("name", "The name can be at most 80 characters");
      const data: RewardData = {
        type: f.type,
        name: f.name,
        pointsCost: 0,
        valueMinor: null,
        percentOff: null,
        minOrderMinor:
          f.type === "store_credit"
            ? f.minOrder === ""
              ? null
              : fail("minOrder", "Store credit has no minimum order: leave it empty")
            : money("minOrder", f.minOrder, { positive: false, tooSmall: "The minimum order can't be negative" }),
        expiryDays:
          f.expiryDays === ""
            ? null
            : int("expiryDays", f.expiryDays, {
                empty: "",
                notInt: "Enter a whole number of days",
                min: 1,
                tooSmall: `${f.type === "store_credit" ? "Store credit" : "Codes"} can be valid for 1 to 365 days`,
                max: 365,
                tooLarge: `${f.type === "store_credit" ? "Store credit" : "Codes"} can be valid for 1 to 365 days`,
              }),
        minTierRank: null,
        productVariantGid: null,
        enabled: f.enabled,
        config: "{}",
      };
      if (f.minTierRank !== "") {
        const rank = Number(f.minTierRank);
        if (!/^\d+$/.test(f.minTierRank) || !shop.tierRanks.includes(rank)) fail("minTierRank", "Choose one of your tiers");
        else data.minTierRank = rank;
      }

      if (f.type === "points_to_money") {
        const pointsPerUnit = int("pointsPerUnit", f.pointsPerUnit, { ...pointsRule, empty: "Enter a number of points", tooSmall: "At least 1 point" });
        const unitMinor = money("unitAmount", f.unitAmount, { empty: "Enter what the points are worth", positive: true, tooSmall: "The value must be more than 0" });
        const maxMinor = money("maxAmount", f.maxAmount, { positive: true, tooSmall: "The maximum must be more than 0" });
        if (unitMinor !== null && maxMinor !== null && maxMinor < unitMinor) {
          fail("maxAmount", `The maximum must be at least ${formatMoney(unitMinor, shop.currencyCode, "en")}, the value of ${f.pointsPerUnit} points`);
        }
        // The smallest redemption is one step; the list and the widget show it as the cost.
        data.pointsCost = pointsPerUnit ?? 0;
        data.config = JSON.stringify({ pointsPerUnit, unitMinor, maxMinor });
      } else {
        data.pointsCost = int("pointsCost", f.pointsCost, { ...pointsRule, empty: "Enter a cost in points", tooSmall: "The cost must be at least 1 point" }) ?? 0;
      }
      if (f.type === "amount_off") {
        data.valueMinor = money("value", f.value, { empty: "Enter an amount", positive: true, tooSmall: "The amount must be more than 0" });
      }
      if (f.type === "store_credit") {
        // One fixed credit per redemption ("500 points = €5 store credit"); whether Shopify
        // emails the customer is the merchant's choice. docs/decisions/0028-store-credit.md
        data.valueMinor = money("value", f.value, { empty: "Enter the store credit amount", positive: true, tooSmall: "The store credit must be more than 0" });
        data.config = JSON.stringify({ notify: f.notify });
      }
      if (f.type === "percent_off") {
        data.percentOff = int("percentOff", f.percentOff, {
          empty: "Enter a percentage",
          notInt: "Enter a whole number from 1 to 100",
          min: 1,
          tooSmall: "The percentage must be at least 1",
          max: 100,
          tooLarge: "The percentage can be at most 100",
        });
      }
      if (f.type === "free_product") {
        if (f.productVariantGid === "") fail("productVariantGid", "Choose a product");
        else if (!VARIANT_GID.test(f.productVariantGid)) fail("productVariantGid", "Choose the product again");
        else {
          // The price makes the code take exactly one unit off (0031); the picker gives it.
          const priceMinor = money("productPrice", f.productPrice, { empty: "Choose the product again", positive: true, tooSmall: "Choose the product again" });
          const imageUrl = /^(https:\/\/[^\s"'<>]{1,1990}|\/(?!\/)[^\s"'<>]{1,1990})$/.test(f.productImageUrl) ? f.productImageUrl : null;
          data.productVariantGid = f.productVariantGid;
          data.config = JSON.stringify({ productTitle: f.productTitle.slice(0, 255) || null, ...(priceMinor ? { priceMinor } : {}), ...(imageUrl ? { imageUrl } : {}) });
        }
      }
      return data;
    });
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: RewardFormErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    const field = typeof key === "string" && (REWARD_FORM_FIELDS as readonly string[]).includes(key) ? (key as RewardFormField) : "form";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
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
    productVariantGid: data.productVariantGid,
    enabled: data.enabled,
    config: data.config,
  };
}

function auditValues(row: ReturnType<typeof rowData>) {
  const { type, name, pointsCost, valueMinor, percentOff, minOrderMinor, expiryDays, minTierRank, productVariantGid, enabled, config } = row;
  return { type, name, pointsCost, valueMinor, percentOff, minOrderMinor, expiryDays, minTierRank, productVariantGid, enabled, config };
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
