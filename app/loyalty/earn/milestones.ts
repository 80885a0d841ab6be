import { ordinal, readRuleConfig } from "./rules";

// Milestones: the every-Nth-order bonus, awarded by order processing once per order. Pure.

// ---------------------------------------------------------------------------------------
// Every Nth order

export interface NthOrderRule {
  id: string;
  type: string;
  name: string;
  points: number;
  enabled: boolean;
  limit: string;
  config: string;
}

export interface NthOrderAward {
  ruleId: string;
  points: number;
  /** The member's order number this bonus is for (the 5th, 10th …). */
  orderNumber: number;
  /** Unique per rule, member and order number: a replay or a concurrent event writes once. */
  idempotencyKey: string;
  note: string;
  /** A free_product reward given as a gift with the bonus (0031), or null. */
  giftRewardId: string | null;
}

/** Milestone bonus keys begin with this (nth:<rule>:<member>:<n>; a re-earned number adds @<order>). */
export const NTH_KEY_PREFIX = "nth:";

/** The key of a milestone bonus's reversal (its order was cancelled or fully refunded, 0031). */
export function nthReversalKey(bonusKey: string): string {
  return `${bonusKey}:reversed`;
}

/**
 * The milestone bonuses a member's `orderNumber`-th earning order pays: every enabled
 * nth_order rule with N dividing it (limit "unlimited": the Nth, 2Nth, 3Nth … order) or
 * equal to it (limit "once": only the Nth). `orderNumber` counts the member's orders that
 * have earned points, this one included; call it once per order, when its earning terms
 * are fixed, so an order is counted once whatever events follow.
 */
export function nthOrderBonus(rules: readonly NthOrderRule[], orderNumber: number, memberId: string): NthOrderAward[] {
  if (!Number.isSafeInteger(orderNumber) || orderNumber < 1) return [];
  const awards: NthOrderAward[] = [];
  for (const rule of rules) {
    const config = readRuleConfig(rule.config);
    const gift = config.giftRewardId ?? null;
    // Points, a gift, or both (0031): a rule with neither pays nothing.
    if (rule.type !== "nth_order" || !rule.enabled || !Number.isSafeInteger(rule.points) || rule.points < 0 || (rule.points === 0 && !gift)) continue;
    const every = config.every;
    if (!every) continue;
    const due = rule.limit === "once" ? orderNumber === every : orderNumber % every === 0;
    if (!due) continue;
    awards.push({
      ruleId: rule.id,
      points: rule.points,
      orderNumber,
      idempotencyKey: `nth:${rule.id}:${memberId}:${orderNumber}`,
      note: `${rule.name} (${ordinal(orderNumber)} order)`,
      giftRewardId: gift,
    });
  }
  return awards;
}
