import type { Tx } from "../db.server";
import { appendNewLedgerEntries } from "./ledger.server";
import { ledgerKeys, type LedgerEntryInput } from "./ledger";
import { isExcludedByTags } from "./program";
import type { ShopConfig } from "./shop-config.server";

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
  if (!excluded && shop.program.status === "live" && shop.signupRule) {
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
  return member;
}

type MemberRow = Awaited<ReturnType<Tx["member"]["findUniqueOrThrow"]>>;

async function applyCustomerFacts(tx: Tx, member: MemberRow, customer: CustomerFacts, excludedTags: string): Promise<MemberRow> {
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
