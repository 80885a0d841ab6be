import { getDb, type Db } from "../../db.server";
import { appendConditionalDebit } from "../ledger/append.server";
import { currencyScale, formatMinorPlain } from "../ledger/money";
import { releaseDuePendingPoints } from "../orders/orders.server";
import { requireShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { computeDonation, donationKeys, maxDonationUnits, type DonateRequestBody } from "./charity";

// A member donating points to a cause, from the widget (app/routes/proxy.donate.tsx). One
// transaction: the Donation row (unique per the widget's request id, so a retried click
// donates once) and the ledger's conditional debit (never below zero, however many
// donations race). A replay answers the first donation. docs/decisions/0037-charity-and-surprises.md

export type DonateErrorCode = "program_inactive" | "not_a_member" | "member_excluded" | "charity_unavailable" | "cause_unavailable" | "insufficient_points" | "request_conflict";

export const DONATE_ERROR_STATUS: Record<DonateErrorCode, number> = {
  program_inactive: 409,
  not_a_member: 403,
  member_excluded: 403,
  charity_unavailable: 404,
  cause_unavailable: 404,
  insufficient_points: 409,
  request_conflict: 409,
};

export class DonateError extends Error {
  override name = "DonateError";
  constructor(
    readonly code: DonateErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface DonationView {
  id: string;
  requestId: string;
  causeId: string;
  causeName: string;
  points: number;
  amountMinor: number;
  currencyCode: string;
  createdAt: string;
}

/** The causes a shopper may give to and the rate; null when the shop offers none. */
export interface CharityView {
  pointsPerUnit: number;
  currencyCode: string;
  /** Whole units the member's balance covers now (0 for a guest). */
  maxUnits: number;
  causes: { id: string; name: string; description: string }[];
}

/** The shop's causes and rate: null when it takes no donations. Kept with the storefront's cached shop (../storefront). */
export type ShopCharity = { pointsPerUnit: number; causes: CharityView["causes"] } | null;

export async function loadShopCharity(db: Db, shopId: string): Promise<ShopCharity> {
  const [settings, causes] = await Promise.all([
    db.charitySettings.findUnique({ where: { shopId }, select: { pointsPerUnit: true } }),
    db.cause.findMany({ where: { shopId, enabled: true }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, description: true }, take: 20 }),
  ]);
  return settings && causes.length ? { pointsPerUnit: settings.pointsPerUnit, causes } : null;
}

/** What the widget shows about giving points: `points` is the member's spendable balance, null for a guest. */
export function charityView(charity: ShopCharity, currencyCode: string, points: number | null): CharityView | null {
  if (!charity) return null;
  return { pointsPerUnit: charity.pointsPerUnit, currencyCode, maxUnits: points === null ? 0 : maxDonationUnits(points, charity.pointsPerUnit), causes: charity.causes };
}

export async function donatePoints(input: { shopDomain: string; customerGid: string; now?: Date } & DonateRequestBody, db: Db = getDb()): Promise<{ donation: DonationView; replayed: boolean }> {
  const shop = await requireShopConfig(db, input.shopDomain);
  if (shop.program.status !== "live") throw new DonateError("program_inactive", "The rewards program is not active.");
  const member = await db.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid: input.customerGid } },
    select: { id: true, pendingPoints: true },
  });
  if (!member) throw new DonateError("not_a_member", "Join the program to donate points.");
  if (member.pendingPoints !== 0) await releaseDuePendingPoints(db, { memberId: member.id, now: input.now ?? new Date() });

  return inTransaction(db, async (tx) => {
    const existing = await tx.donation.findUnique({ where: { shopId_requestId: { shopId: shop.id, requestId: input.requestId } }, include: { cause: { select: { name: true } } } });
    if (existing) {
      // A replay must ask for the same thing: another cause or amount under the same id is a client bug.
      if (existing.memberId !== member.id || existing.causeId !== input.causeId) throw new DonateError("request_conflict", "This request id belongs to another donation.");
      const units = Number(existing.amountMinor) / 10 ** currencyScale(existing.currencyCode);
      if (units !== input.units) throw new DonateError("request_conflict", "This request id was used for another amount.");
      return { donation: toView(existing, existing.cause.name), replayed: true };
    }
    const current = await tx.member.findUniqueOrThrow({ where: { id: member.id }, select: { points: true, status: true } });
    if (current.status !== "active") throw new DonateError("member_excluded", "This account cannot donate points.");
    const settings = await tx.charitySettings.findUnique({ where: { shopId: shop.id } });
    if (!settings) throw new DonateError("charity_unavailable", "This store takes no donations.");
    const cause = await tx.cause.findFirst({ where: { id: input.causeId, shopId: shop.id, enabled: true }, select: { id: true, name: true } });
    if (!cause) throw new DonateError("cause_unavailable", "This cause is not available.");
    const amount = computeDonation(settings.pointsPerUnit, input.units, shop.currencyCode);
    if (current.points < amount.points) throw new DonateError("insufficient_points", `You need ${amount.points - current.points} more points.`, { needed: amount.points - current.points });
    const donation = await tx.donation.create({
      data: {
        shopId: shop.id,
        memberId: member.id,
        causeId: cause.id,
        requestId: input.requestId,
        points: amount.points,
        amountMinor: BigInt(amount.amountMinor),
        currencyCode: shop.currencyCode,
      },
    });
    const debited = await appendConditionalDebit(tx, {
      shopId: shop.id,
      memberId: member.id,
      delta: -amount.points,
      kind: "donated",
      idempotencyKey: donationKeys.ledger(donation.id),
      sourceGid: cause.id,
      actor: `customer:${input.customerGid}`,
      note: `${cause.name}: ${formatMinorPlain(amount.amountMinor, shop.currencyCode)} ${shop.currencyCode}`,
    });
    // A concurrent donation or redemption spent the points after the check: the row goes with the rollback.
    if (!debited) throw new DonateError("insufficient_points", "You do not have enough points for this donation.", { needed: amount.points });
    return { donation: toView(donation, cause.name), replayed: false };
  });
}

function toView(d: { id: string; requestId: string; causeId: string; points: number; amountMinor: bigint; currencyCode: string; createdAt: Date }, causeName: string): DonationView {
  return { id: d.id, requestId: d.requestId, causeId: d.causeId, causeName, points: d.points, amountMinor: Number(d.amountMinor), currencyCode: d.currencyCode, createdAt: d.createdAt.toISOString() };
}

/** The shopper's answer: status and body, as the proxy route sends it. */
export async function donateForShopper(input: { shopDomain: string; customerGid: string } & DonateRequestBody, db: Db = getDb()): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const { donation } = await donatePoints(input, db);
    return { status: 200, body: { donation } };
  } catch (error) {
    if (error instanceof DonateError) return { status: DONATE_ERROR_STATUS[error.code], body: { error: error.code, message: error.message, ...error.details } };
    throw error;
  }
}
