import { getDb, type Db } from "../../db.server";
import { REASON_LABELS, parseReasons } from "./fraud";
import { REFERRAL_STATUSES, isReferralStatus, type ReferralStatus } from "./lifecycle";
import { serializeReferralSettings, settingsToDraft, validateFriendDailyCap, validateReferralSettings, type ReferralSettingsDraft, type ReferralSettingsErrors } from "./settings";
import { countWelcomeCodesToday, lockShopProgram } from "./welcome-cap.server";
import { inTransaction } from "../tx.server";
import { decideHeldReferral, type HeldDecision } from "./completion.server";
import { loadReferralSettings } from "./settings.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { UnknownShopError } from "../program/shops.server";

// The admin's Referrals pages: settings, the list with its filters, the numbers, and the
// merchant's decision on held referrals. docs/decisions/0009-referrals.md

async function requireShop(db: Db, shopDomain: string) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
  if (!shop || !shop.program) throw new UnknownShopError(`unknown shop ${shopDomain}`);
  return shop;
}

export interface ReferralSettingsPage {
  draft: ReferralSettingsDraft;
  currencyCode: string;
  pendingDays: number;
  programStatus: string;
}

export async function getReferralSettingsPage(shopDomain: string, db: Db = getDb()): Promise<ReferralSettingsPage> {
  const shop = await requireShop(db, shopDomain);
  const settings = await loadReferralSettings(db, shop.id);
  return { draft: settingsToDraft(settings, shop.currencyCode), currencyCode: shop.currencyCode, pendingDays: shop.program!.pendingDays, programStatus: shop.program!.status };
}

/** Saves valid settings; with any invalid field nothing is saved and every field's message comes back. */
export async function saveReferralSettings(
  shopDomain: string,
  draft: ReferralSettingsDraft,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<{ ok: true; draft: ReferralSettingsDraft } | { ok: false; errors: ReferralSettingsErrors }> {
  const shop = await requireShop(db, shopDomain);
  const result = validateReferralSettings(draft, shop.currencyCode);
  if (!result.ok) return result;
  // The daily cap is not on this form (the Referrals page edits it): the stored one stays.
  await inTransaction(db, async (tx) => {
    await lockShopProgram(tx, shop.id);
    const current = await loadReferralSettings(tx, shop.id);
    const next = { ...result.settings, friendDailyCap: current.friendDailyCap };
    await tx.program.update({ where: { shopId: shop.id }, data: { referralSettings: serializeReferralSettings(next) } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "referral.settings_updated", subjectType: "referral_settings", subjectId: null, subjectLabel: "Referral settings", before: current, after: next });
  });
  return { ok: true, draft: settingsToDraft(result.settings, shop.currencyCode) };
}

/** The Referrals page's daily cap on welcome codes: validated, saved alone (the other settings stay). */
export async function saveFriendDailyCap(
  shopDomain: string,
  text: string,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<{ ok: true; cap: number } | { ok: false; error: string }> {
  const shop = await requireShop(db, shopDomain);
  const valid = validateFriendDailyCap(text);
  if (!valid.ok) return valid;
  await inTransaction(db, async (tx) => {
    await lockShopProgram(tx, shop.id);
    const current = await loadReferralSettings(tx, shop.id);
    await tx.program.update({ where: { shopId: shop.id }, data: { referralSettings: serializeReferralSettings({ ...current, friendDailyCap: valid.cap }) } });
    await recordAudit(tx, { shopId: shop.id, actor, action: "referral.friend_cap_updated", subjectType: "referral_settings", subjectId: null, subjectLabel: "Daily welcome-code cap", before: { friendDailyCap: current.friendDailyCap }, after: { friendDailyCap: valid.cap } });
  });
  return { ok: true, cap: valid.cap };
}

export interface ReferralRowView {
  id: string;
  status: ReferralStatus;
  createdAt: string;
  referrer: { id: string; name: string; email: string | null };
  friend: { name: string | null; email: string | null };
  order: { name: string | null; valueMinor: number | null } | null;
  reasons: string[];
  decidedBy: string | null;
  rewardedAt: string | null;
  rewardAvailableAt: string | null;
}

export interface ReferralsPage {
  rows: ReferralRowView[];
  nextCursor: string | null;
  counts: Record<ReferralStatus | "all", number>;
  currencyCode: string;
  timezone: string;
  enabled: boolean;
  /** Welcome codes given today (shop-local day) against the shop-wide daily cap. */
  welcomeCodes: { today: number; cap: number; reached: boolean };
  stats: {
    revenueMinor: number;
    completed: number;
    pending: number;
    held: number;
    friendsRewarded: number;
    topReferrers: { id: string; name: string; completed: number; revenueMinor: number }[];
  };
}

const PAGE_SIZE = 25;

function displayName(m: { firstName: string | null; lastName: string | null; email: string | null; customerGid: string }): string {
  const name = [m.firstName, m.lastName].filter(Boolean).join(" ").trim();
  return name || m.email || `Customer ${m.customerGid.split("/").pop()}`;
}

export async function listReferrals(
  shopDomain: string,
  options: { status?: ReferralStatus; cursor?: string } = {},
  db: Db = getDb(),
): Promise<ReferralsPage> {
  const shop = await requireShop(db, shopDomain);
  const settings = await loadReferralSettings(db, shop.id);
  const where = { shopId: shop.id, ...(options.status ? { status: options.status } : {}) };
  const found = await db.referral.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE_SIZE + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
  });
  const page = found.slice(0, PAGE_SIZE);
  const memberIds = [...new Set(page.map((r) => r.referrerId))];
  const friendGids = [...new Set(page.map((r) => r.friendCustomerGid).filter((g): g is string => Boolean(g)))];
  const orderGids = [...new Set(page.map((r) => r.orderGid).filter((g): g is string => Boolean(g)))];
  const [members, friends, orders, grouped, revenue, top] = await Promise.all([
    db.member.findMany({ where: { id: { in: memberIds } }, select: { id: true, firstName: true, lastName: true, email: true, customerGid: true } }),
    friendGids.length
      ? db.member.findMany({ where: { shopId: shop.id, customerGid: { in: friendGids } }, select: { customerGid: true, firstName: true, lastName: true, email: true } })
      : Promise.resolve([]),
    orderGids.length ? db.orderRecord.findMany({ where: { shopId: shop.id, orderGid: { in: orderGids } }, select: { orderGid: true, name: true } }) : Promise.resolve([]),
    db.referral.groupBy({ by: ["status"], where: { shopId: shop.id }, _count: { _all: true } }),
    db.referral.aggregate({ where: { shopId: shop.id, status: "completed" }, _sum: { orderValueMinor: true } }),
    db.referral.groupBy({
      by: ["referrerId"],
      where: { shopId: shop.id, status: "completed" },
      _count: { _all: true },
      _sum: { orderValueMinor: true },
      orderBy: [{ _count: { referrerId: "desc" } }, { referrerId: "asc" }],
      take: 5,
    }),
  ]);
  const welcomeToday = await countWelcomeCodesToday(db, shop.id, shop.ianaTimezone, new Date());
  const memberById = new Map(members.map((m) => [m.id, m]));
  const friendByGid = new Map(friends.map((f) => [f.customerGid, f]));
  const orderName = new Map(orders.map((o) => [o.orderGid, o.name]));
  const topMembers = await db.member.findMany({
    where: { id: { in: top.map((t) => t.referrerId) } },
    select: { id: true, firstName: true, lastName: true, email: true, customerGid: true },
  });
  const topById = new Map(topMembers.map((m) => [m.id, m]));

  const counts = Object.fromEntries([["all", 0], ...REFERRAL_STATUSES.map((s) => [s, 0])]) as ReferralsPage["counts"];
  for (const g of grouped) {
    if (isReferralStatus(g.status)) counts[g.status] = g._count._all;
    counts.all += g._count._all;
  }

  return {
    rows: page.map((r) => {
      const referrer = memberById.get(r.referrerId);
      const friend = r.friendCustomerGid ? friendByGid.get(r.friendCustomerGid) : undefined;
      return {
        id: r.id,
        status: (isReferralStatus(r.status) ? r.status : "visited") as ReferralStatus,
        createdAt: r.createdAt.toISOString(),
        referrer: { id: r.referrerId, name: referrer ? displayName(referrer) : "Deleted member", email: referrer?.email ?? null },
        friend: {
          name: friend ? [friend.firstName, friend.lastName].filter(Boolean).join(" ") || null : null,
          email: r.friendEmail ?? friend?.email ?? null,
        },
        order: r.orderGid ? { name: orderName.get(r.orderGid) ?? null, valueMinor: r.orderValueMinor === null ? null : Number(r.orderValueMinor) } : null,
        reasons: parseReasons(r.heldReason).map((reason) => REASON_LABELS[reason]),
        decidedBy: r.decidedBy,
        rewardedAt: r.rewardedAt?.toISOString() ?? null,
        rewardAvailableAt: r.rewardAvailableAt?.toISOString() ?? null,
      };
    }),
    nextCursor: found.length > PAGE_SIZE ? page[page.length - 1]!.id : null,
    counts,
    currencyCode: shop.currencyCode,
    timezone: shop.ianaTimezone,
    enabled: settings.enabled,
    welcomeCodes: { today: welcomeToday, cap: settings.friendDailyCap, reached: welcomeToday >= settings.friendDailyCap },
    stats: {
      revenueMinor: Number(revenue._sum.orderValueMinor ?? 0n),
      completed: counts.completed,
      pending: counts.pending,
      held: counts.held,
      friendsRewarded: counts.friend_rewarded,
      topReferrers: top.map((t) => {
        const m = topById.get(t.referrerId);
        return { id: t.referrerId, name: m ? displayName(m) : "Deleted member", completed: t._count._all, revenueMinor: Number(t._sum.orderValueMinor ?? 0n) };
      }),
    },
  };
}

/**
 * Approve or reject a held referral, recorded with the staff member (the admin's action).
 * `rewardCodes`: referrer reward codes for the caller to create in Shopify
 * (app/jobs/referral-rewards.server.ts).
 */
export async function decideReferral(
  input: { shopDomain: string; referralId: string; decision: HeldDecision; staff: string; actor?: AuditActor },
  db: Db = getDb(),
): Promise<{ ok: true; status: string; rewardCodes: string[] } | { ok: false; message: string }> {
  const result = await decideHeldReferral(input, db);
  if (!result) return { ok: false, message: "This referral is no longer waiting for review." };
  return { ok: true, status: result.status, rewardCodes: result.rewardCodes };
}
