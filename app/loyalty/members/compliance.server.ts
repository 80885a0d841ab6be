import type { Db, Tx } from "../../db.server";
import { normaliseEmail } from "./contact";
import { inTransaction } from "../tx.server";
import { scrubMemberAudit } from "../audit/log.server";

// GDPR/CCPA compliance: https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance

export interface CustomerRequest {
  shopDomain: string;
  customerGid: string;
  email: string | null;
  dataRequestId: string | null;
}

/** customers/data_request: everything Kanta holds about the customer, as JSON, kept for the merchant. */
export async function exportCustomerData(db: Db, request: CustomerRequest) {
  const shop = await db.shop.findUnique({ where: { domain: request.shopDomain } });
  const member = shop
    ? await db.member.findUnique({
        where: { shopId_customerGid: { shopId: shop.id, customerGid: request.customerGid } },
        include: {
          ledger: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
          redemptions: true,
          tier: { select: { name: true } },
          tierMemberships: { orderBy: { startsAt: "asc" }, include: { tier: { select: { name: true } } } },
        },
      })
    : null;
  const data = member
    ? {
        customer: request.customerGid,
        email: member.email,
        firstName: member.firstName,
        lastName: member.lastName,
        status: member.status,
        tier: member.tier?.name ?? null,
        points: member.points,
        pendingPoints: member.pendingPoints,
        lifetimePoints: member.lifetimePoints,
        enrolledAt: member.enrolledAt.toISOString(),
        birthday: member.birthMonth !== null && member.birthDay !== null ? { month: member.birthMonth, day: member.birthDay, year: member.birthYear } : null,
        ledger: member.ledger.map((e) => ({
          at: e.createdAt.toISOString(),
          kind: e.kind,
          points: e.delta,
          pendingPoints: e.pendingDelta,
          source: e.sourceGid,
          note: e.note,
        })),
        redemptions: member.redemptions.map((r) => ({
          at: r.createdAt.toISOString(),
          points: r.pointsSpent,
          status: r.status,
          code: r.code,
        })),
        // Paid tiers bought (0032), when there are any.
        ...(member.tierMemberships.length
          ? { paidTiers: member.tierMemberships.map((m) => ({ tier: m.tier.name, order: m.orderGid, from: m.startsAt.toISOString(), until: m.endsAt.toISOString(), ended: m.endedAt?.toISOString() ?? null, endReason: m.endReason })) }
          : {}),
      }
    : { customer: request.customerGid, note: "Kanta holds no data for this customer." };
  const key = request.dataRequestId ? `data_request:${request.dataRequestId}` : null;
  if (key) {
    const existing = await db.complianceExport.findFirst({ where: { shopDomain: request.shopDomain, requestId: key } });
    if (existing) return existing;
  }
  return db.complianceExport.create({
    data: {
      shopDomain: request.shopDomain,
      customerGid: request.customerGid,
      requestId: key,
      data: JSON.stringify(data),
    },
  });
}

/**
 * customers/redact: erase the customer's personal data. The member row stays, anonymous,
 * with its ledger (points and order references are the merchant's accounting, not PII),
 * so balances and liability stay exact.
 */
export async function eraseCustomer(db: Db, request: CustomerRequest) {
  return inTransaction(db, async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: request.shopDomain } });
    if (!shop) return { erased: 0 };
    const erased = await tx.member.updateMany({
      where: { shopId: shop.id, customerGid: request.customerGid },
      data: { email: null, firstName: null, lastName: null, tags: "", locale: null, status: "redacted", birthMonth: null, birthDay: null, birthYear: null, birthdaySetAt: null, birthdaySyncDue: false },
    });
    let memberId: string | null = null;
    if (erased.count === 0) {
      // Unknown to Kanta (yet): an anonymous redacted row, so a late event about the customer
      // (an order, customers/update) never enrols them with their data.
      const stub = await tx.member.upsert({
        where: { shopId_customerGid: { shopId: shop.id, customerGid: request.customerGid } },
        create: { shopId: shop.id, customerGid: request.customerGid, status: "redacted" },
        update: {},
        select: { id: true },
      });
      memberId = stub.id;
    } else {
      const member = await tx.member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: request.customerGid } }, select: { id: true } });
      memberId = member.id;
    }
    const scrubbedNotes = await scrubMemberNotes(tx, shop.id, memberId);
    const auditScrubbed = await scrubMemberAudit(tx, shop.id, memberId);
    // Loyalty emails (app/loyalty/notify): the member's occasions (their deliveries cascade),
    // a friend's occasions by address, sent rows' addresses, the suppression entry, the
    // marketing state and unsubscribe.
    const erasedEmail = request.email?.trim().toLowerCase() || null;
    await tx.occasion.deleteMany({ where: { shopId: shop.id, OR: [{ memberId }, ...(erasedEmail ? [{ email: erasedEmail }] : [])] } });
    if (erasedEmail) {
      await tx.occasionDelivery.updateMany({ where: { shopId: shop.id, recipient: erasedEmail }, data: { recipient: null } });
      await tx.emailSuppression.deleteMany({ where: { shopId: shop.id, email: erasedEmail } });
    }
    await tx.member.update({ where: { id: memberId }, data: { emailMarketingState: null, emailMarketingCheckedAt: null, emailUnsubscribedAt: null } });
    await tx.complianceExport.deleteMany({
      where: { shopDomain: request.shopDomain, customerGid: request.customerGid },
    });
    // Referrals where the customer was the friend: keep the row (the referrer's reward and
    // its history), drop what identifies the friend.
    const customerEmail = normaliseEmail(request.email);
    await tx.referral.updateMany({
      where: {
        shopId: shop.id,
        OR: [{ friendCustomerGid: request.customerGid }, ...(customerEmail ? [{ friendEmail: customerEmail }] : [])],
      },
      data: { friendEmail: null, friendCustomerGid: null },
    });
    // Unprocessed inbox payloads that mention the customer: processed ones hold none.
    const customerId = request.customerGid.split("/").pop() ?? "";
    const scrubbed = await tx.webhookEvent.updateMany({
      where: {
        shopDomain: request.shopDomain,
        status: { in: ["pending", "retrying", "processing", "dead"] },
        topic: { not: "customers/redact" },
        payload: { contains: customerId },
      },
      data: { payload: "", status: "invalid", lastError: "payload erased by customers/redact" },
    });
    return { erased: erased.count, notesScrubbed: scrubbedNotes, auditScrubbed, inboxScrubbed: scrubbed.count };
  });
}

/**
 * Free text about the person in their ledger and tier history: staff reasons for manual
 * adjustments and tier changes (they may name the person or their circumstances) are
 * dropped; claim notes lose what the shopper told (the birthday in "Birthday bonus (03-14)").
 * Kinds, amounts, dates and order references stay: they are the merchant's accounting.
 */
async function scrubMemberNotes(tx: Tx, shopId: string, memberId: string): Promise<number> {
  const manual = await tx.ledgerEntry.updateMany({ where: { shopId, memberId, kind: "manual_adjustment", note: { not: null } }, data: { note: null } });
  const claims = await tx.ledgerEntry.findMany({ where: { shopId, memberId, kind: "action_bonus", note: { not: null } }, select: { id: true, note: true } });
  let changed = manual.count;
  for (const claim of claims) {
    const note = scrubClaimNote(claim.note!);
    if (note === claim.note) continue;
    await tx.ledgerEntry.update({ where: { id: claim.id }, data: { note } });
    changed++;
  }
  changed += (await tx.tierChange.updateMany({ where: { shopId, memberId, note: { not: null } }, data: { note: null } })).count;
  return changed;
}

/** "Birthday bonus (03-14)" → "Birthday bonus": the rule's name stays, what the shopper told goes. */
export function scrubClaimNote(note: string): string | null {
  const scrubbed = note.replace(/\s*\([^()]*\)\s*$/, "").trim();
  return scrubbed === "" ? null : scrubbed;
}

/** shop/redact (48 hours after uninstall): delete everything Kanta holds for the shop. */
export async function eraseShop(db: Db, shopDomain: string) {
  return inTransaction(db, async (tx) => {
    // Cascades to program, members, ledger, rules, tiers, rewards, redemptions, orders and
    // the audit log.
    await tx.shop.deleteMany({ where: { domain: shopDomain } });
    await tx.session.deleteMany({ where: { shop: shopDomain } });
    await tx.complianceExport.deleteMany({ where: { shopDomain } });
    // Inbox rows except this event's own (the inbox marks it done after this returns).
    await tx.webhookEvent.deleteMany({ where: { shopDomain, topic: { not: "shop/redact" } } });
    return { erased: true };
  });
}
