import type { Tx } from "../db.server";
import { appendLedgerEntry } from "./ledger.server";
import { ledgerKeys } from "./ledger";
import { isExcludedByTags } from "./program";
import type { ShopWithProgram } from "./shops.server";

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
 * opt-in) and granting the sign-up bonus exactly once per customer.
 */
export async function enrollMember(tx: Tx, shop: ShopWithProgram, customer: CustomerFacts) {
  const existing = await tx.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid: customer.customerGid } },
  });
  if (existing) return applyCustomerFacts(tx, existing, customer);

  const excluded = isExcludedByTags(customer.tags ?? "", shop.program.excludedTags);
  const entryTier = await tx.tier.findFirst({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
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
      tierId: entryTier?.id ?? null,
    },
  });
  if (!excluded && shop.program.status === "live") {
    const signup = await tx.earningRule.findFirst({
      where: { shopId: shop.id, type: "signup", enabled: true },
    });
    if (signup && signup.points > 0) {
      await appendLedgerEntry(tx, {
        shopId: shop.id,
        memberId: member.id,
        delta: signup.points,
        kind: "signup_bonus",
        idempotencyKey: ledgerKeys.signup(customer.customerGid),
        sourceGid: customer.customerGid,
        note: signup.name,
      });
    }
  }
  return tx.member.findUniqueOrThrow({ where: { id: member.id } });
}

type MemberRow = Awaited<ReturnType<Tx["member"]["findUniqueOrThrow"]>>;

async function applyCustomerFacts(tx: Tx, member: MemberRow, customer: CustomerFacts): Promise<MemberRow> {
  const incoming = customer.updatedAt ?? null;
  if (incoming && member.customerUpdatedAt && incoming < member.customerUpdatedAt) return member;
  const data: Record<string, unknown> = {};
  if (customer.email !== undefined && customer.email !== member.email) data.email = customer.email;
  if (customer.firstName !== undefined && customer.firstName !== member.firstName) data.firstName = customer.firstName;
  if (customer.lastName !== undefined && customer.lastName !== member.lastName) data.lastName = customer.lastName;
  if (customer.tags !== undefined && customer.tags !== null && customer.tags !== member.tags) data.tags = customer.tags;
  if (customer.locale !== undefined && customer.locale !== member.locale) data.locale = customer.locale;
  if (incoming && (!member.customerUpdatedAt || incoming > member.customerUpdatedAt)) data.customerUpdatedAt = incoming;
  if (Object.keys(data).length === 0) return member;
  return tx.member.update({ where: { id: member.id }, data });
}
