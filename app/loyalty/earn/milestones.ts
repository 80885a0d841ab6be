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
    if (rule.type !== "nth_order" || !rule.enabled || !Number.isSafeInteger(rule.points) || rule.points <= 0) continue;
    const every = readRuleConfig(rule.config).every;
    if (!every) continue;
    const due = rule.limit === "once" ? orderNumber === every : orderNumber % every === 0;
    if (!due) continue;
    awards.push({
      ruleId: rule.id,
      points: rule.points,
      orderNumber,
      idempotencyKey: `nth:${rule.id}:${memberId}:${orderNumber}`,
      note: `${rule.name} (${ordinal(orderNumber)} order)`,
    });
  }
  return awards;
}
