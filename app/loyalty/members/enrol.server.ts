import { databaseKind, getDb, type Db, type Tx } from "../../db.server";
import { getEnv } from "../../env.server";
import { appendNewLedgerEntries } from "../ledger/append.server";
import { ledgerKeys, type LedgerEntryInput } from "../ledger/entries";
import { isExcludedByTags, parseTagList } from "../program/defaults";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import type { ShopConfig } from "../program/shop-config.server";
import { occasionKey } from "../notify/occasions";
import { recordOccasion } from "../notify/occasions.server";
import { grantGift } from "../rewards/gifts.server";

export interface CustomerFacts {
  customerGid: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  tags?: string | null;
  locale?: string | null;
  /** Shopify's customer updated_at; older facts never overwrite newer ones. */
  updatedAt?: Date | null;
}

/**
 * Returns the shop's member for a customer, enrolling them if needed (auto-enrolment: no
 * opt-in) and granting the sign-up bonus exactly once per customer. The returned row's
 * cached balances do not include that bonus; callers that show balances re-read.
 */
export async function enrollMember(
  tx: Tx,
  shop: ShopConfig,
  customer: CustomerFacts,
  /** When given, the sign-up entry is added here for the caller to write with its own. */
  pendingEntries?: LedgerEntryInput[],
  /** signupBonus: false enrols without the sign-up bonus (the enrolment of existing customers, by the merchant's choice). */
  options: { signupBonus?: boolean } = {},
) {
  const existing = await tx.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid: customer.customerGid } },
  });
  if (existing) return applyCustomerFacts(tx, existing, customer, shop.program.excludedTags);

  const excluded = isExcludedByTags(customer.tags ?? "", shop.program.excludedTags);
  const member = await tx.member.create({
    data: {
      shopId: shop.id,
      customerGid: customer.customerGid,
      email: customer.email ?? null,
      firstName: customer.firstName ?? null,
      lastName: customer.lastName ?? null,
      tags: customer.tags ?? "",
      locale: customer.locale ?? null,
      customerUpdatedAt: customer.updatedAt ?? null,
      status: excluded ? "excluded" : "active",
      tierId: shop.entryTierId,
    },
  });
  // The member was created in this transaction, so its sign-up key is new.
  if (!excluded && options.signupBonus !== false && shop.program.status === "live" && shop.signupRule) {
    // The sign-up gift (0031), keyed like the bonus: once per customer.
    if (shop.signupRule.giftRewardId) {
      await grantGift(tx, { shopId: shop.id, memberId: member.id, rewardId: shop.signupRule.giftRewardId, sourceKey: ledgerKeys.signup(customer.customerGid), now: new Date() });
    }
  }
  if (!excluded && options.signupBonus !== false && shop.program.status === "live" && shop.signupRule && shop.signupRule.points > 0) {
    const bonus: LedgerEntryInput = {
      shopId: shop.id,
      memberId: member.id,
      delta: shop.signupRule.points,
      kind: "signup_bonus",
      idempotencyKey: ledgerKeys.signup(customer.customerGid),
      sourceGid: customer.customerGid,
      note: shop.signupRule.name,
    };
    if (pendingEntries) pendingEntries.push(bonus);
    else await appendNewLedgerEntries(tx, [bonus]);
  }
  // Welcome (0023): in the enrolment's transaction, once per member; a replayed webhook finds the member and records nothing.
  if (!excluded && shop.program.status === "live") {
    await recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "welcome", key: occasionKey("welcome", member.id), data: { points: shop.signupRule?.points ?? 0 } });
  }
  return member;
}

type MemberRow = Awaited<ReturnType<Tx["member"]["findUniqueOrThrow"]>>;

async function applyCustomerFacts(tx: Tx, member: MemberRow, customer: CustomerFacts, excludedTags: string): Promise<MemberRow> {
  // Erased by customers/redact: nothing Shopify sends later writes the person back (a late
  // customers/update, an order with the customer's name). The row stays anonymous.
  if (member.status === "redacted") return member;
  const incoming = customer.updatedAt ?? null;
  if (incoming && member.customerUpdatedAt && incoming < member.customerUpdatedAt) return member;
  const data: Record<string, unknown> = {};
  if (customer.email !== undefined && customer.email !== member.email) data.email = customer.email;
  if (customer.firstName !== undefined && customer.firstName !== member.firstName) data.firstName = customer.firstName;
  if (customer.lastName !== undefined && customer.lastName !== member.lastName) data.lastName = customer.lastName;
  if (customer.tags !== undefined && customer.tags !== null && customer.tags !== member.tags) {
    data.tags = customer.tags;
    // A customer newly tagged with an excluded tag leaves the program (keeping their
    // history). Removing the tag does not bring them back: staff may have excluded them
    // for another reason, so re-including is the merchant's call on the member page.
    if (member.status === "active" && isExcludedByTags(customer.tags, excludedTags)) data.status = "excluded";
  }
  if (customer.locale !== undefined && customer.locale !== member.locale) data.locale = customer.locale;
  if (incoming && (!member.customerUpdatedAt || incoming > member.customerUpdatedAt)) data.customerUpdatedAt = incoming;
  if (Object.keys(data).length === 0) return member;
  return tx.member.update({ where: { id: member.id }, data });
}

/**
 * After the merchant adds excluded tags (Settings): the active members already carrying one
 * leave the program, like a customer newly tagged does. Members are never re-included
 * here: staff may have excluded them for another reason. Returns how many were excluded.
 */
export async function excludeTaggedMembers(shopDomain: string, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<number> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
  const excludedTags = shop?.program?.excludedTags ?? "";
  const tags = parseTagList(excludedTags);
  if (!shop || tags.length === 0) return 0;
  const postgres = databaseKind(getEnv().DATABASE_URL) === "postgres";
  // Candidates by substring (case-insensitive on both databases), then the exact tag rule.
  const contains = (tag: string) => (postgres ? ({ contains: tag, mode: "insensitive" } as { contains: string }) : { contains: tag });
  let excluded = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await db.member.findMany({
      where: { shopId: shop.id, status: "active", OR: tags.map((tag) => ({ tags: contains(tag) })), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: 500,
      select: { id: true, tags: true },
    });
    if (batch.length === 0) {
      // One row for the whole pass (batches of 500 commit one by one: a summary, not per member).
      if (excluded > 0) {
        await recordAudit(db, { shopId: shop.id, actor, action: "members.excluded_by_tag", subjectType: "program", subjectId: null, subjectLabel: "Excluded tags", before: null, after: { excludedTags, members: excluded } });
      }
      return excluded;
    }
    after = batch[batch.length - 1]!.id;
    const ids = batch.filter((m) => isExcludedByTags(m.tags, excludedTags)).map((m) => m.id);
    if (ids.length > 0) excluded += (await db.member.updateMany({ where: { id: { in: ids }, status: "active" }, data: { status: "excluded" } })).count;
  }
}
