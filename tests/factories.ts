// Test data through one door: members (with starting points through the ledger), rewards,
// redemptions, and paid orders through the real order path. Each takes the fields a test
// cares about and fills in the rest; what a test asserts on, it should pass explicitly.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "../app/db.server";
import { appendLedgerEntry } from "../app/loyalty/ledger/append.server";
import type { LedgerKind } from "../app/loyalty/ledger/entries";
import { applyOrderSnapshot } from "../app/loyalty/orders/orders.server";
import { inTransaction } from "../app/loyalty/tx.server";
import { toOrderSnapshot } from "../app/webhooks/payloads";
import { orderPayload, type OrderSpec } from "./fixtures/payloads";

let seq = 0;

/** A Shopify customer id unique in this test process, beyond 2^53 as real ones are. */
export function nextCustomerId(): string {
  return String(9_007_199_254_800_000n + BigInt(++seq));
}

/** An order id unique in this test process. */
export function nextOrderId(): string {
  return String(5_500_000_000 + ++seq);
}

export const customerGid = (customerId: string) => `gid://shopify/Customer/${customerId}`;

type MemberFields = Partial<Omit<Prisma.MemberUncheckedCreateInput, "shopId" | "points" | "pendingPoints" | "lifetimePoints">>;

export interface StartingPoints {
  /** Spendable points, one ledger row (a manual adjustment unless `kind` says otherwise). */
  points?: number;
  /** Pending points, one `order_earned` row. */
  pendingPoints?: number;
  kind?: LedgerKind;
  /** Default `seed:<member id>`. */
  idempotencyKey?: string;
}

/**
 * A member row (a unique customer unless `customerGid` is given). Starting points go through
 * the ledger, so balances and `verifyLedger` agree; `lastActivityAt`, if given, is kept.
 */
export async function createMember(db: Db, shopId: string, fields: MemberFields = {}, start: StartingPoints = {}) {
  const member = await db.member.create({ data: { ...fields, customerGid: fields.customerGid ?? customerGid(nextCustomerId()), shopId } });
  const { points = 0, pendingPoints = 0 } = start;
  if (points === 0 && pendingPoints === 0) return member;
  await inTransaction(db, async (tx) => {
    if (points !== 0) {
      const kind = start.kind ?? "manual_adjustment";
      await appendLedgerEntry(tx, { shopId, memberId: member.id, delta: points, kind, idempotencyKey: start.idempotencyKey ?? `seed:${member.id}` });
    }
    if (pendingPoints !== 0) {
      await appendLedgerEntry(tx, { shopId, memberId: member.id, delta: 0, pendingDelta: pendingPoints, kind: "order_earned", idempotencyKey: `seed-pending:${member.id}` });
    }
  });
  // Points count as activity: set the wanted last activity after them.
  if (fields.lastActivityAt) await db.member.update({ where: { id: member.id }, data: { lastActivityAt: fields.lastActivityAt } });
  return member;
}

type RewardType = "amount_off" | "percent_off" | "free_shipping" | "points_to_money" | "store_credit" | "free_product";
type RewardFields = Partial<Omit<Prisma.RewardUncheckedCreateInput, "shopId" | "type">>;

/** What each reward type needs, as the reward editor would save it. */
const REWARD_DEFAULTS: Record<RewardType, RewardFields & { name: string; pointsCost: number }> = {
  amount_off: { name: "5 € off", pointsCost: 500, valueMinor: 500n },
  percent_off: { name: "15% off", pointsCost: 200, percentOff: 15 },
  free_shipping: { name: "Free shipping", pointsCost: 300 },
  points_to_money: { name: "Use your points", pointsCost: 100, config: JSON.stringify({ pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 }) },
  store_credit: { name: "5 € store credit", pointsCost: 500, valueMinor: 500n, config: JSON.stringify({ notify: true }) },
  // The demo shop's tote bag (app/local/demo-shop.ts), with its price and image as the picker gives them (0031).
  free_product: {
    name: "Free tote",
    pointsCost: 800,
    productVariantGid: "gid://shopify/ProductVariant/4470000000021",
    config: JSON.stringify({ productTitle: "Linen tote bag – Natural", priceMinor: 2450, imageUrl: "https://cdn.shopify.com/s/files/1/demo/tote-natural.jpg" }),
  },
};

/** An enabled reward of `type` with that type's usual fields; `fields` replace them. */
export function createReward(db: Db, shopId: string, type: RewardType, fields: RewardFields = {}) {
  return db.reward.create({ data: { ...REWARD_DEFAULTS[type], ...fields, shopId, type } });
}

type RedemptionFields = Partial<Omit<Prisma.RedemptionUncheckedCreateInput, "shopId" | "memberId">>;

/** A redemption row (pending, 100 points, a new request id unless given); no ledger row. */
export function createRedemption(db: Db, owner: { shopId: string; memberId: string }, fields: RedemptionFields = {}) {
  return db.redemption.create({ data: { requestId: randomUUID(), pointsSpent: 100, status: "pending", ...fields, ...owner } });
}

export interface PaidOrder extends Partial<Omit<OrderSpec, "customerId">> {
  customerId: string | null;
  /** One line at this price, unless `lines` is given. Default "10.00". */
  price?: string;
  /** Updated and processed at; default now. */
  at?: string;
  /** The clock for the order path (pending windows, tier periods); default the real one. */
  now?: Date;
}

/**
 * A paid order through the real order path: Shopify's documented payload (with the given
 * fields), as JSON on the wire, to a snapshot, to `applyOrderSnapshot` with the paid signal.
 */
export async function applyPaidOrder(db: Db, shopDomain: string, order: PaidOrder) {
  const { price, at = new Date().toISOString(), now, ...spec } = order;
  const orderId = spec.id ?? nextOrderId();
  const payload = orderPayload({ lines: [{ price: price ?? "10.00" }], updatedAt: at, processedAt: at, ...spec, id: orderId });
  const snapshot = toOrderSnapshot(JSON.parse(JSON.stringify(payload)));
  const settled = await applyOrderSnapshot(db, shopDomain, snapshot, { paidSignal: true, ...(now ? { now } : {}) });
  return { orderId, snapshot, settled };
}
