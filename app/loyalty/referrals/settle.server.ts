import { createHash } from "node:crypto";
import { z } from "zod";
import { occasionKey } from "../notify/occasions";
import { recordOccasion } from "../notify/occasions.server";
import type { Tx } from "../../db.server";
import { computeNetEligibleMinor } from "../orders/order-points";
import { readOrderRefunds } from "../orders/orders.server";
import { appendLedgerEntry } from "../ledger/append.server";
import { challengeContext, refreshChallenges } from "../challenges/progress.server";
import { addDays } from "../program/defaults";
import { owedCodeRow } from "../rewards/outbox.server";
import { OPEN_STATUSES, calendarMonthBounds, computeDueBonuses, computeReferralStep, describeReferralReward, orderQualifies, referralKeys, type ReferralStatus } from "./lifecycle";
import { checkAlreadyReferred, checkExistingCustomer, checkMonthlyCap, checkReferrerActive, checkSameAddress, checkSameEmail, checkSamePhone, checkSelfReferral, checkSelfVisit, decideReferral, formatReasons, type PartyFacts, type ReferralOrderFacts } from "./fraud";
import { normaliseEmail } from "../members/contact";
import { generateReferralCode } from "./codes";
import { type ReferralSettings } from "./settings";
import { type ShopConfig } from "../program/shop-config.server";
import { WriteConflictError } from "../tx.server";
import { loadReferralSettings, type ReferralRow } from "./settings.server";

// A referral's steps once its order's facts are known: settle (complete, hold or reject by
// the fraud rules and the cap), complete (the referrer's reward: points or a discount code
// to create after commit, the friend's and the bonuses), reverse (the order cancelled or
// refunded in full), and every status change as a conditional write. Called by the order
// events (./completion.server.ts), the sweep and the merchant's decision on a held one.
// docs/decisions/0009-referrals.md

export interface SettleOutcome {
  status: string;
  /** Referrer discount rewards to create in Shopify once the transaction has committed. */
  issue: string[];
}

/** The order's facts that decide a referral: paid, cancelled, and what is kept net of refunds and edits. */
export async function orderState(tx: Tx, shopId: string, orderGid: string) {
  const record = await tx.orderRecord.findUnique({ where: { shopId_orderGid: { shopId, orderGid } } });
  if (!record) return null;
  const refunds = await readOrderRefunds(tx, shopId, orderGid, record.taxesIncluded);
  const keptMinor = Number(record.grossMinor) - Number(record.editRemovedMinor);
  const netMinor = computeNetEligibleMinor({
    grossMinor: Number(record.grossMinor),
    editRemovedMinor: Number(record.editRemovedMinor),
    orderTotalMinor: Number(record.orderTotalMinor),
    ...refunds,
  });
  return {
    record,
    valueMinor: Math.max(0, keptMinor),
    qualifies: orderQualifies({ paid: record.paid, cancelled: record.cancelled, netMinor }),
  };
}

/** Facts for the fraud rules, read before the transaction (one Admin API call at most). */
export interface AttachCheck {
  orderGid: string;
  referrer: PartyFacts & { status: string };
  friend: PartyFacts;
  shopifyOrderCount: number | null;
}

export async function attachAndSettle(
  tx: Tx,
  shop: ShopConfig,
  referral: ReferralRow,
  check: AttachCheck,
  facts: ReferralOrderFacts | null,
  now: Date,
): Promise<SettleOutcome> {
  const settings = await loadReferralSettings(tx, shop.id);
  // The order being attached is the one this event is about; re-read it in the transaction.
  const orderGid = check.orderGid;
  const order = await orderState(tx, shop.id, orderGid);
  if (!order?.record.paid) return { status: referral.status, issue: [] };
  const friendGid = check.friend.customerGid;
  const friendEmail = referral.friendEmail ?? normaliseEmail(facts?.email ?? null);

  const others = friendGid || friendEmail
    ? await tx.referral.count({
        where: {
          shopId: shop.id,
          id: { not: referral.id },
          status: { in: ["pending", "completed", "held"] },
          OR: [...(friendGid ? [{ friendCustomerGid: friendGid }] : []), ...(friendEmail ? [{ friendEmail }] : [])],
        },
      })
    : 0;
  const earlierOrders = friendGid
    ? await tx.orderRecord.count({
        where: {
          shopId: shop.id,
          customerGid: friendGid,
          paid: true,
          orderGid: { not: orderGid },
          ...(order.record.processedAt ? { processedAt: { lt: order.record.processedAt } } : {}),
        },
      })
    : 0;
  const decision = decideReferral(
    [
      checkReferrerActive(check.referrer.status),
      checkSelfReferral(check.referrer, check.friend),
      checkSameEmail(check.referrer, check.friend),
      checkSameAddress(check.referrer, check.friend),
      checkSamePhone(check.referrer, check.friend),
      checkSelfVisit({ selfVisit: referral.heldReason === "self_visit" }),
      checkAlreadyReferred(others),
      checkExistingCustomer({ earlierOrders, shopifyOrderCount: check.shopifyOrderCount }),
    ],
    settings.review,
  );
  const status: ReferralStatus = decision.action === "reject" ? "rejected" : decision.action === "hold" ? "held" : "pending";
  const attached = await tx.referral.updateMany({
    where: { id: referral.id, orderGid: null, status: referral.status },
    data: {
      orderGid,
      orderValueMinor: BigInt(order.valueMinor),
      friendCustomerGid: referral.friendCustomerGid ?? friendGid,
      friendEmail,
      status,
      heldReason: decision.action === "accept" ? null : formatReasons(decision.reasons),
      decidedBy: decision.action === "reject" ? "system" : null,
      rewardAvailableAt: addDays(order.record.processedAt ?? now, shop.program.pendingDays),
    },
  });
  if (attached.count !== 1) throw new WriteConflictError(`referral ${referral.id} attached concurrently`);
  // Settle at once: a cancelled order cancels it; no waiting period completes it now.
  return settleReferral(tx, shop, referral.id, now, {});
}

export async function settleReferral(
  tx: Tx,
  shop: ShopConfig,
  referralId: string,
  now: Date,
  options: { attach?: AttachCheck | null; orderFacts?: ReferralOrderFacts | null },
): Promise<SettleOutcome> {
  let referral = await tx.referral.findUniqueOrThrow({ where: { id: referralId } });
  const issue: string[] = [];
  if (!referral.orderGid) {
    // Attaching: only from the facts gathered for exactly this open referral.
    if (!options.attach || !OPEN_STATUSES.includes(referral.status as ReferralStatus)) return { status: referral.status, issue };
    return attachAndSettle(tx, shop, referral, options.attach, options.orderFacts ?? null, now);
  }
  const order = await orderState(tx, shop.id, referral.orderGid);
  if (!order) return { status: referral.status, issue };
  const step = computeReferralStep(referral, order.qualifies, now);
  if (step === "cancel") {
    referral = await transition(tx, referral, { status: "cancelled" });
  } else if (step === "reverse") {
    referral = await reverseReferral(tx, shop, referral, order.record.name);
  } else if (step === "complete") {
    // A referral the merchant approved is not held again by the monthly cap.
    const approved = referral.decidedBy !== null && referral.decidedBy !== "system";
    return completeReferral(tx, shop, referral, now, { orderName: order.record.name, skipCap: approved });
  }
  return { status: referral.status, issue };
}

/**
 * The friend's order was cancelled or refunded in full after the referrer was paid: the
 * points reward is taken back with its own key (referral:<id>:reversed), so the member may
 * go negative as with a reversed order (0002). A discount code already created in Shopify
 * is not revoked (it may be used already), one not created yet never is; bonuses for the
 * Nth referral stay paid. The referral ends
 * cancelled, with its rewardedAt kept as the record that it was paid once.
 */
export async function reverseReferral(tx: Tx, shop: ShopConfig, referral: ReferralRow, orderName: string | null): Promise<ReferralRow> {
  const paid = await tx.ledgerEntry.findUnique({
    where: { shopId_idempotencyKey: { shopId: shop.id, idempotencyKey: referralKeys.reward(referral.id) } },
    select: { memberId: true, delta: true },
  });
  const cancelled = await transition(tx, referral, { status: "cancelled" });
  // A discount reward whose code Shopify has not created yet is not created any more.
  await tx.redemption.updateMany({
    where: { shopId: shop.id, requestId: referralKeys.rewardRedemption(referral.id), status: "issuing" },
    data: { status: "failed", error: "the friend's order was cancelled or refunded before the code was created", nextAttemptAt: null },
  });
  if (paid && paid.delta !== 0) {
    await appendLedgerEntry(tx, {
      shopId: shop.id,
      memberId: paid.memberId,
      delta: -paid.delta,
      kind: "referral",
      idempotencyKey: referralKeys.reversal(referral.id),
      sourceGid: referral.orderGid,
      note: `Referral reversed: friend's order${orderName ? ` ${orderName}` : ""} cancelled or refunded`,
    });
  }
  return cancelled;
}

/** Conditional write from the status read: a concurrent settlement makes this one retry. */
export async function transition(tx: Tx, referral: ReferralRow, data: Partial<Pick<ReferralRow, "status" | "heldReason" | "rewardedAt" | "decidedBy" | "rewardAvailableAt">>): Promise<ReferralRow> {
  const updated = await tx.referral.updateMany({ where: { id: referral.id, status: referral.status, orderGid: referral.orderGid }, data });
  if (updated.count !== 1) throw new WriteConflictError(`referral ${referral.id} changed concurrently`);
  return { ...referral, ...data } as ReferralRow;
}


/**
 * Pays the referrer: the points (one ledger row, key referral:<id>) or a discount (a
 * redemption row, created in Shopify after commit), then any tier bonus now due, once each.
 * The referrer's row is locked first, so the monthly cap and the bonus count see every
 * concurrent completion of the same member.
 */
export async function completeReferral(
  tx: Tx,
  shop: ShopConfig,
  referral: ReferralRow,
  now: Date,
  options: { orderName: string | null; skipCap: boolean; decidedBy?: string },
): Promise<SettleOutcome> {
  // Program paused or draft: nothing is paid; the sweep tries again while it waits.
  if (shop.program.status !== "live") return { status: referral.status, issue: [] };
  const settings = await loadReferralSettings(tx, shop.id);
  const referrer = await tx.member.update({ where: { id: referral.referrerId }, data: { updatedAt: now }, select: { id: true, status: true, customerGid: true } });
  const inactive = checkReferrerActive(referrer.status);
  if (inactive) {
    const r = await transition(tx, referral, { status: "rejected", heldReason: inactive, decidedBy: options.decidedBy ?? "system" });
    return { status: r.status, issue: [] };
  }
  if (!options.skipCap && settings.monthlyCap !== null) {
    const month = calendarMonthBounds(now, shop.ianaTimezone);
    const paid = await tx.referral.count({
      where: { shopId: shop.id, referrerId: referrer.id, status: "completed", rewardedAt: { gte: month.start, lt: month.end } },
    });
    const capped = checkMonthlyCap(paid, settings.monthlyCap);
    if (capped) {
      const decision = decideReferral([capped], settings.review);
      const r = await transition(tx, referral, {
        status: decision.action === "reject" ? "rejected" : "held",
        heldReason: capped,
        decidedBy: decision.action === "reject" ? "system" : null,
      });
      return { status: r.status, issue: [] };
    }
  }
  const completed = await transition(tx, referral, {
    status: "completed",
    rewardedAt: now,
    ...(options.decidedBy ? { decidedBy: options.decidedBy } : {}),
  });
  // A "refer N friends" challenge counts completed referrals (0035).
  if (shop.hasChallenges) await refreshChallenges(tx, challengeContext(shop, now, now), referrer.id, "referral");
  const issue: string[] = [];
  const note = `Friend's order ${options.orderName ?? ""}`.trim();
  const reward = settings.referrer;
  if (reward.type === "points" && reward.points) {
    await appendLedgerEntry(tx, {
      shopId: shop.id,
      memberId: referrer.id,
      delta: reward.points,
      kind: "referral",
      idempotencyKey: referralKeys.reward(referral.id),
      sourceGid: referral.orderGid,
      note: `Referral: ${note}`,
    });
  } else if (reward.type !== "points") {
    const row = await owedCodeRow(tx, {
      shopId: shop.id,
      memberId: referrer.id,
      requestId: referralKeys.rewardRedemption(referral.id),
      rewardName: `Referral reward: ${describeReferralReward(reward, shop.currencyCode)}`,
      code: referrerRewardCode(shop.id, referral.id),
      expiresAt: reward.expiryDays ? addDays(now, reward.expiryDays) : null,
    });
    issue.push(row.id);
  }
  await payDueBonuses(tx, shop, settings, referrer.id, referral.orderGid);
  // The referrer's reward and the completed referral (0023), with the completion: once per referral.
  await recordOccasion(tx, {
    shopId: shop.id,
    memberId: referrer.id,
    kind: "referral_reward",
    key: occasionKey("referral_reward", referral.id),
    data:
      reward.type === "points"
        ? { points: reward.points ?? 0 }
        : { code: referrerRewardCode(shop.id, referral.id), rewardText: describeReferralReward(reward, shop.currencyCode) },
  });
  await recordOccasion(tx, {
    shopId: shop.id,
    memberId: referrer.id,
    kind: "referral_completed",
    key: occasionKey("referral_completed", referral.id),
    data: {
      referralId: referral.id,
      // Only an address the occasion's schema takes: a stored oddity must not fail the completion.
      ...(referral.friendEmail && z.string().email().safeParse(referral.friendEmail).success ? { friendEmail: referral.friendEmail } : {}),
      ...(referral.orderGid ? { orderGid: referral.orderGid } : {}),
    },
  });
  return { status: completed.status, issue };
}

export async function payDueBonuses(tx: Tx, shop: ShopConfig, settings: ReferralSettings, referrerId: string, sourceGid: string | null): Promise<void> {
  if (settings.bonuses.length === 0) return;
  const count = await tx.referral.count({ where: { shopId: shop.id, referrerId, status: "completed" } });
  const keys = settings.bonuses.map((b) => referralKeys.bonus(referrerId, b.count));
  const paid = await tx.ledgerEntry.findMany({ where: { shopId: shop.id, idempotencyKey: { in: keys } }, select: { idempotencyKey: true } });
  const paidCounts = new Set(paid.map((p) => Number(p.idempotencyKey.split(":").pop())));
  for (const bonus of computeDueBonuses(settings.bonuses, count, paidCounts)) {
    await appendLedgerEntry(tx, {
      shopId: shop.id,
      memberId: referrerId,
      delta: bonus.points,
      kind: "referral",
      idempotencyKey: referralKeys.bonus(referrerId, bonus.count),
      sourceGid,
      note: `Referral bonus: ${bonus.count} friends`,
    });
  }
}

/** The referrer's discount code, derived from the referral: a retry after a crash asks Shopify for this exact code. */
export function referrerRewardCode(shopId: string, referralId: string): string {
  const digest = createHash("sha256").update(`${shopId}:${referralId}`).digest();
  let i = 0;
  return `KANTA-R${generateReferralCode((n) => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = digest[i++ % digest.length]!;
    return out;
  })}`;
}
