import { randomBytes } from "node:crypto";
import { occasionKey } from "../notify/occasions";
import { recordOccasion } from "../notify/occasions.server";
import { getDb, type Db, type Tx } from "../../db.server";
import { log } from "../../log.server";
import { ledgerKeys } from "../ledger/entries";
import { appendConditionalDebit, appendLedgerEntry } from "../ledger/append.server";
import { releaseDuePendingPoints } from "../orders/orders.server";
import { formatMinorPlain } from "../ledger/money";
import {
  checkRedeemable,
  computeDiscountSpec,
  computePointsToMoney,
  computeStoreCreditSpec,
  generateRewardCode,
  rewardOfferedOn,
  type DiscountSpec,
  type RewardSurface,
  type StoreCreditSpec,
} from "./rewards";
import { rewardForTier } from "./tier-variants";
import { requireShopConfig } from "../program/shop-config.server";
import { toRewardDef } from "./reward-def";

export { toRewardDef };
import { inTransaction } from "../tx.server";
import { recordAudit } from "../audit/record.server";
import type { AuditActor } from "../audit/audit";

// Redeeming points for a reward, in two steps around the call to Shopify:
//  1. one transaction: the redemption row (unique per request id, so one click never yields
//     two codes) and the conditional debit (never below zero, even under concurrent clicks);
//  2. Shopify creates the discount code; on success the redemption is issued, on failure
//     the points come back with a correcting ledger row.
// A process that dies between the two leaves a `pending` redemption; ./stalled.server.ts
// (recoverStalledRedemption) asks Shopify whether the code exists and finishes either way. A store_credit reward takes
// the same path with storeCreditAccountCredit in place of the code: reserved (row + debit),
// credited, confirmed; a stalled one is matched against the customer's store credits
// (./store-credit.ts, docs/decisions/0028-store-credit.md). That question is an outbox
// (app/jobs/redemptions-job.server.ts): attempts, the last error and the next attempt are on
// the row, and a redemption Shopify cannot be asked about ends `dead`, its points still
// spent, for staff to settle.

export type RedeemErrorCode =
  | "program_inactive"
  | "not_a_member"
  | "member_excluded"
  | "reward_unavailable"
  | "tier_required"
  | "tier_too_high"
  | "insufficient_points"
  | "invalid_points"
  | "request_conflict"
  | "credit_in_progress"
  | "shopify_failed";

export class RedeemError extends Error {
  override name = "RedeemError";
  constructor(
    readonly code: RedeemErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Creates the discount in Shopify (app/shopify/discounts.server.ts, or a test double). */
export type IssueDiscount = (spec: DiscountSpec) => Promise<{ discountGid: string; code: string }>;

export interface RedemptionView {
  id: string;
  requestId: string;
  status: string;
  rewardName: string;
  pointsSpent: number;
  code: string | null;
  /** What the member gets: a discount code, or store credit on their Shopify account. */
  kind: "code" | "store_credit";
  /** store_credit: the amount added to the member's Shopify store credit (minor units), once Shopify has it; else null. */
  creditMinor: number | null;
  expiresAt: string | null;
  createdAt: string;
}

type RedemptionRow = Awaited<ReturnType<Tx["redemption"]["findUniqueOrThrow"]>>;

/** What a redemption's view is made of (also read by the storefront's member read, storefront/member-side.server.ts). */
export type RedemptionViewRow = Pick<RedemptionRow, "id" | "requestId" | "status" | "rewardName" | "pointsSpent" | "code" | "creditMinor" | "expiresAt" | "createdAt">;

export function toRedemptionView(r: RedemptionViewRow): RedemptionView {
  return {
    id: r.id,
    requestId: r.requestId,
    status: r.status,
    rewardName: r.rewardName,
    pointsSpent: r.pointsSpent,
    // A code is shown only once Shopify has it.
    code: r.status === "issued" || r.status === "used" ? r.code : null,
    kind: r.creditMinor === null ? "code" : "store_credit",
    creditMinor: r.creditMinor !== null && (r.status === "issued" || r.status === "used") ? Number(r.creditMinor) : null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

export interface RedeemInput {
  shopDomain: string;
  customerGid: string;
  rewardId: string;
  requestId: string;
  /** points_to_money: how many points the shopper chose to spend (whole units of the rate). */
  points?: number;
  /** Where the shopper redeems (default the online store): store credit is not offered in POS. */
  surface?: RewardSurface;
  now?: Date;
  /**
   * A staff member redeeming for the customer at Shopify POS (docs/decisions/0027-pos.md):
   * the redemption records channel `pos` and the staff member, the ledger row's actor is the
   * staff member, and an audit row is written with the debit. Absent: the shopper online.
   */
  pos?: { staff: AuditActor };
}

export async function redeemReward(input: RedeemInput, issue: IssueDiscount, db: Db = getDb(), hooks: IssueHooks = {}): Promise<RedemptionView> {
  const now = input.now ?? new Date();
  const shop = await requireShopConfig(db, input.shopDomain);
  if (shop.program.status !== "live") throw new RedeemError("program_inactive", "The rewards program is not active.");
  const member = await db.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid: input.customerGid } },
    select: { id: true, pendingPoints: true },
  });
  if (!member) throw new RedeemError("not_a_member", "Join the program to redeem rewards.");
  if (member.pendingPoints !== 0) await releaseDuePendingPoints(db, { memberId: member.id, now });

  const step1 = await inTransaction(db, async (tx) => {
    const existing = await tx.redemption.findUnique({
      where: { shopId_requestId: { shopId: shop.id, requestId: input.requestId } },
    });
    if (existing) {
      if (existing.memberId !== member.id) throw new RedeemError("request_conflict", "This request id belongs to another redemption.");
      // A replay must ask for the same thing; other points under the same id are a client bug.
      if (input.points !== undefined && existing.rewardId === input.rewardId && existing.pointsSpent !== input.points) {
        throw new RedeemError("request_conflict", "This request id was used for another amount.");
      }
      return { redemption: existing, replay: true, spec: null };
    }
    const current = await tx.member.findUniqueOrThrow({
      where: { id: member.id },
      select: { points: true, status: true, tier: { select: { rank: true } } },
    });
    if (current.status !== "active") throw new RedeemError("member_excluded", "This account cannot redeem rewards.");
    const row = await tx.reward.findFirst({ where: { id: input.rewardId, shopId: shop.id } });
    // The terms for the member's tier as stored now (0032): its cost and value may differ per tier.
    const tierRank = current.tier?.rank ?? null;
    const def = row ? toRewardDef(row) : null;
    const reward = def ? rewardForTier(def, tierRank) : null;
    // Store credit only where it can be spent, and only by a caller that can add it in Shopify.
    if (!reward || !rewardOfferedOn(reward.type, input.surface ?? "online_store") || (reward.type === "store_credit" && !hooks.issueStoreCredit)) {
      throw new RedeemError("reward_unavailable", "This reward is not available.");
    }
    const refusal = checkRedeemable(reward, { points: current.points, tierRank });
    if (refusal) throw refusalError(refusal);

    // What this redemption costs: the reward's price, or the points chosen for points_to_money.
    let cost = reward.pointsCost;
    let rewardName = reward.name;
    if (reward.type === "points_to_money" && reward.rate) {
      const choice = computePointsToMoney(reward.rate, input.points ?? Number.NaN);
      if (!choice.ok) {
        const { minPoints, stepPoints, maxPoints } = choice;
        const range = maxPoints === null ? `at least ${minPoints}` : `from ${minPoints} to ${maxPoints}`;
        throw new RedeemError("invalid_points", `Choose ${range} points, in steps of ${stepPoints}.`, { minPoints, stepPoints, maxPoints });
      }
      if (current.points < choice.points) throw refusalError({ code: "insufficient_points", needed: choice.points - current.points });
      cost = choice.points;
      rewardName = `${reward.name}: ${formatMinorPlain(choice.amountMinor, shop.currencyCode)} ${shop.currencyCode}`;
    }

    let spec: RewardCall;
    if (reward.type === "store_credit") {
      const credit = computeStoreCreditSpec(reward, { customerGid: input.customerGid, currencyCode: shop.currencyCode, now });
      spec = { kind: "store_credit", credit };
      rewardName = `${reward.name}: ${credit.amount} ${credit.currencyCode}`;
    } else {
      const code = generateRewardCode((n) => randomBytes(n));
      spec = { kind: "discount", discount: computeDiscountSpec(reward, { code, customerGid: input.customerGid, currencyCode: shop.currencyCode, now, points: cost }) };
    }
    const redemption = await tx.redemption.create({
      data: {
        shopId: shop.id,
        memberId: member.id,
        rewardId: reward.id,
        requestId: input.requestId,
        rewardName,
        pointsSpent: cost,
        status: "pending",
        code: spec.kind === "discount" ? spec.discount.code : null,
        creditMinor: spec.kind === "store_credit" ? BigInt(spec.credit.amountMinor) : null,
        expiresAt: spec.kind === "discount" ? spec.discount.endsAt : spec.credit.expiresAt,
        ...(input.pos ? { channel: "pos", staffId: input.pos.staff.id } : {}),
      },
    });
    const debited = await appendConditionalDebit(tx, {
      shopId: shop.id,
      memberId: member.id,
      delta: -cost,
      kind: "redeemed",
      idempotencyKey: ledgerKeys.redeem(redemption.id),
      sourceGid: reward.id,
      actor: input.pos ? `pos:${input.pos.staff.id ?? "staff"}` : `customer:${input.customerGid}`,
      note: rewardName,
    });
    // A concurrent redemption spent the points after the check above: undo this one.
    if (!debited) throw refusalError({ code: "insufficient_points", needed: cost - current.points });
    if (spec.kind === "store_credit") {
      // One store credit in flight per member: a stalled one is then recognised in Shopify
      // without doubt (./store-credit.ts). Read after the debit, which holds the member's row.
      const inFlight = await tx.redemption.count({ where: { memberId: member.id, status: "pending", creditMinor: { not: null }, id: { not: redemption.id } } });
      if (inFlight > 0) throw new RedeemError("credit_in_progress", "Your last store credit is still being added. Try again in a few minutes.");
    }
    if (input.pos) {
      // With the debit, so a retried request (a replay above) records nothing more.
      await recordAudit(tx, {
        shopId: shop.id,
        actor: input.pos.staff,
        action: "member.reward_redeemed_pos",
        subjectType: "member",
        subjectId: member.id,
        before: null,
        after: { reward: rewardName, pointsSpent: cost, redemptionId: redemption.id, channel: "pos" },
      });
    }
    return { redemption, replay: false, spec };
  });

  if (step1.replay || !step1.spec) return toRedemptionView(step1.redemption);
  const spec = step1.spec;
  if (spec.kind === "store_credit") {
    const issueStoreCredit = hooks.issueStoreCredit!;
    return issueOrRefund(db, step1.redemption, async () => ({ discountGid: (await issueStoreCredit(spec.credit)).transactionGid }), hooks, STORE_CREDIT_WORDS);
  }
  return issueOrRefund(db, step1.redemption, () => issue(spec.discount), hooks, CODE_WORDS);
}

/** What one redemption asks of Shopify: a discount code, or store credit. */
type RewardCall = { kind: "discount"; discount: DiscountSpec } | { kind: "store_credit"; credit: StoreCreditSpec };

/** Adds store credit in Shopify (app/shopify/store-credit.server.ts, or a test double). */
export type IssueStoreCredit = (spec: StoreCreditSpec) => Promise<{ transactionGid: string }>;

const CODE_WORDS = {
  failed: "The reward could not be created right now. Your points have been returned.",
  slow: "reward code not confirmed in time; the sweep will finish it",
  late: "reward code created after the redemption was settled; deactivating it",
};
const STORE_CREDIT_WORDS = {
  failed: "The store credit could not be added right now. Your points have been returned.",
  slow: "store credit not confirmed in time; the sweep will finish it",
  late: "store credit added after the redemption was settled (its points were returned); staff must settle it",
};

function refusalError(refusal: NonNullable<ReturnType<typeof checkRedeemable>>): RedeemError {
  switch (refusal.code) {
    case "insufficient_points":
      return new RedeemError("insufficient_points", `You need ${refusal.needed} more points.`, { needed: refusal.needed });
    case "tier_required":
      return new RedeemError("tier_required", "This reward is for a higher tier.", { minTierRank: refusal.minTierRank });
    case "tier_too_high":
      return new RedeemError("tier_too_high", "This reward is for lower tiers; yours has its own rewards.", { maxTierRank: refusal.maxTierRank });
    case "reward_unavailable":
      return new RedeemError("reward_unavailable", "This reward is not available.");
  }
}

/**
 * What a late request does with a code Shopify made after the redemption stopped being
 * pending (the stalled-redemption sweep refunded it): the code is deactivated, so points
 * come back once and no code is left that nobody paid for.
 */
export type WithdrawDiscount = (created: { discountGid: string; code: string }) => Promise<void>;

/** Whether an error leaves it unknown if Shopify made the code (a timeout): the sweep finds out. */
export type IsOutcomeUnknown = (error: unknown) => boolean;

export interface IssueHooks {
  withdraw?: WithdrawDiscount;
  outcomeUnknown?: IsOutcomeUnknown;
  /** Given by the surfaces where store credit can be spent (online store, customer accounts); without it store_credit rewards are unavailable. */
  issueStoreCredit?: IssueStoreCredit;
}

async function issueOrRefund(
  db: Db,
  redemption: RedemptionRow,
  call: () => Promise<{ discountGid: string; code?: string }>,
  hooks: IssueHooks,
  words: typeof CODE_WORDS,
): Promise<RedemptionView> {
  let created: { discountGid: string; code?: string };
  try {
    created = await call();
  } catch (error) {
    const errorText = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const fields = { shopId: redemption.shopId, redemptionId: redemption.id, memberId: redemption.memberId, error: errorText };
    if (hooks.outcomeUnknown?.(error)) {
      // Shopify may have made the code: the redemption stays pending and the stalled-redemption
      // sweep asks Shopify by code, then issues it or gives the points back. The shopper is told
      // the code is on its way (202), never that points were returned while a code may exist.
      log.warn(words.slow, fields);
      return toRedemptionView(redemption);
    }
    // The reason stays in the redemption row (admin) and the log, not in the shopper's response.
    log.warn("reward not created in Shopify, points returned", fields);
    await refundRedemption(db, redemption.id, error instanceof Error ? error.message : String(error));
    throw new RedeemError("shopify_failed", words.failed);
  }
  // Issued only while still pending: the sweep may have finished it meanwhile.
  const marked = await markIssued(db, redemption.id, { discountGid: created.discountGid, ...(created.code ? { code: created.code } : {}) });
  const row = await db.redemption.findUniqueOrThrow({ where: { id: redemption.id } });
  if (marked.count === 1 || row.status === "issued" || row.status === "used") return toRedemptionView(row);
  // Lost the race: the sweep refunded it (or staff settled it). The code must not stay usable.
  if (!created.code) {
    // Store credit has no deactivation: Shopify made it after the sweep found none and gave
    // the points back (only possible if Shopify finished the call minutes after the deadline).
    log.error(words.late, { shopId: row.shopId, redemptionId: row.id, status: row.status, transactionGid: created.discountGid });
    throw new RedeemError("shopify_failed", words.failed);
  }
  const code = { discountGid: created.discountGid, code: created.code };
  log.warn(words.late, { shopId: row.shopId, redemptionId: row.id, status: row.status, discountGid: created.discountGid });
  try {
    await hooks.withdraw?.(code);
  } catch (error) {
    log.error("could not deactivate a reward code that lost the race", { shopId: row.shopId, redemptionId: row.id, discountGid: created.discountGid, error: error instanceof Error ? error.message : String(error) });
  }
  throw new RedeemError("shopify_failed", words.failed);
}

/**
 * pending -> issued, with the reward_redeemed occasion (0023; Flow and Klaviyo) in the same
 * transaction: only the change that issues it records it, so it happens once.
 */
export async function markIssued(db: Db, redemptionId: string, data: { discountGid: string; code?: string }): Promise<{ count: number }> {
  return inTransaction(db, async (tx) => {
    const marked = await tx.redemption.updateMany({ where: { id: redemptionId, status: "pending" }, data: { status: "issued", ...data } });
    if (marked.count !== 1) return marked;
    const row = await tx.redemption.findUniqueOrThrow({ where: { id: redemptionId }, select: { shopId: true, memberId: true, rewardName: true, pointsSpent: true, code: true } });
    if (row.pointsSpent > 0) {
      await recordOccasion(tx, {
        shopId: row.shopId,
        memberId: row.memberId,
        kind: "reward_redeemed",
        key: occasionKey("reward_redeemed", redemptionId),
        data: { rewardName: row.rewardName, pointsSpent: row.pointsSpent, ...(row.code ? { code: row.code } : {}) },
      });
    }
    return marked;
  });
}

/** Marks a pending redemption failed and gives its points back, once (only while it is still pending). */
export async function refundRedemption(db: Db, redemptionId: string, reason: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    // Conditional: a request that just marked it issued wins, and two refunds cannot both pass.
    const claimed = await tx.redemption.updateMany({ where: { id: redemptionId, status: "pending" }, data: { status: "failed", error: reason.slice(0, 500) } });
    if (claimed.count !== 1) return false;
    const r = await tx.redemption.findUniqueOrThrow({ where: { id: redemptionId } });
    await appendLedgerEntry(tx, {
      shopId: r.shopId,
      memberId: r.memberId,
      delta: r.pointsSpent,
      kind: "redemption_reversed",
      idempotencyKey: ledgerKeys.redeemReversal(r.id),
      sourceGid: r.rewardId,
      note: `${r.rewardName}: not issued, points returned`,
    });
    return true;
  });
}
