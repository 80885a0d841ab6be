import { z } from "zod";
import { getDb, type Db } from "../../db.server";
import { log } from "../../log.server";
import { requireShopConfig } from "../program/shop-config.server";
import { AUTOMATIC_TIER } from "./settings";
import { startOfLocalDay } from "./rules";
import { moveMemberTier } from "./moves.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";

// Staff setting a member's tier by hand on the member page, optionally until a date: kept
// until it expires or the member earns a higher tier (docs/decisions/0008).

export interface MemberTierOptions {
  tiers: { id: string; name: string; rank: number }[];
  currentTierId: string | null;
  manual: boolean;
  /** The last day the manual tier is kept (shop-local "YYYY-MM-DD"), or null. */
  manualUntil: string | null;
  timezone: string;
}

function localDateString(at: Date, timeZone: string): string {
  // The day before the exclusive end (tierManualUntil is the next local midnight).
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(at.getTime() - 1));
  return parts;
}

export async function getMemberTierOptions(shopDomain: string, memberId: string, db: Db = getDb()): Promise<MemberTierOptions | null> {
  const member = await db.member.findFirst({
    where: { id: memberId, shop: { domain: shopDomain } },
    select: { tierId: true, tierManual: true, tierManualUntil: true, shop: { select: { ianaTimezone: true, tiers: { orderBy: { rank: "asc" }, select: { id: true, name: true, rank: true } } } } },
  });
  if (!member) return null;
  return {
    tiers: member.shop.tiers,
    currentTierId: member.tierId,
    manual: member.tierManual,
    manualUntil: member.tierManual && member.tierManualUntil ? localDateString(member.tierManualUntil, member.shop.ianaTimezone) : null,
    timezone: member.shop.ianaTimezone,
  };
}

export class TierChangeError extends Error {
  override name = "TierChangeError";
  constructor(
    message: string,
    readonly field: "tier" | "until" | "reason" | "form",
  ) {
    super(message);
  }
}

const manualSchema = z.object({
  tier: z.string({ error: "Choose a tier" }).trim().min(1, "Choose a tier"),
  until: z
    .string()
    .trim()
    .refine((s) => s === "" || /^\d{4}-\d{2}-\d{2}$/.test(s), "Enter a date as YYYY-MM-DD")
    .catch("INVALID"),
  reason: z
    .string({ error: "Enter a reason" })
    .trim()
    .min(1, "Enter a reason")
    .min(3, "The reason needs at least 3 characters")
    .max(200, `The reason can be at most 200 characters`),
});

export interface ManualTierInput {
  shopDomain: string;
  memberId: string;
  tier: unknown;
  until: unknown;
  reason: unknown;
  staff: string;
  actor?: AuditActor;
  now?: Date;
}

/**
 * Assigns a tier by hand (or hands the member back to the engine with AUTOMATIC_TIER). The
 * tier is kept through reviews until the end of `until` in the shop's time zone (empty:
 * until changed again); qualifying for a higher tier still moves the member up. Recorded
 * as a TierChange "manual" (synced to Shopify) with the staff member and their reason.
 */
export async function changeMemberTier(input: ManualTierInput, db: Db = getDb()): Promise<{ message: string }> {
  const parsed = manualSchema.safeParse({ tier: input.tier, until: input.until ?? "", reason: input.reason });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === "tier" || issue.path[0] === "reason" ? issue.path[0] : "form";
    throw new TierChangeError(issue.message, field);
  }
  if (parsed.data.until === "INVALID") throw new TierChangeError("Enter a date as YYYY-MM-DD", "until");
  const now = input.now ?? new Date();
  const shop = await requireShopConfig(db, input.shopDomain);
  let until: Date | null = null;
  if (parsed.data.until) {
    const [y, m, d] = parsed.data.until.split("-").map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, m - 1, d, 12));
    if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) throw new TierChangeError("Enter a real date", "until");
    // Kept through that whole day in the shop's zone: until the next local midnight.
    until = startOfLocalDay(new Date(day.getTime() + 86_400_000), shop.ianaTimezone);
    if (until <= now) throw new TierChangeError("Choose a date in the future", "until");
  }
  const result = await inTransaction(db, async (tx) => {
    const member = await tx.member.findFirst({ where: { id: input.memberId, shopId: shop.id } });
    if (!member || member.status === "redacted") throw new TierChangeError("This member does not exist", "form");
    const from = shop.tiers.find((t) => t.id === member.tierId) ?? null;
    const audit = (after: { tier: string | null; tierManual: boolean; tierManualUntil: Date | null }) =>
      recordAudit(tx, {
        shopId: shop.id,
        actor: input.actor ?? SYSTEM_ACTOR,
        action: "member.tier_changed",
        subjectType: "member",
        subjectId: member.id,
        subjectLabel: [member.firstName, member.lastName].filter(Boolean).join(" ") || member.email || `Customer ${member.customerGid.split("/").pop()}`,
        before: { tier: from?.name ?? null, tierManual: member.tierManual, tierManualUntil: member.tierManualUntil },
        after,
        note: parsed.data.reason,
      });
    if (parsed.data.tier === AUTOMATIC_TIER) {
      await tx.member.update({ where: { id: member.id }, data: { tierManual: false, tierManualUntil: null } });
      await audit({ tier: from?.name ?? null, tierManual: false, tierManualUntil: null });
      return { message: "Tier set to automatic: it follows the member's qualification from the next review" };
    }
    const to = shop.tiers.find((t) => t.id === parsed.data.tier);
    if (!to) throw new TierChangeError("Choose one of the program's tiers", "tier");
    await moveMemberTier(tx, shop, { member, from, to, reason: "manual", manual: { until }, actor: input.staff, note: parsed.data.reason }, now);
    await audit({ tier: to.name, tierManual: true, tierManualUntil: until });
    return { message: from?.id === to.id ? `${to.name} kept by hand` : `Moved to ${to.name}` };
  });
  log.info("manual tier change", { shop: input.shopDomain, memberId: input.memberId, staff: input.staff, tier: parsed.data.tier, until: until?.toISOString() ?? null, reason: parsed.data.reason });
  return result;
}

/** "250,00 €", "500 points", "3 orders": a threshold as the merchant reads it. */
