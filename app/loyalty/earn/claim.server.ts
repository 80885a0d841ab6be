import { getDb, type Db } from "../../db.server";
import { computeClaimKey, formatBirthday, isClaimableRule, parseBirthday, yearInTimeZone } from "./actions";
import { IdempotencyConflictError } from "../ledger/entries";
import { appendLedgerEntry } from "../ledger/append.server";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { upgradeMemberTier } from "../tiers/moves.server";
import { UnknownShopError } from "../program/shops.server";
import { inTransaction } from "../tx.server";

// A shopper claims a bonus action from the widget (follow, newsletter, birthday, custom).
// The rule's points are one "action_bonus" ledger row whose idempotency key carries the
// claim's period (./actions.ts computeClaimKey): a replay, a double click or 20
// concurrent requests find or collide on that key, and exactly one row is written.
//
// Birthday: the bonus celebrates the birthday, and claiming it is how the shopper tells
// the shop their birthday. A claim must carry a real "MM-DD" date; it is recorded in the
// ledger row's note ("Birthday bonus (03-14)"; there is no birthday column) and the bonus
// pays once per calendar year in the shop's time zone, on the day the shopper claims it.
// Paying on the day itself would need a daily job and a stored birthday; not built yet.

export type ActionErrorCode =
  | "program_inactive"
  | "not_a_member"
  | "member_excluded"
  | "rule_unavailable"
  | "already_claimed"
  | "bad_birthday";

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
  /** "MM-DD", for birthday rules. */
  birthday?: string;
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
  let note = rule.name;
  let awarded = rule.points;
  if (rule.type === "birthday") {
    // A tier's birthday perk replaces the rule's points for its members (docs/decisions/0008).
    awarded = shop.tiers.find((t) => t.id === member.tierId)?.perks.birthdayPoints ?? rule.points;
    if (awarded <= 0) throw new ActionError("rule_unavailable", "This way to earn points is not available.");
    const birthday = parseBirthday(input.birthday);
    if (!birthday) throw new ActionError("bad_birthday", "Enter your birthday as month-day, e.g. 03-14.");
    note = `${rule.name} (${formatBirthday(birthday)})`;
  }
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
