import { z } from "zod";
import { getDb, type Db, type Tx } from "../../db.server";
import { log } from "../../log.server";
import { formatMoney } from "../ledger/money";
import { logInvalidJson } from "../json-column.server";
import { parseJsonText } from "../json-column";
import { invalidateShopConfig, requireShopConfig } from "../program/shop-config.server";
import {
  MAX_TIER_NAME,
  formatMultiplier,
  formatThreshold,
  validateTierSettings,
  type TierSettingsErrors,
  type TierSettingsInput,
  type ValidTierSettings,
  type TierRowInput,
} from "./settings";
import {
  currentTierWindow,
  manualState,
  nextReviewRank,
  parseTierPerks,
  previousTierWindow,
  qualifyingTier,
  serializeTierPerks,
  toTierBasis,
  toTierPeriod,
  twelveMonthsBefore,
  type TierBasis,
  type TierPeriod,
} from "./rules";
import { Sql, isPostgres } from "../sql.server";
import { readPassBatch } from "./metric.server";
import { markTierDiscounts, tierDiscountRows } from "./discount-outbox.server";
import { markAppDataDirty } from "../program/app-data.server";
import { tierDiscountState, type TierDiscountState } from "./perk-discount";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";

// The admin's VIP tiers page and the member page's "Change tier": reading the ladder with
// its members, previewing what new settings would do (the engine's own rules over every
// member's numbers), saving them, and manual assignments. Saving changes the ladder at
// once; who moves up is then applied by the tier pass in the background (reason
// "settings"), and who moves down waits for the next review.

/** A ladder row as the editor shows it: the form's fields and how many members hold it. */
export interface TierEditorRow extends TierRowInput {
  members: number;
  /** The free-shipping perk's automatic discount in Shopify (0029); absent on a row not saved yet. */
  freeShippingDiscount?: TierDiscountState;
}

export interface TierEditorData {
  currencyCode: string;
  basis: TierBasis;
  period: TierPeriod;
  keepNextPeriod: boolean;
  tiers: TierEditorRow[];
  lastReviewAt: string | null;
  /** Tier changes Shopify has not received yet (tags, metafield, Flow), and those that failed. */
  sync: { pending: number; failed: number };
  /** What a tier can give as a gift: the shop's free-product rewards (0031). */
  gifts: { id: string; label: string }[];
}

export async function getTierEditor(shopDomain: string, db: Db = getDb()): Promise<TierEditorData | null> {
  const shop = await db.shop.findUnique({
    where: { domain: shopDomain },
    include: { program: true, tiers: { orderBy: { rank: "asc" } } },
  });
  if (!shop || !shop.program) return null;
  const basis = toTierBasis(shop.program.tierBasis);
  const [counts, sync, discounts] = await Promise.all([
    db.member.groupBy({ by: ["tierId"], where: { shopId: shop.id, status: { not: "redacted" } }, _count: { _all: true } }),
    db.tierChange.groupBy({ by: ["syncStatus"], where: { shopId: shop.id, syncStatus: { in: ["pending", "dead"] } }, _count: { _all: true } }),
    tierDiscountRows(db, shop.id),
  ]);
  const members = new Map(counts.map((c) => [c.tierId, c._count._all]));
  return {
    currencyCode: shop.currencyCode,
    basis,
    period: toTierPeriod(shop.program.tierPeriod),
    keepNextPeriod: shop.program.tierKeepNextPeriod,
    tiers: shop.tiers.map((t) => {
      const perks = parseTierPerks(t.perks, { id: t.id, onInvalid: logInvalidJson({ shop: shopDomain }) });
      return {
        id: t.id,
        name: t.name,
        threshold: formatThreshold(Number(t.thresholdMinor), basis, shop.currencyCode),
        multiplier: formatMultiplier(t.multiplierPermille),
        entryPoints: perks.entryPoints ? String(perks.entryPoints) : "",
        birthdayPoints: perks.birthdayPoints === null ? "" : String(perks.birthdayPoints),
        freeShipping: perks.freeShipping,
        entryGiftRewardId: perks.entryGiftRewardId ?? "",
        birthdayGiftRewardId: perks.birthdayGiftRewardId ?? "",
        members: members.get(t.id) ?? 0,
        freeShippingDiscount: tierDiscountState(discounts.get(t.id)),
      };
    }),
    lastReviewAt: shop.program.tierLastReviewAt?.toISOString() ?? null,
    sync: {
      pending: sync.find((s) => s.syncStatus === "pending")?._count._all ?? 0,
      failed: sync.find((s) => s.syncStatus === "dead")?._count._all ?? 0,
    },
    gifts: (await db.reward.findMany({ where: { shopId: shop.id, type: "free_product" }, orderBy: { name: "asc" }, select: { id: true, name: true } })).map((r) => ({ id: r.id, label: r.name })),
  };
}

// ---- the editor's input ----

const rowSchema = z.object({
  id: z.string().max(100).nullable().catch(null),
  name: z.string().max(500).catch(""),
  threshold: z.string().max(50).catch(""),
  multiplier: z.string().max(20).catch(""),
  entryPoints: z.string().max(20).catch(""),
  birthdayPoints: z.string().max(20).catch(""),
  freeShipping: z.boolean().catch(false),
  entryGiftRewardId: z.string().max(64).catch(""),
  birthdayGiftRewardId: z.string().max(64).catch(""),
});
const inputSchema = z.object({
  basis: z.string().max(50).catch(""),
  period: z.string().max(50).catch(""),
  keepNextPeriod: z.boolean().catch(false),
  tiers: z.array(rowSchema).max(50),
});

/** The editor posts its whole state as one JSON field; anything malformed is refused as a form error. */
export function parseTierSettingsJson(json: unknown): TierSettingsInput | null {
  if (typeof json !== "string" || json.length > 50_000) return null;
  const parsed = parseJsonText(json, inputSchema);
  return parsed.ok ? parsed.data : null;
}

export type TierSettingsResponse =
  | { ok: true; preview: TierPreview; message: string }
  | { ok: false; errors: TierSettingsErrors };

// ---- preview ----

export interface TierPreview {
  /** Members who move up when the settings are saved, by the tier they move to. */
  up: { tier: string; members: number }[];
  /** Members the next review would move down on today's numbers, by the tier they would go to. */
  downAtReview: { tier: string; members: number }[];
  /** Members of tiers being removed, by where they go now. */
  removed: { from: string; to: string; members: number }[];
  /** "12 members move up to Gold. 3 would move down at the next review." */
  summary: string;
}

interface OldTier {
  id: string;
  name: string;
  rank: number;
}

/** Where members of a removed tier go: the nearest remaining tier below it, else the new first tier. */
function removedTierTarget(removed: OldTier, old: readonly OldTier[], settings: ValidTierSettings) {
  const kept = new Set(settings.tiers.map((t) => t.id).filter(Boolean));
  const below = old.filter((t) => t.rank < removed.rank && kept.has(t.id)).sort((a, b) => b.rank - a.rank)[0];
  const target = below ? settings.tiers.find((t) => t.id === below.id)! : settings.tiers[0]!;
  return target;
}

function plural(n: number, one: string, many: string) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

function describePreview(p: Omit<TierPreview, "summary">, keepNextPeriod: boolean, period: TierPeriod): string {
  const parts: string[] = [];
  for (const u of p.up) parts.push(`${plural(u.members, "member moves", "members move")} up to ${u.tier}.`);
  for (const r of p.removed) parts.push(`${plural(r.members, "member", "members")} of ${r.from} ${r.members === 1 ? "moves" : "move"} to ${r.to}.`);
  const down = p.downAtReview.reduce((sum, d) => sum + d.members, 0);
  if (down > 0) {
    const when = period === "rolling_12_months" ? "at the next daily review" : "at the next review";
    parts.push(`${plural(down, "member", "members")} would move down ${when}${keepNextPeriod ? "" : " (tiers are not kept into the next year)"}.`);
  }
  return parts.length ? parts.join(" ") : "No member changes tier.";
}

/**
 * What saving `settings` would do, computed with the engine's rules over every active
 * member's numbers under the new basis and period (read in the same keyset batches as the
 * review, without writing).
 */
export async function computeTierPreview(db: Db | Tx, shopDomain: string, settings: ValidTierSettings, now = new Date()): Promise<TierPreview> {
  const shop = await requireShopConfig(db, shopDomain);
  const old: OldTier[] = shop.tiers.map((t) => ({ id: t.id, name: t.name, rank: t.rank }));
  const newRankOf = new Map<string, number>();
  for (const t of settings.tiers) if (t.id) newRankOf.set(t.id, t.rank);
  for (const o of old) if (!newRankOf.has(o.id)) newRankOf.set(o.id, removedTierTarget(o, old, settings).rank);
  const ladder = settings.tiers.map((t) => ({ name: t.name, rank: t.rank, thresholdMinor: t.threshold }));
  const current = currentTierWindow(settings.period, now, shop.ianaTimezone);
  const previous = previousTierWindow(settings.period, now, shop.ianaTimezone);
  const recent = twelveMonthsBefore(now);
  const up = new Map<number, number>();
  const down = new Map<number, number>();
  const removed = new Map<string, number>();
  const oldIds = new Set(settings.tiers.map((t) => t.id).filter(Boolean));
  let after = "";
  for (;;) {
    const rows = await readPassBatch(db as Tx, shop.id, after, 5000, settings.basis, current, previous);
    for (const row of rows) {
      if (row.tierId && !oldIds.has(row.tierId) && newRankOf.has(row.tierId)) removed.set(row.tierId, (removed.get(row.tierId) ?? 0) + 1);
      const rank = row.tierId ? (newRankOf.get(row.tierId) ?? null) : null;
      const qualified = qualifyingTier(ladder, row.current)?.rank ?? null;
      const movesUp = qualified !== null && (rank === null || qualified > rank);
      if (movesUp) up.set(qualified, (up.get(qualified) ?? 0) + 1);
      const saved = movesUp ? qualified : rank;
      const next = nextReviewRank({
        currentRank: saved,
        qualifiedRank: qualified,
        entryRank: 0,
        manualActive: manualState(row.tierManual, row.tierManualUntil, now) === "active",
        keepNextPeriod: settings.keepNextPeriod,
        period: settings.period,
        heldRecently: row.tierChangedAt !== null && row.tierChangedAt > recent,
      });
      if (next !== null && saved !== null && next < saved) down.set(next, (down.get(next) ?? 0) + 1);
    }
    if (rows.length < 5000) break;
    after = rows[rows.length - 1]!.id;
  }
  const name = (rank: number) => settings.tiers[rank]!.name;
  const preview = {
    up: [...up].sort((a, b) => a[0] - b[0]).map(([rank, members]) => ({ tier: name(rank), members })),
    downAtReview: [...down].sort((a, b) => a[0] - b[0]).map(([rank, members]) => ({ tier: name(rank), members })),
    removed: [...removed].map(([id, members]) => ({ from: old.find((o) => o.id === id)!.name, to: name(newRankOf.get(id)!), members })),
  };
  return { ...preview, summary: describePreview(preview, settings.keepNextPeriod, settings.period) };
}

async function validateForShop(db: Db, shopDomain: string, input: TierSettingsInput) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { tiers: { select: { id: true } } } });
  if (!shop) return { ok: false as const, errors: { form: "This shop has no program" } };
  const result = validateTierSettings(input, shop.currencyCode);
  if (!result.ok) return result;
  const known = new Set(shop.tiers.map((t) => t.id));
  if (result.settings.tiers.some((t) => t.id !== null && !known.has(t.id))) {
    return { ok: false as const, errors: { tiers: "A tier was removed meanwhile: reload the page" } };
  }
  // Gifts are the shop's free-product rewards (0031).
  const giftIds = new Set((await db.reward.findMany({ where: { shopId: shop.id, type: "free_product" }, select: { id: true } })).map((r) => r.id));
  const giftErrors: Record<string, string> = {};
  result.settings.tiers.forEach((t, i) => {
    for (const field of ["entryGiftRewardId", "birthdayGiftRewardId"] as const) {
      const gift = t.perks[field];
      if (gift && !giftIds.has(gift)) giftErrors[`tiers.${i}.${field}`] = "Choose one of your free-product rewards";
    }
  });
  if (Object.keys(giftErrors).length) return { ok: false as const, errors: giftErrors };
  return { ok: true as const, settings: result.settings, shop };
}

export async function previewTierSettings(shopDomain: string, input: TierSettingsInput, db: Db = getDb()): Promise<TierSettingsResponse> {
  const valid = await validateForShop(db, shopDomain, input);
  if (!valid.ok) return valid;
  const preview = await computeTierPreview(db, shopDomain, valid.settings);
  return { ok: true, preview, message: preview.summary };
}

/**
 * Saves basis, period, keep and the ladder in one transaction. Members of removed tiers
 * move to the nearest remaining tier below (TierChange "settings"); members of renamed
 * tiers get a TierChange too, so their Shopify tag follows the new name. Upgrades under
 * the new ladder are the tier pass's job (requested by the route; due anyway because the
 * tiers' updatedAt is newer than the last pass).
 */
/** Tier settings as the audit log shows them: tiers keyed by rank, so a change shows on its tier. */
function tierAuditValues(
  program: { tierBasis: string; tierPeriod: string; tierKeepNextPeriod: boolean },
  tiers: { rank: number; name: string; thresholdMinor: bigint | number; multiplierPermille: number; perks: string }[],
) {
  return {
    basis: program.tierBasis,
    period: program.tierPeriod,
    keepNextPeriod: program.tierKeepNextPeriod,
    tiers: Object.fromEntries(tiers.map((t) => [`rank ${t.rank}`, { name: t.name, threshold: t.thresholdMinor, multiplierPermille: t.multiplierPermille, perks: t.perks }])),
  };
}

export async function saveTierSettings(shopDomain: string, input: TierSettingsInput, staff: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<TierSettingsResponse> {
  const valid = await validateForShop(db, shopDomain, input);
  if (!valid.ok) return valid;
  const { settings, shop } = valid;
  const preview = await computeTierPreview(db, shopDomain, settings);
  const now = new Date();
  await inTransaction(db, async (tx) => {
    const existing = await tx.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    // The ladder form does not edit a paid tier's membership (0032): each kept tier keeps its own.
    for (const t of settings.tiers) {
      const stored = t.id ? existing.find((e) => e.id === t.id) : undefined;
      if (stored) {
        const { membership } = parseTierPerks(stored.perks);
        if (membership) t.perks = { ...t.perks, membership };
      }
    }
    const keptIds = new Set(settings.tiers.map((t) => t.id).filter((id): id is string => id !== null));
    const removedTiers = existing.filter((t) => !keptIds.has(t.id));
    const programBefore = await tx.program.findUniqueOrThrow({ where: { shopId: shop.id }, select: { tierBasis: true, tierPeriod: true, tierKeepNextPeriod: true } });
    await recordAudit(tx, {
      shopId: shop.id,
      actor,
      action: "tiers.updated",
      subjectType: "tiers",
      subjectId: null,
      subjectLabel: "VIP tiers",
      before: tierAuditValues(programBefore, existing),
      after: tierAuditValues(
        { tierBasis: settings.basis, tierPeriod: settings.period, tierKeepNextPeriod: settings.keepNextPeriod },
        settings.tiers.map((t) => ({ rank: t.rank, name: t.name, thresholdMinor: t.threshold, multiplierPermille: t.multiplierPermille, perks: serializeTierPerks(t.perks) })),
      ),
    });
    await tx.program.update({
      where: { shopId: shop.id },
      data: { tierBasis: settings.basis, tierPeriod: settings.period, tierKeepNextPeriod: settings.keepNextPeriod },
    });
    // Ranks are unique per shop: park every tier on a negative rank, then set the final ones
    // (removed tiers stay parked until their members have moved).
    for (const [i, t] of existing.entries()) await tx.tier.update({ where: { id: t.id }, data: { rank: -1 - i } });
    const idByRank = new Map<number, string>();
    for (const t of settings.tiers) {
      const data = {
        name: t.name,
        rank: t.rank,
        thresholdMinor: BigInt(t.threshold),
        multiplierPermille: t.multiplierPermille,
        perks: serializeTierPerks(t.perks),
        updatedAt: now,
      };
      if (t.id) {
        await tx.tier.update({ where: { id: t.id }, data });
        idByRank.set(t.rank, t.id);
      } else {
        const created = await tx.tier.create({ data: { shopId: shop.id, ...data } });
        idByRank.set(t.rank, created.id);
      }
    }
    const oldTiers: OldTier[] = existing.map((t) => ({ id: t.id, name: t.name, rank: t.rank }));
    for (const removed of removedTiers) {
      const target = removedTierTarget(removed, oldTiers, settings);
      await recordSettingsChanges(tx, shop.id, removed.id, removed.name, target.name, now);
      await tx.member.updateMany({ where: { shopId: shop.id, tierId: removed.id }, data: { tierId: idByRank.get(target.rank)!, tierChangedAt: now } });
      await tx.tier.delete({ where: { id: removed.id } });
    }
    for (const t of settings.tiers) {
      const before = existing.find((e) => e.id === t.id);
      if (before && before.name !== t.name) await recordSettingsChanges(tx, shop.id, before.id, before.name, t.name, now);
    }
    // Free-shipping perks as automatic discounts in Shopify: turned on/off, renamed, deleted (0029).
    await markTierDiscounts(tx, shop.id, now);
    // Members-only rules name tiers by their tags (kanta.access): the ladder's names feed them (0034).
    await markAppDataDirty(tx, shop.id, now);
  });
  invalidateShopConfig(shopDomain);
  log.info("tier settings saved", { shop: shopDomain, staff, tiers: settings.tiers.length, basis: settings.basis, period: settings.period });
  return { ok: true, preview, message: "Tier settings saved" };
}

/** One TierChange ("settings") per member of a tier, set-based: its tag follows the tier's new name or target. */
async function recordSettingsChanges(tx: Tx, shopId: string, tierId: string, fromName: string, toName: string, now: Date) {
  const sql = new Sql(isPostgres(tx));
  const id = sql.postgres ? "gen_random_uuid()::text" : "lower(hex(randomblob(16)))";
  await tx.$executeRawUnsafe(
    `INSERT INTO "TierChange" ("id", "shopId", "memberId", "customerGid", "fromTier", "toTier", "reason", "syncStatus", "syncAttempts", "nextSyncAt", "createdAt")
     SELECT ${id}, "shopId", "id", "customerGid", ${sql.p(fromName)}, ${sql.p(toName)}, 'settings', 'pending', 0, ${sql.p(now)}, ${sql.p(now)}
     FROM "Member" WHERE "shopId" = ${sql.p(shopId)} AND "tierId" = ${sql.p(tierId)} AND "status" <> 'redacted'`,
    ...sql.params,
  );
}

export function describeThreshold(value: number, basis: TierBasis, currencyCode: string): string {
  if (basis === "spend") return formatMoney(value, currencyCode);
  return basis === "points" ? `${value.toLocaleString("en")} points` : `${value.toLocaleString("en")} ${value === 1 ? "order" : "orders"}`;
}

export { MAX_TIER_NAME };

/** The Tiers page's "Retry" on a failed free-shipping discount: the shop's dead TierDiscount rows go back to the job (0029). */
export async function retryTierDiscounts(shopDomain: string, db: Db = getDb(), now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<number> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return 0;
  return inTransaction(db, async (tx) => {
    const r = await tx.tierDiscount.updateMany({
      where: { shopId: shop.id, status: "dead" },
      data: { status: "pending", attempts: 0, nextSyncAt: now, lastError: null, version: { increment: 1 } },
    });
    if (r.count > 0) {
      await recordAudit(tx, { shopId: shop.id, actor, action: "tiers.discounts_retried", subjectType: "tiers", subjectId: null, subjectLabel: "Tier free-shipping discounts", before: null, after: { retried: r.count } });
    }
    return r.count;
  });
}
