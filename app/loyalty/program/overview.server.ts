import { getDb, type Db } from "../../db.server";
import { addDaysToDate, isValidTimeZone, utcToZonedDateTime, zonedDateTimeToUtc } from "./zoned-time";
import { invalidateShopConfig } from "./shop-config.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { markAppDataDirty } from "./app-data.server";
import { markTierDiscounts } from "../tiers/discount-outbox.server";

/** Kinds whose positive rows are points issued to members (earning, not releases or refunds). */
const ISSUED_KINDS = ["order_earned", "signup_bonus", "action_bonus", "manual_adjustment"];
/** A redemption and its reversal: their net is the points members spent. */
const REDEEMED_KINDS = ["redeemed", "redemption_reversed"];
export const OVERVIEW_DAYS = 30;

/**
 * Program status, setup progress, the last 30 days and recent activity for the admin home
 * page. "Last 30 days" are shop-local calendar days: today and the 29 before it.
 */
export async function getProgramOverview(shopDomain: string, db: Db = getDb(), now = new Date()) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
  if (!shop || !shop.program) return null;
  const zone = isValidTimeZone(shop.ianaTimezone) ? shop.ianaTimezone : "UTC";
  const today = utcToZonedDateTime(now, zone).date;
  const days = Array.from({ length: OVERVIEW_DAYS }, (_, i) => addDaysToDate(today, i - (OVERVIEW_DAYS - 1)));
  // Each day's start, and the end of today (the next day's start) last.
  const dayStarts = [...days, addDaysToDate(today, 1)].map((day) => zonedDateTimeToUtc(day, "00:00", zone)!);
  const since = dayStarts[0]!;
  const issuedWhere = (gte: Date, lt: Date) => ({
    shopId: shop.id,
    createdAt: { gte, lt },
    kind: { in: ISSUED_KINDS },
    OR: [{ delta: { gt: 0 } }, { pendingDelta: { gt: 0 } }],
  });
  const [members, spendable, pending, recent, inbox, setup, joined, redeemed, issuedPerDay, amountRewards] = await Promise.all([
    // Erased customers are not counted (as in the members list): customers/redact also leaves an anonymous row for customers Kanta never saw.
    db.member.count({ where: { shopId: shop.id, status: { not: "redacted" } } }),
    // A negative balance is a debt (0002), not a credit against other members' points.
    db.member.aggregate({ where: { shopId: shop.id, points: { gt: 0 } }, _sum: { points: true } }),
    db.member.aggregate({ where: { shopId: shop.id }, _sum: { pendingPoints: true } }),
    db.ledgerEntry.findMany({
      where: { shopId: shop.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 15,
      include: { member: { select: { firstName: true, lastName: true, email: true, customerGid: true } } },
    }),
    db.webhookEvent.groupBy({ by: ["status"], where: { shopDomain }, _count: { _all: true } }),
    Promise.all([
      db.earningRule.count({ where: { shopId: shop.id, enabled: true } }),
      db.reward.count({ where: { shopId: shop.id, enabled: true } }),
      db.tier.count({ where: { shopId: shop.id } }),
    ]),
    db.member.count({ where: { shopId: shop.id, enrolledAt: { gte: since }, status: { not: "redacted" } } }),
    db.ledgerEntry.aggregate({ where: { shopId: shop.id, createdAt: { gte: since }, kind: { in: REDEEMED_KINDS } }, _sum: { delta: true } }),
    // One indexed (shopId, createdAt) aggregate per day: no rows leave the database.
    Promise.all(
      days.map(async (_, i) => {
        const sum = await db.ledgerEntry.aggregate({ where: issuedWhere(dayStarts[i]!, dayStarts[i + 1]!), _sum: { delta: true, pendingDelta: true } });
        return (sum._sum.delta ?? 0) + (sum._sum.pendingDelta ?? 0);
      }),
    ),
    db.reward.findMany({
      where: { shopId: shop.id, enabled: true, type: "amount_off", pointsCost: { gt: 0 }, valueMinor: { gt: 0n } },
      select: { name: true, pointsCost: true, valueMinor: true },
    }),
  ]);
  const [waysToEarn, rewards, tiers] = setup;
  const outstandingPoints = spendable._sum.points ?? 0;
  const valuation = computePointsValue(outstandingPoints, amountRewards.map((r) => ({ name: r.name, pointsCost: r.pointsCost, valueMinor: Number(r.valueMinor) })));
  // What has not reached Shopify: tier tags/metafields/Flow (dead, or still retrying) and
  // the storefront's app-data metafield (retrying, or dead until the next change). Both
  // retry by themselves for a while; the merchant should still know when they keep failing.
  const [tierDead, tierRetrying, appData] = await Promise.all([
    db.tierChange.count({ where: { shopId: shop.id, syncStatus: "dead" } }),
    db.tierChange.count({ where: { shopId: shop.id, syncStatus: "pending", syncAttempts: { gt: 0 } } }),
    db.appDataSync.findUnique({ where: { shopId: shop.id }, select: { dirty: true, attempts: true, lastError: true, deadAt: true } }),
  ]);
  const storefrontFailing = Boolean(appData?.dirty && (appData.attempts > 0 || appData.deadAt));
  return {
    shopifySync: {
      tierDead,
      tierRetrying,
      storefrontError: storefrontFailing ? (appData?.lastError ?? "unknown error") : null,
      /** The storefront sync gave up; the next launch, pause, resume or Settings save sends it again. */
      storefrontDead: storefrontFailing && Boolean(appData?.deadAt),
    },
    shop: { name: shop.name, domain: shop.domain, currencyCode: shop.currencyCode, timezone: shop.ianaTimezone, locale: shop.primaryLocale || "en" },
    program: {
      status: shop.program.status,
      pendingDays: shop.program.pendingDays,
      expiryMonths: shop.program.expiryMonths,
      launchedAt: shop.program.launchedAt?.toISOString() ?? null,
    },
    setup: computeSetupSteps({ waysToEarn, rewards, tiers, widgetSeenAt: shop.program.widgetSeenAt, status: shop.program.status }),
    members,
    outstandingPoints,
    pendingPoints: pending._sum.pendingPoints ?? 0,
    /** What the outstanding points are worth, at the rate of the cheapest amount-off reward; null when there is none. */
    outstandingValue: valuation,
    last30: {
      since: since.toISOString(),
      days,
      membersJoined: joined,
      pointsIssued: issuedPerDay.reduce((a, b) => a + b, 0),
      pointsRedeemed: -(redeemed._sum.delta ?? 0),
      issuedPerDay,
    },
    inbox: Object.fromEntries(inbox.map((row) => [row.status, row._count._all])) as Record<string, number>,
    recent: recent.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      kind: e.kind,
      points: e.delta,
      pendingPoints: e.pendingDelta,
      note: e.note,
      member: [e.member.firstName, e.member.lastName].filter(Boolean).join(" ") || e.member.email || e.member.customerGid,
    })),
  };
}

export interface AmountReward {
  name: string;
  pointsCost: number;
  valueMinor: number;
}

/**
 * Points valued at the rate of the amount-off reward that costs the fewest points (the one
 * most members reach first; ties: the lower rate). Rounded down, exact in BigInt.
 */
export function computePointsValue(points: number, rewards: readonly AmountReward[]): { valueMinor: number; reward: AmountReward } | null {
  const usable = rewards.filter((r) => r.pointsCost > 0 && r.valueMinor > 0);
  if (usable.length === 0) return null;
  const reward = [...usable].sort((a, b) => a.pointsCost - b.pointsCost || a.valueMinor * b.pointsCost - b.valueMinor * a.pointsCost)[0]!;
  const valueMinor = Number((BigInt(Math.max(0, points)) * BigInt(reward.valueMinor)) / BigInt(reward.pointsCost));
  return { valueMinor, reward };
}

export type SetupStepId = "ways" | "rewards" | "tiers" | "widget" | "launch";

/** The Home setup guide: what is done, and whether the guide still needs showing. */
export function computeSetupSteps(input: { waysToEarn: number; rewards: number; tiers: number; widgetSeenAt: Date | null; status: string }) {
  const steps: { id: SetupStepId; done: boolean }[] = [
    { id: "ways", done: input.waysToEarn > 0 },
    { id: "rewards", done: input.rewards > 0 },
    { id: "tiers", done: input.tiers > 0 },
    { id: "widget", done: input.widgetSeenAt !== null },
    { id: "launch", done: input.status !== "draft" },
  ];
  const done = steps.filter((s) => s.done).length;
  return {
    steps,
    done,
    /** Shown until the program is live and every step is done. */
    show: done < steps.length || input.status === "draft",
    counts: { waysToEarn: input.waysToEarn, rewards: input.rewards, tiers: input.tiers },
    widgetSeenAt: input.widgetSeenAt?.toISOString() ?? null,
  };
}

export class ProgramStatusError extends Error {
  override name = "ProgramStatusError";
}

/**
 * draft -> live: orders paid from now on earn, and members can redeem and claim. Needs at
 * least one enabled way to earn and one enabled reward. Launching a live program again
 * changes nothing.
 */
export async function launchProgram(shopDomain: string, db: Db = getDb(), now = new Date(), actor: AuditActor = SYSTEM_ACTOR) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
  if (!shop?.program) throw new ProgramStatusError("Your shop is not set up yet: reload the page");
  if (shop.program.status === "live") return { status: "live", launched: false };
  if (shop.program.status !== "draft") throw new ProgramStatusError("The program is paused: resume it instead");
  if ((await db.earningRule.count({ where: { shopId: shop.id, enabled: true } })) === 0) {
    throw new ProgramStatusError("Turn on at least one way to earn before you launch");
  }
  if ((await db.reward.count({ where: { shopId: shop.id, enabled: true } })) === 0) {
    throw new ProgramStatusError("Add a reward before you launch: members need something to spend their points on");
  }
  // The storefront's app-data metafield (program status) is marked for sync in the same transaction.
  const updated = await inTransaction(db, async (tx) => {
    const result = await tx.program.updateMany({ where: { shopId: shop.id, status: "draft" }, data: { status: "live", launchedAt: now } });
    if (result.count === 1) {
      await markAppDataDirty(tx, shop.id, now);
      await markTierDiscounts(tx, shop.id, now);
      await recordAudit(tx, { shopId: shop.id, actor, action: "program.launched", subjectType: "program", subjectId: null, subjectLabel: "Program", before: { status: "draft" }, after: { status: "live" } });
    }
    return result;
  });
  invalidateShopConfig(shopDomain);
  return { status: "live", launched: updated.count === 1 };
}

/** live <-> paused. Paused: nothing is earned, claimed or redeemed; the widget says so. */
export async function setProgramPaused(shopDomain: string, paused: boolean, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
  if (!shop?.program) throw new ProgramStatusError("Your shop is not set up yet: reload the page");
  if (shop.program.status === "draft") throw new ProgramStatusError("The program is not launched yet: launch it first");
  const [from, to] = paused ? ["live", "paused"] : ["paused", "live"];
  await inTransaction(db, async (tx) => {
    const result = await tx.program.updateMany({ where: { shopId: shop.id, status: from }, data: { status: to } });
    if (result.count === 1) {
      await markAppDataDirty(tx, shop.id);
      // Tier free-shipping discounts stop while paused and start again on resume (0029).
      await markTierDiscounts(tx, shop.id, new Date());
      await recordAudit(tx, { shopId: shop.id, actor, action: paused ? "program.paused" : "program.resumed", subjectType: "program", subjectId: null, subjectLabel: "Program", before: { status: from }, after: { status: to } });
    }
  });
  invalidateShopConfig(shopDomain);
  return { status: to };
}

/**
 * Shops whose widget is known to be seen, until when: the proxy then skips the lookup. The
 * expiry lets a reinstalled shop (its data erased by shop/redact) be marked again.
 */
const widgetSeen = new Map<string, number>();
const WIDGET_SEEN_CACHE_MS = 10 * 60_000;

/**
 * The storefront widget called the app proxy, so the theme's app embed or block is on:
 * the setup guide's widget step is done. Writes only while widgetSeenAt is null.
 */
export async function markWidgetSeen(shopDomain: string, db: Db = getDb(), now = new Date()): Promise<boolean> {
  if ((widgetSeen.get(shopDomain) ?? 0) > now.getTime()) return false;
  const program = await db.program.findFirst({ where: { shop: { domain: shopDomain } }, select: { id: true, widgetSeenAt: true } });
  if (!program) return false;
  let marked = false;
  if (program.widgetSeenAt === null) {
    marked = (await db.program.updateMany({ where: { id: program.id, widgetSeenAt: null }, data: { widgetSeenAt: now } })).count === 1;
  }
  widgetSeen.set(shopDomain, now.getTime() + WIDGET_SEEN_CACHE_MS);
  return marked;
}

/** Tests: forget which shops were marked in this process. */
export function resetWidgetSeenCache(): void {
  widgetSeen.clear();
}

export type ProgramOverview = NonNullable<Awaited<ReturnType<typeof getProgramOverview>>>;

/** A few members to preview the storefront as (local mode's storefront preview). */
/**
 * The storefront preview's customer picker: the first members by enrolment, and the member
 * with customer id `selected` (the one being previewed) wherever they are in that order.
 */
export async function listPreviewMembers(shopDomain: string, options: { limit?: number; selected?: string | null } = {}, db: Db = getDb()) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return [];
  const select = { customerGid: true, firstName: true, lastName: true, email: true, points: true } as const;
  const members = await db.member.findMany({
    where: { shopId: shop.id, status: "active" },
    orderBy: { enrolledAt: "asc" },
    take: options.limit ?? 6,
    select,
  });
  const selectedGid = options.selected && /^\d+$/.test(options.selected) ? `gid://shopify/Customer/${options.selected}` : null;
  if (selectedGid && !members.some((m) => m.customerGid === selectedGid)) {
    const selected = await db.member.findFirst({ where: { shopId: shop.id, status: "active", customerGid: selectedGid }, select });
    if (selected) members.push(selected);
  }
  return members.map((m) => ({
    id: m.customerGid.split("/").pop()!,
    firstName: m.firstName,
    name: [m.firstName, m.lastName].filter(Boolean).join(" ") || m.email || m.customerGid,
    email: m.email,
    points: m.points,
  }));
}

/** The theme app extension's app embed: extensions/kanta-widget/blocks/app-embed.liquid. */
export const WIDGET_EMBED_HANDLE = "app-embed";

/**
 * The theme editor on the live theme's App embeds, with Kanta's embed switched on for the
 * merchant to save. https://shopify.dev/docs/apps/build/online-store/theme-app-extensions/configuration#app-embed-block-deep-linking
 */
export function themeEditorEmbedUrl(shopDomain: string, apiKey: string): string {
  const activate = `${apiKey}/${WIDGET_EMBED_HANDLE}`;
  return `https://${shopDomain}/admin/themes/current/editor?context=apps&activateAppId=${encodeURIComponent(activate).replace(/%2F/g, "/")}`;
}
