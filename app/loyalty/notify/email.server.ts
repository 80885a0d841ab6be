import { getDb, type Db, type Tx } from "../../db.server";
import { getEnv } from "../../env.server";
import { memoInBatch } from "../batch-scope.server";
import { logInvalidJson } from "../json-column.server";
import { parsePointsNames, parseWidgetDefaults, type WidgetLanguage } from "../program/settings";
import { toTierBasis } from "../tiers/rules";
import { computeMemberTierView, toTierBenefits } from "../tiers/view.server";
import type { EmailBrand, EmailMember } from "./email-render.server";
import { emailLanguage, emailTextFor, isEmailOccasionKind, parseEmailOccasions, serializeEmailOccasions, type EmailSettingsView, type OccasionEmailSettings, type SenderForm } from "./email-settings";
import type { EmailOccasionKind, EmailText } from "./email-texts";
import { readOccasionData, type OccasionData, type OccasionKind } from "./occasions";
import { verifyUnsubscribe } from "./unsubscribe";
import type { DeliveryLogRow } from "./emails-page";

// Loyalty emails' persistence: the shop's settings, the email deliveries the job reads and
// records (OccasionDelivery rows of channel "email"), the hourly count, the suppression
// list, the member's unsubscribe and the marketing state Shopify gave. The sending itself
// (SMTP, retries) is app/jobs/email-job.server.ts. docs/decisions/0022-loyalty-emails.md

export async function loadEmailSettings(db: Db | Tx, shopId: string): Promise<EmailSettingsView> {
  const row = await db.emailSettings.findUnique({ where: { shopId } });
  return {
    senderName: row?.senderName ?? null,
    replyTo: row?.replyTo ?? null,
    logoUrl: row?.logoUrl ?? null,
    rewardsUrl: row?.rewardsUrl ?? null,
    occasions: parseEmailOccasions(row?.occasions, { id: shopId, onInvalid: logInvalidJson({ shopId }) }),
  };
}

/** The email channel's rule (./channels.server.ts): the occasion is on for the shop. */
export async function emailOccasionOn(tx: Db | Tx, shopId: string, kind: OccasionKind): Promise<boolean> {
  if (!isEmailOccasionKind(kind)) return false;
  // Read once per webhook batch (app/loyalty/batch-scope.server.ts): orders do not change it.
  const row = await memoInBatch(tx, `emailSettings:${shopId}`, () => tx.emailSettings.findUnique({ where: { shopId }, select: { occasions: true } }));
  return parseEmailOccasions(row?.occasions)[kind].on;
}

export async function saveOccasionEmail(db: Db, shopId: string, kind: EmailOccasionKind, settings: OccasionEmailSettings): Promise<void> {
  const current = await loadEmailSettings(db, shopId);
  const occasions = serializeEmailOccasions({ ...current.occasions, [kind]: settings });
  await db.emailSettings.upsert({ where: { shopId }, create: { shopId, occasions }, update: { occasions } });
}

export async function saveSender(db: Db, shopId: string, sender: SenderForm): Promise<void> {
  await db.emailSettings.upsert({ where: { shopId }, create: { shopId, ...sender }, update: sender });
}


// ---- The job's side -------------------------------------------------------------------

export async function findDueEmailDeliveries(db: Db, now: Date, limit = 100, shopId?: string): Promise<string[]> {
  const rows = await db.occasionDelivery.findMany({
    where: { channel: "email", status: "pending", nextAttemptAt: { lte: now }, ...(shopId ? { shopId } : {}) },
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    select: { id: true },
    take: limit,
  });
  return rows.map((r) => r.id);
}

export interface EmailDeliveryItem {
  id: string;
  shopId: string;
  shopDomain: string;
  shopUninstalled: boolean;
  /** Including this one. */
  attempts: number;
  kind: OccasionKind;
  data: OccasionData<OccasionKind> | null;
  occasionOn: boolean;
  audience: "all" | "subscribed";
  /** Where it goes: the member's address, or the occasion's (a friend). */
  to: string | null;
  member: { id: string; customerGid: string; status: string; unsubscribed: boolean; marketingState: string | null; marketingCheckedAt: Date | null } | null;
  suppressed: boolean;
  language: WidgetLanguage;
  text: EmailText;
  brand: EmailBrand;
  emailMember: EmailMember;
  senderName: string | null;
  replyTo: string | null;
}

/** Claims a due row (attempts + 1, leased until `leaseUntil`) and reads what sending it needs; null if taken. */
export async function claimEmailDelivery(db: Db, id: string, now: Date, leaseUntil: Date): Promise<EmailDeliveryItem | null> {
  const claimed = await db.occasionDelivery.updateMany({
    where: { id, channel: "email", status: "pending", nextAttemptAt: { lte: now } },
    data: { nextAttemptAt: leaseUntil, attempts: { increment: 1 } },
  });
  if (claimed.count !== 1) return null;
  const row = await db.occasionDelivery.findUniqueOrThrow({
    where: { id },
    include: {
      occasion: {
        include: {
          shop: {
            select: {
              id: true,
              domain: true,
              name: true,
              uninstalledAt: true,
              currencyCode: true,
              ianaTimezone: true,
              primaryLocale: true,
              program: { select: { programName: true, widgetSettings: true, pointsNames: true, tierBasis: true, tierPeriod: true } },
              tiers: true,
              emailSettings: true,
            },
          },
        },
      },
    },
  });
  const occasion = row.occasion;
  const shop = occasion.shop;
  const kind = occasion.kind as OccasionKind;
  const member = occasion.memberId
    ? await db.member.findUnique({ where: { id: occasion.memberId }, include: { tier: { select: { name: true, rank: true } } } })
    : null;
  const settings = parseEmailOccasions(shop.emailSettings?.occasions);
  const emailKind = isEmailOccasionKind(kind) ? kind : null;
  const occasionSettings = emailKind ? settings[emailKind] : null;
  const to = (member?.email ?? occasion.email)?.trim().toLowerCase() || null;
  const suppressed = to ? (await db.emailSuppression.count({ where: { shopId: shop.id, email: to } })) > 0 : false;
  const language = emailLanguage(member?.locale, shop.primaryLocale);
  let tier: EmailMember["tier"] = null;
  if (member?.tier && shop.program) {
    const ladder = toTierBenefits(shop.tiers);
    const view = await computeMemberTierView(db, { id: shop.id, ianaTimezone: shop.ianaTimezone, program: shop.program }, ladder, member.id, member.tier, now);
    tier = { name: view.name, next: view.next ? { name: view.next.name, remaining: view.next.remaining, basis: toTierBasis(shop.program.tierBasis) } : null };
  }
  return {
    id: row.id,
    shopId: shop.id,
    shopDomain: shop.domain,
    shopUninstalled: shop.uninstalledAt !== null,
    attempts: row.attempts,
    kind,
    data: readOccasionData(kind, occasion.data),
    occasionOn: occasionSettings?.on ?? false,
    audience: occasionSettings?.audience ?? "all",
    to,
    member: member
      ? {
          id: member.id,
          customerGid: member.customerGid,
          status: member.status,
          unsubscribed: member.emailUnsubscribedAt !== null,
          marketingState: member.emailMarketingState,
          marketingCheckedAt: member.emailMarketingCheckedAt,
        }
      : null,
    suppressed,
    language,
    text: emailKind && occasionSettings ? emailTextFor(occasionSettings, emailKind, language) : { subject: "", text: "" },
    brand: toEmailBrand(shop),
    emailMember: { firstName: member?.firstName ?? null, points: member?.points ?? 0, tier },
    senderName: shop.emailSettings?.senderName ?? null,
    replyTo: shop.emailSettings?.replyTo ?? null,
  };
}

export type EmailDeliveryOutcome =
  | { status: "sent"; recipient: string; now: Date }
  | { status: "skipped"; reason: string; recipient?: string | null }
  | { status: "retry"; error: string; nextAttemptAt: Date }
  /** Not an attempt (the hourly cap, no SMTP configured): waits without using one up. */
  | { status: "deferred"; reason: string; nextAttemptAt: Date }
  | { status: "dead"; error: string; recipient?: string | null };

export async function finishEmailDelivery(db: Db, id: string, outcome: EmailDeliveryOutcome): Promise<void> {
  const where = { id, status: "pending" };
  switch (outcome.status) {
    case "sent":
      await db.occasionDelivery.updateMany({ where, data: { status: "sent", sentAt: outcome.now, recipient: outcome.recipient, lastError: null } });
      return;
    case "skipped":
      await db.occasionDelivery.updateMany({ where, data: { status: "skipped", lastError: outcome.reason.slice(0, 1000), recipient: outcome.recipient ?? null } });
      return;
    case "dead":
      await db.occasionDelivery.updateMany({ where, data: { status: "dead", lastError: outcome.error.slice(0, 1000), recipient: outcome.recipient ?? null } });
      return;
    case "retry":
      await db.occasionDelivery.updateMany({ where, data: { lastError: outcome.error.slice(0, 1000), nextAttemptAt: outcome.nextAttemptAt } });
      return;
    case "deferred":
      await db.occasionDelivery.updateMany({ where, data: { lastError: outcome.reason.slice(0, 1000), nextAttemptAt: outcome.nextAttemptAt, attempts: { decrement: 1 } } });
      return;
  }
}

/** Emails the shop sent in the hour before `now`, and when the oldest of them leaves that hour. */
export async function sentInLastHour(db: Db, shopId: string, now: Date): Promise<{ count: number; oldest: Date | null }> {
  const since = new Date(now.getTime() - 60 * 60_000);
  const where = { shopId, channel: "email", status: "sent", sentAt: { gt: since } };
  const [count, oldest] = await Promise.all([
    db.occasionDelivery.count({ where }),
    db.occasionDelivery.findFirst({ where, orderBy: { sentAt: "asc" }, select: { sentAt: true } }),
  ]);
  return { count, oldest: oldest?.sentAt ?? null };
}

export async function recordMarketingState(db: Db, memberId: string, state: string | null, now: Date): Promise<void> {
  await db.member.update({ where: { id: memberId }, data: { emailMarketingState: state, emailMarketingCheckedAt: now } });
}

// ---- Suppression and unsubscribe -------------------------------------------------------

export type SuppressionReason = "rejected" | "bounce" | "complaint" | "unsubscribed";

export async function suppressAddress(db: Db, shopId: string, email: string, reason: SuppressionReason, detail?: string | null): Promise<void> {
  const address = email.trim().toLowerCase();
  await db.emailSuppression.upsert({
    where: { shopId_email: { shopId, email: address } },
    create: { shopId, email: address, reason, detail: detail?.slice(0, 500) ?? null },
    update: { reason, detail: detail?.slice(0, 500) ?? null },
  });
}

/** A provider's bounce or complaint for an address, for every shop that sent to it (the provider does not know the shop). */
export async function suppressEverywhere(db: Db, email: string, reason: "bounce" | "complaint", detail?: string | null): Promise<number> {
  const address = email.trim().toLowerCase();
  const shops = await db.occasionDelivery.findMany({ where: { channel: "email", recipient: address }, distinct: ["shopId"], select: { shopId: true } });
  for (const { shopId } of shops) await suppressAddress(db, shopId, address, reason, detail);
  return shops.length;
}

export async function setMemberUnsubscribed(db: Db, shopId: string, memberId: string, unsubscribed: boolean, now = new Date()): Promise<boolean> {
  const r = await db.member.updateMany({ where: { id: memberId, shopId }, data: { emailUnsubscribedAt: unsubscribed ? now : null } });
  return r.count === 1;
}

export async function setAddressUnsubscribed(db: Db, shopId: string, email: string, unsubscribed: boolean): Promise<void> {
  if (unsubscribed) await suppressAddress(db, shopId, email, "unsubscribed");
  else await db.emailSuppression.deleteMany({ where: { shopId, email: email.trim().toLowerCase(), reason: "unsubscribed" } });
}

export async function unsubscribeState(db: Db, target: { shopId: string; memberId?: string; email?: string }): Promise<{ shopName: string; unsubscribed: boolean } | null> {
  const shop = await db.shop.findUnique({ where: { id: target.shopId }, select: { name: true } });
  if (!shop) return null;
  if (target.memberId) {
    const m = await db.member.findFirst({ where: { id: target.memberId, shopId: target.shopId }, select: { emailUnsubscribedAt: true } });
    return m ? { shopName: shop.name, unsubscribed: m.emailUnsubscribedAt !== null } : null;
  }
  const s = await db.emailSuppression.count({ where: { shopId: target.shopId, email: (target.email ?? "").toLowerCase() } });
  return { shopName: shop.name, unsubscribed: s > 0 };
}

// ---- The Emails page's log (its row shape: emails-page.ts) -----------------------------

export async function emailDeliveryLog(db: Db, shopId: string, filter: { status?: string | null; kind?: string | null } = {}, take = 50): Promise<DeliveryLogRow[]> {
  const rows = await db.occasionDelivery.findMany({
    where: {
      shopId,
      channel: "email",
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.kind ? { occasion: { kind: filter.kind } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take,
    include: { occasion: { select: { kind: true, email: true, memberId: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.occasion.kind,
    status: r.status,
    recipient: r.recipient ?? r.occasion.email,
    attempts: r.attempts,
    lastError: r.lastError,
    sentAt: r.sentAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    nextAttemptAt: r.nextAttemptAt.toISOString(),
  }));
}

export async function emailDeliveryCounts(db: Db, shopId: string): Promise<Record<string, number>> {
  const rows = await db.occasionDelivery.groupBy({ by: ["status"], where: { shopId, channel: "email" }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}

/** The shop's look and names in its emails: program name, widget colours, logo, the rewards page, points names. */
function toEmailBrand(shop: {
  domain: string;
  name: string;
  currencyCode: string;
  program?: { programName: string; widgetSettings: string; pointsNames: string } | null;
  emailSettings?: { logoUrl: string | null; rewardsUrl: string | null } | null;
}): EmailBrand {
  const widget = parseWidgetDefaults(shop.program?.widgetSettings);
  return {
    shopName: shop.name,
    programName: shop.program?.programName ?? "Rewards",
    accent: widget.accent,
    onAccent: widget.onAccent,
    logoUrl: shop.emailSettings?.logoUrl ?? null,
    rewardsUrl: shop.emailSettings?.rewardsUrl ?? `https://${shop.domain}/`,
    currencyCode: shop.currencyCode,
    pointsNames: parsePointsNames(shop.program?.pointsNames),
  };
}

/** What the Emails page's preview and test send use for the signed-in merchant's shop. */
export async function emailBrandFor(db: Db, shopId: string): Promise<{ brand: EmailBrand; primaryLocale: string; domain: string }> {
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { domain: true, name: true, currencyCode: true, primaryLocale: true, program: { select: { programName: true, widgetSettings: true, pointsNames: true } }, emailSettings: true },
  });
  return { domain: shop.domain, primaryLocale: shop.primaryLocale, brand: toEmailBrand(shop) };
}

// ---- The signed unsubscribe link and the provider's bounce reports (routes) ------------

export type UnsubscribeAction = "show" | "unsubscribe" | "resubscribe";

/**
 * The unsubscribe link's page: its state, after `action`. null when the signature is wrong
 * or the recipient is unknown (then nothing changed).
 */
export async function followUnsubscribeLink(params: URLSearchParams, action: UnsubscribeAction, db: Db = getDb()): Promise<{ shopName: string; unsubscribed: boolean } | null> {
  const target = verifyUnsubscribe(getEnv().SHOPIFY_API_SECRET, params);
  if (!target) return null;
  const before = await unsubscribeState(db, target);
  if (!before || action === "show") return before;
  const unsubscribed = action === "unsubscribe";
  if ("memberId" in target) await setMemberUnsubscribed(db, target.shopId, target.memberId, unsubscribed);
  else await setAddressUnsubscribed(db, target.shopId, target.email, unsubscribed);
  return { shopName: before.shopName, unsubscribed };
}

export interface MailEvent {
  type: "bounce" | "complaint";
  email: string;
  detail?: string;
}

/** Bounces and complaints a mail provider reported (POST /email/events): each address suppressed for the shops that sent to it. */
export async function applyMailEvents(events: readonly MailEvent[], db: Db = getDb()): Promise<number> {
  let suppressed = 0;
  for (const e of events) suppressed += await suppressEverywhere(db, e.email, e.type, e.detail ?? null);
  return suppressed;
}
