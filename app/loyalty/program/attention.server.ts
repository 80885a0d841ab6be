import { getDb, type Db } from "../../db.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { ATTENTION_CHANNELS, ATTENTION_RETENTION_DAYS, DEAD_EVENTS_SHOWN, type Attention, type AttentionChannel, type DeadDeliveriesView } from "./attention";

export { ATTENTION_RETENTION_DAYS, type Attention } from "./attention";

// What needs the merchant on Home: work Kanta gave up on (webhook events, tier syncs, reward
// codes and Flow/Klaviyo deliveries that are dead after their retries) and customer data
// requests to send on.
// Dead events and data-request exports hold customer data: both are kept RETENTION_DAYS,
// then deleted (app/jobs/webhook-job.server.ts pruneInbox, pruneComplianceExports here).

const DAY_MS = 86_400_000;

export async function getAttention(shopDomain: string, db: Db = getDb(), now = new Date()): Promise<Attention | null> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return null;
  const since = new Date(now.getTime() - ATTENTION_RETENTION_DAYS * DAY_MS);
  const [deadEvents, deadEventCount, tierSyncDead, rewardCodesDead, exports, pointsSync, deliveriesDead] = await Promise.all([
    db.webhookEvent.findMany({
      where: { shopDomain, status: "dead" },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: DEAD_EVENTS_SHOWN,
      select: { id: true, topic: true, receivedAt: true, attempts: true, lastError: true },
    }),
    db.webhookEvent.count({ where: { shopDomain, status: "dead" } }),
    db.tierChange.count({ where: { shopId: shop.id, syncStatus: "dead" } }),
    db.redemption.count({ where: { shopId: shop.id, status: "dead" } }),
    db.complianceExport.findMany({
      where: { shopDomain, createdAt: { gte: since } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 50,
      select: { id: true, customerGid: true, createdAt: true },
    }),
    db.pointsSync.findUnique({ where: { shopId: shop.id }, select: { deadAt: true, lastError: true } }),
    deadDeliveries(db, shop.id),
  ]);
  const balanceSyncDead = pointsSync?.deadAt ? { error: pointsSync.lastError } : null;
  const dataRequests = exports.map((e) => ({
    id: e.id,
    customerGid: e.customerGid,
    createdAt: e.createdAt.toISOString(),
    expiresAt: new Date(e.createdAt.getTime() + ATTENTION_RETENTION_DAYS * DAY_MS).toISOString(),
  }));
  return {
    deadEvents: deadEvents.map((e) => ({ id: e.id, topic: e.topic, receivedAt: e.receivedAt.toISOString(), attempts: e.attempts, error: e.lastError })),
    deadEventCount,
    tierSyncDead,
    rewardCodesDead,
    dataRequests,
    deliveriesDead,
    balanceSyncDead,
    any: deadEventCount + tierSyncDead + rewardCodesDead + dataRequests.length + deliveriesDead.length > 0 || balanceSyncDead !== null,
  };
}

/** Dead Flow and Klaviyo deliveries per channel, with the latest error (one indexed count and one row each). */
async function deadDeliveries(db: Db, shopId: string): Promise<DeadDeliveriesView[]> {
  const out: DeadDeliveriesView[] = [];
  for (const channel of ATTENTION_CHANNELS) {
    const count = await db.occasionDelivery.count({ where: { shopId, channel, status: "dead" } });
    if (count === 0) continue;
    const latest = await db.occasionDelivery.findFirst({ where: { shopId, channel, status: "dead" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { lastError: true } });
    out.push({ channel, count, error: latest?.lastError ?? null });
  }
  return out;
}

/** Puts the shop's dead deliveries of one channel (Flow or Klaviyo) back in line: due now, with fresh attempts. */
export async function retryDeadDeliveries(shopDomain: string, channel: AttentionChannel, db: Db = getDb(), now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<number> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return 0;
  return inTransaction(db, async (tx) => {
    const r = await tx.occasionDelivery.updateMany({ where: { shopId: shop.id, channel, status: "dead" }, data: { status: "pending", attempts: 0, nextAttemptAt: now } });
    if (r.count > 0) {
      await recordAudit(tx, {
        shopId: shop.id, actor, action: "attention.deliveries_retried", subjectType: "attention", subjectId: channel,
        subjectLabel: channel === "flow" ? "Failed Shopify Flow triggers" : "Failed Klaviyo events", before: null, after: { retried: r.count },
      });
    }
    return r.count;
  });
}

/**
 * Puts dead webhook events back in line (one, some, or all of the shop's): due now, with a
 * fresh set of attempts. The sweep picks them up within seconds. Returns how many.
 */
export async function retryDeadWebhookEvents(shopDomain: string, ids: readonly string[] | "all", db: Db = getDb(), now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<number> {
  if (ids !== "all" && ids.length === 0) return 0;
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  return inTransaction(db, async (tx) => {
    const r = await tx.webhookEvent.updateMany({
      where: { shopDomain, status: "dead", ...(ids === "all" ? {} : { id: { in: [...ids] } }) },
      data: { status: "retrying", attempts: 0, nextAttemptAt: now },
    });
    if (shop && r.count > 0) {
      await recordAudit(tx, {
        shopId: shop.id, actor, action: "attention.webhooks_retried", subjectType: "attention", subjectId: ids === "all" ? null : ids.join(",").slice(0, 200),
        subjectLabel: ids === "all" ? "All failed webhook events" : "Failed webhook event", before: null, after: { retried: r.count },
      });
    }
    return r.count;
  });
}

/** Puts the shop's dead tier syncs (tags, metafield, Flow) back in line. Returns how many. */
export async function retryDeadTierSyncs(shopDomain: string, db: Db = getDb(), now = new Date(), actor: AuditActor = SYSTEM_ACTOR): Promise<number> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return 0;
  return inTransaction(db, async (tx) => {
    const r = await tx.tierChange.updateMany({
      where: { shopId: shop.id, syncStatus: "dead" },
      data: { syncStatus: "pending", syncAttempts: 0, nextSyncAt: now },
    });
    if (r.count > 0) {
      await recordAudit(tx, { shopId: shop.id, actor, action: "attention.tier_syncs_retried", subjectType: "attention", subjectId: null, subjectLabel: "Tier syncs to Shopify", before: null, after: { retried: r.count } });
    }
    return r.count;
  });
}

/** Puts the shop's dead balance-metafield sync back in line (its members are still marked). */
export async function retryDeadPointsSync(shopDomain: string, db: Db = getDb(), now = new Date()): Promise<boolean> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return false;
  const r = await db.pointsSync.updateMany({ where: { shopId: shop.id, deadAt: { not: null } }, data: { deadAt: null, attempts: 0, nextAttemptAt: now } });
  return r.count === 1;
}

/** One data-request export of the shop, while it is kept. */
export async function getDataRequestExport(shopDomain: string, id: string, db: Db = getDb(), now = new Date(), viewer?: AuditActor) {
  const row = await db.complianceExport.findFirst({ where: { id, shopDomain } });
  if (!row || row.createdAt.getTime() + ATTENTION_RETENTION_DAYS * DAY_MS <= now.getTime()) return null;
  // Opening a customer's data is recorded (who saw it, when); the customer's id is not copied.
  const shop = viewer ? await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } }) : null;
  if (viewer && shop) {
    await recordAudit(db, { shopId: shop.id, actor: viewer, action: "data_request.viewed", subjectType: "data_request", subjectId: row.id, subjectLabel: "Customer data request", before: null, after: null });
  }
  return {
    id: row.id,
    customerGid: row.customerGid,
    createdAt: row.createdAt.toISOString(),
    expiresAt: new Date(row.createdAt.getTime() + ATTENTION_RETENTION_DAYS * DAY_MS).toISOString(),
    data: row.data,
  };
}

/** The periodic task "compliance-exports-prune": exports older than the retention are deleted. */
export async function pruneComplianceExports(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - ATTENTION_RETENTION_DAYS * DAY_MS);
  const r = await db.complianceExport.deleteMany({ where: { createdAt: { lt: before } } });
  return r.count;
}

/** The Home page's attention intents; null when the form is about something else. */
export async function runAttentionIntent(shopDomain: string, form: FormData, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<{ ok: boolean; message: string } | null> {
  const intent = form.get("intent");
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (intent === "retry-event" || intent === "retry-all-events") {
    const ids = intent === "retry-all-events" ? "all" : [String(form.get("id") ?? "")];
    const count = await retryDeadWebhookEvents(shopDomain, ids, db, new Date(), actor);
    if (count === 0) return { ok: false, message: "Nothing to retry: the event was already retried or deleted" };
    return { ok: true, message: `${plural(count, "webhook event", "webhook events")} will be processed again in a few seconds` };
  }
  if (intent === "retry-tier-syncs") {
    const count = await retryDeadTierSyncs(shopDomain, db, new Date(), actor);
    if (count === 0) return { ok: false, message: "Nothing to retry" };
    return { ok: true, message: `${plural(count, "tier change", "tier changes")} will be sent to Shopify again` };
  }
  if (intent === "retry-deliveries") {
    const channel = String(form.get("id") ?? "");
    if (!(ATTENTION_CHANNELS as readonly string[]).includes(channel)) return { ok: false, message: "Unknown channel" };
    const count = await retryDeadDeliveries(shopDomain, channel as AttentionChannel, db, new Date(), actor);
    if (count === 0) return { ok: false, message: "Nothing to retry" };
    return { ok: true, message: `${plural(count, channel === "flow" ? "Flow trigger" : "Klaviyo event", channel === "flow" ? "Flow triggers" : "Klaviyo events")} will be sent again` };
  }
  if (intent === "retry-points-sync") {
    if (!(await retryDeadPointsSync(shopDomain, db))) return { ok: false, message: "Nothing to retry" };
    return { ok: true, message: "Members' balances will be sent to Shopify again" };
  }
  return null;
}
