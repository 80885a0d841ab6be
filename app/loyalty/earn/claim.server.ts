import { getDb, type Db } from "../../db.server";
import { computeClaimKey, isClaimableRule, yearInTimeZone } from "./actions";
import { IdempotencyConflictError } from "../ledger/entries";
import { appendLedgerEntry } from "../ledger/append.server";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { upgradeMemberTier } from "../tiers/moves.server";
import { UnknownShopError } from "../program/shops.server";
import { inTransaction } from "../tx.server";

// A shopper claims a bonus action from the widget (follow, newsletter, custom).
// The rule's points are one "action_bonus" ledger row whose idempotency key carries the
// claim's period (./actions.ts computeClaimKey): a replay, a double click or 20
// concurrent requests find or collide on that key, and exactly one row is written.
//
// Birthday points are not claimed: the member gives their birthday once
// (app/loyalty/dates/birthday.server.ts) and the points come on the day (0023). A claim
// naming a birthday rule is refused as rule_unavailable.

export type ActionErrorCode =
  | "program_inactive"
  | "not_a_member"
  | "member_excluded"
  | "rule_unavailable"
  | "already_claimed";

export class ActionError extends Error {
  override name = "ActionError";
  constructor(
    readonly code: ActionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ClaimActionInput {
  shopDomain: string;
  customerGid: string;
  /** The type named by the URL (/actions/<type>); must match the rule's type. */
  ruleType: string;
  ruleId: string;
  now?: Date;
}

export interface ClaimResult {
  /** Points this claim awarded. */
  awarded: number;
  /** The member's spendable balance after the claim. */
  points: number;
}

export async function claimAction(input: ClaimActionInput, db: Db = getDb()): Promise<ClaimResult> {
  const now = input.now ?? new Date();
  const shop = await findShopConfig(db, input.shopDomain);
  if (!shop || shop.uninstalled || shop.program.status !== "live") {
    throw new ActionError("program_inactive", "The rewards program is not active.");
  }
  const member = await db.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid: input.customerGid } },
    select: { id: true, status: true, tierId: true },
  });
  if (!member) throw new ActionError("not_a_member", "Join the program to earn points.");
  if (member.status !== "active") throw new ActionError("member_excluded", "This account cannot earn points.");

  const rule = await db.earningRule.findFirst({ where: { id: input.ruleId, shopId: shop.id } });
  if (!rule || rule.type !== input.ruleType || !isClaimableRule(rule)) {
    throw new ActionError("rule_unavailable", "This way to earn points is not available.");
  }
  const note = rule.name;
  const awarded = rule.points;
  const idempotencyKey = computeClaimKey(rule, input.customerGid, yearInTimeZone(now, shop.ianaTimezone));

  return inTransaction(db, async (tx) => {
    let replayed: boolean;
    try {
      ({ replayed } = await appendLedgerEntry(tx, {
        shopId: shop.id,
        memberId: member.id,
        delta: awarded,
        kind: "action_bonus",
        idempotencyKey,
        sourceGid: rule.id,
        actor: `customer:${input.customerGid}`,
        note,
      }));
    } catch (error) {
      // Claimed in this period when the rule was worth a different number of points.
      if (error instanceof IdempotencyConflictError) replayed = true;
      else throw error;
    }
    if (replayed) throw new ActionError("already_claimed", "You have already earned these points.");
    if (shop.program.tierBasis === "points") await upgradeMemberTier(tx, shop, member.id, { now });
    const { points } = await tx.member.findUniqueOrThrow({ where: { id: member.id }, select: { points: true } });
    return { awarded, points };
  });
}

async function findShopConfig(db: Db, domain: string): Promise<ShopConfig | null> {
  try {
    return await requireShopConfig(db, domain);
  } catch (error) {
    if (error instanceof UnknownShopError) return null;
    throw error;
  }
}
