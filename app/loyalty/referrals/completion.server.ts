import type { Db, Tx } from "../../db.server";
import { getDb } from "../../db.server";
import { log } from "../../log.server";
import { type RefundSnapshot, type OrderSnapshot } from "../orders/order-points";
import { OPEN_STATUSES, type ReferralStatus } from "./lifecycle";
import { type AddressFacts, type ReferralOrderFacts } from "./fraud";
import { isFriendCode } from "./codes";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { completeReferral, orderState, settleReferral, transition, type AttachCheck, type SettleOutcome } from "./settle.server";
import { loadReferralSettings, type GatewayFor, type CustomerContact, type ReferralRow } from "./settings.server";

// The referrer's reward when the friend's first order is paid. Order events converge here
// as they do for points: the referral's next step is derived from the order's newest state
// (OrderRecord), every transition is a conditional write, and every reward has its own
// idempotency key, so repeated and reordered webhooks pay exactly once. Held referrals wait
// for the merchant's decision. A referrer's discount reward is a Redemption row in
// `issuing`: the code is created in Shopify after commit by the caller
// (app/jobs/referral-rewards.server.ts, with the ids these functions return as
// `rewardCodes`), and retried from the row by the sweep. The steps themselves (settle,
// complete, reverse) are ./settle.server.ts.
// docs/decisions/0009-referrals.md

// ---- the friend's order ----

export interface ReferralOrderResult {
  referralId: string;
  status: string;
  /** Referrer reward codes to create in Shopify now (Redemption ids in `issuing`). */
  rewardCodes: string[];
}

/**
 * Called after an order event has been applied (app/webhooks/handlers.ts). Attaches the
 * friend's first paid order to its referral (by the kanta_ref attribute, or by the friend's
 * welcome code), applies the fraud rules once, and moves the referral on from the order's
 * newest state. Orders without referral facts cost no query.
 */
export async function applyReferralForOrder(
  db: Db,
  shopDomain: string,
  snapshot: OrderSnapshot & { referral?: ReferralOrderFacts },
  now: Date,
  gatewayFor?: GatewayFor,
): Promise<ReferralOrderResult | null> {
  const facts = snapshot.referral;
  const friendCodes = snapshot.discountCodes.filter(isFriendCode).map((c) => c.trim().toUpperCase());
  if (!facts?.visitorToken && friendCodes.length === 0) return null;
  const shop = await requireShopConfig(db, shopDomain);
  let referral = await db.referral.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: snapshot.orderGid } } });
  let check: AttachCheck | null = null;
  if (!referral) {
    // The welcome code decides over the cart attribute: it is the stronger evidence.
    const byCode = friendCodes.length ? await db.referral.findFirst({ where: { shopId: shop.id, friendCode: { in: friendCodes } } }) : null;
    const candidate =
      byCode ??
      (facts?.visitorToken ? await db.referral.findUnique({ where: { shopId_visitorToken: { shopId: shop.id, visitorToken: facts.visitorToken } } }) : null);
    // Only the friend's first referred order counts: a referral attached to another order is done.
    if (!candidate || candidate.orderGid || !OPEN_STATUSES.includes(candidate.status as ReferralStatus)) return null;
    const record = await db.orderRecord.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: snapshot.orderGid } }, select: { paid: true, customerGid: true } });
    if (!record?.paid || shop.program.status !== "live") return null; // attached once paid
    const settings = await loadReferralSettings(db, shop.id);
    if (!settings.enabled) return null;
    check = await gatherAttachFacts(db, shop, snapshot.orderGid, candidate, snapshot.customerGid ?? record.customerGid, facts ?? null, gatewayFor);
    referral = candidate;
  }
  const id = referral.id;
  const outcome = await inTransaction(db, (tx) => settleReferral(tx, shop, id, now, { attach: check, orderFacts: facts ?? null }));
  return { referralId: id, status: outcome.status, rewardCodes: outcome.issue };
}

/** refunds/create: a refund within the waiting period may cancel the referral. */
export async function applyReferralForRefund(db: Db, shopDomain: string, refund: RefundSnapshot, now: Date): Promise<ReferralOrderResult | null> {
  const shop = await requireShopConfig(db, shopDomain);
  const referral = await db.referral.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: refund.orderGid } }, select: { id: true } });
  if (!referral) return null;
  const outcome = await inTransaction(db, (tx) => settleReferral(tx, shop, referral.id, now, {}));
  return { referralId: referral.id, status: outcome.status, rewardCodes: outcome.issue };
}

async function gatherAttachFacts(
  db: Db,
  shop: ShopConfig,
  orderGid: string,
  referral: ReferralRow,
  friendGid: string | null,
  facts: ReferralOrderFacts | null,
  gatewayFor?: GatewayFor,
): Promise<AttachCheck> {
  const referrer = await db.member.findUniqueOrThrow({ where: { id: referral.referrerId }, select: { customerGid: true, email: true, status: true } });
  const wanted = [referrer.customerGid, ...(friendGid && friendGid !== referrer.customerGid ? [friendGid] : [])];
  // Shopify knows the referrer's addresses and phone and the friend's order count; Kanta does
  // not keep addresses. A failure here is transient: the event is retried (0004).
  const contacts = gatewayFor ? await (await gatewayFor(shop.domain)).lookupCustomers(wanted) : new Map<string, CustomerContact>();
  const mine = contacts.get(referrer.customerGid);
  const theirs = friendGid ? contacts.get(friendGid) : undefined;
  return {
    orderGid,
    referrer: {
      customerGid: referrer.customerGid,
      status: referrer.status,
      emails: [referrer.email, ...(mine?.emails ?? [])].filter((e): e is string => Boolean(e)),
      phones: [...(mine?.phones ?? []), ...(mine?.addresses ?? []).map((a) => (a as AddressFacts & { phone?: string | null }).phone ?? null)].filter(
        (p): p is string => Boolean(p),
      ),
      addresses: mine?.addresses ?? [],
    },
    friend: {
      customerGid: friendGid,
      emails: [facts?.email ?? null, referral.friendEmail, ...(theirs?.emails ?? [])].filter((e): e is string => Boolean(e)),
      phones: [...(facts?.phones ?? []), ...(theirs?.phones ?? [])],
      addresses: facts?.addresses ?? [],
    },
    shopifyOrderCount: theirs?.numberOfOrders ?? null,
  };
}

/**
 * The sweep (app/jobs/tasks.server.ts, "referral-rewards-due"): completes pending referrals
 * whose waiting period is over. Their reward codes are created by the same task
 * (app/jobs/referral-rewards.server.ts). One referral failing does not stop the others.
 */
export async function releaseDueReferrals(db: Db, options: { now?: Date; limit?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const due = await db.referral.findMany({
    where: { status: "pending", rewardAvailableAt: { lte: now } },
    select: { id: true, shop: { select: { domain: true } } },
    take: options.limit ?? 200,
  });
  let released = 0;
  for (const { id, shop: { domain } } of due) {
    try {
      const shop = await requireShopConfig(db, domain);
      const outcome = await inTransaction(db, (tx) => settleReferral(tx, shop, id, now, {}));
      if (outcome.status === "completed") released++;
    } catch (error) {
      // Still pending and due: the next sweep settles it again (settling converges).
      log.error("referral release failed", { shop: domain, referralId: id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return released;
}

// ---- the merchant's decision on a held referral ----

export type HeldDecision = "approve" | "reject";

/**
 * Approve: the reward is paid (or waits for the rest of the waiting period; a discount
 * reward's code is the caller's to create, from `rewardCodes`); a referral
 * whose order was cancelled or refunded meanwhile is cancelled instead. Reject: no reward.
 * Recorded with the staff member who decided. Only held referrals can be decided.
 */
export async function decideHeldReferral(
  input: { shopDomain: string; referralId: string; decision: HeldDecision; staff: string; actor?: AuditActor; now?: Date },
  db: Db = getDb(),
): Promise<{ status: string; rewardCodes: string[] } | null> {
  const now = input.now ?? new Date();
  const shop = await requireShopConfig(db, input.shopDomain);
  const outcome = await inTransaction(db, async (tx): Promise<SettleOutcome | null> => {
    const referral = await tx.referral.findFirst({ where: { id: input.referralId, shopId: shop.id } });
    if (!referral || referral.status !== "held" || !referral.orderGid) return null;
    const settled = await decide(tx, { ...referral, orderGid: referral.orderGid });
    await recordAudit(tx, {
      shopId: shop.id,
      actor: input.actor ?? SYSTEM_ACTOR,
      action: input.decision === "approve" ? "referral.approved" : "referral.rejected",
      subjectType: "referral",
      subjectId: referral.id,
      subjectLabel: referral.orderGid ? `Referral for order ${referral.orderGid.split("/").pop()}` : "Referral",
      before: { status: referral.status },
      after: { status: settled.status },
    });
    return settled;
  });
  if (!outcome) return null;
  return { status: outcome.status, rewardCodes: outcome.issue };

  async function decide(tx: Tx, referral: NonNullable<Awaited<ReturnType<Tx["referral"]["findFirst"]>>> & { orderGid: string }): Promise<SettleOutcome> {
    if (input.decision === "reject") {
      const r = await transition(tx, referral, { status: "rejected", decidedBy: input.staff });
      return { status: r.status, issue: [] };
    }
    const order = await orderState(tx, shop.id, referral.orderGid);
    if (!order?.qualifies) {
      const r = await transition(tx, referral, { status: "cancelled", decidedBy: input.staff });
      return { status: r.status, issue: [] };
    }
    if (referral.rewardAvailableAt && referral.rewardAvailableAt.getTime() > now.getTime()) {
      const r = await transition(tx, referral, { status: "pending", decidedBy: input.staff });
      return { status: r.status, issue: [] };
    }
    return completeReferral(tx, shop, referral, now, { orderName: order.record.name, skipCap: true, decidedBy: input.staff });
  }
}
