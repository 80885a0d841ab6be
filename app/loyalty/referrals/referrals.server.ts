import { createHash, randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db.server";
import { getDb, prismaErrorCode } from "../../db.server";
import { getEnv, isLocalMode } from "../../env.server";
import type { RefundSnapshot, OrderSnapshot } from "../orders/order-points";
import { appendLedgerEntry } from "../ledger/append.server";
import { addDays } from "../program/defaults";
import {
  OPEN_STATUSES,
  calendarMonthBounds,
  checkAlreadyReferred,
  checkExistingCustomer,
  checkMonthlyCap,
  checkReferrerActive,
  checkSameAddress,
  checkSameEmail,
  checkSamePhone,
  checkSelfReferral,
  checkSelfVisit,
  computeDueBonuses,
  computeReferralDiscountSpec,
  computeReferralStep,
  decideReferral,
  describeReferralReward,
  formatReasons,
  generateFriendCode,
  generateReferralCode,
  isFriendCode,
  isLinkPreviewBot,
  isValidEmail,
  isVisitorToken,
  normaliseEmail,
  normaliseReferralCode,
  orderQualifies,
  parseReferralSettings,
  referralKeys,
  toOfferView,
  type AddressFacts,
  type OfferView,
  type PartyFacts,
  type ReferralDiscountSpec,
  type ReferralOrderFacts,
  type ReferralSettings,
  type ReferralStatus,
} from "./referrals";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { WriteConflictError, inTransaction } from "../tx.server";

// Referrals: the member's code and link, the friend's visit and welcome code, and the
// referrer's reward when the friend's first order is paid. Order events converge here as
// they do for points: the referral's next step is derived from the order's newest state
// (OrderRecord), every transition is a conditional write, and every reward has its own
// idempotency key, so repeated and reordered webhooks pay exactly once.
// docs/decisions/0009-referrals.md

/** Shopify, as far as referrals need it (app/shopify/referral-contacts.server.ts, or a test double). */
export interface ReferralGateway {
  issueDiscount(spec: ReferralDiscountSpec): Promise<{ discountGid: string; code: string }>;
  /** The discount's id if a code exists in Shopify, else null. */
  findDiscount(code: string): Promise<string | null>;
  /** Contact details and order counts of customers (the fraud rules), by GID; unknown ones are absent. */
  lookupCustomers(customerGids: string[]): Promise<Map<string, CustomerContact>>;
}

export interface CustomerContact {
  customerGid: string;
  emails: string[];
  phones: string[];
  addresses: AddressFacts[];
  /** Shopify's count of the customer's orders (numberOfOrders). */
  numberOfOrders: number | null;
}

export type GatewayFor = (shopDomain: string) => Promise<ReferralGateway>;

export type ReferralErrorCode =
  | "not_found"
  | "program_inactive"
  | "invalid_email"
  | "own_link"
  | "already_claimed"
  | "existing_customer"
  | "closed"
  | "shopify_failed";

export class ReferralError extends Error {
  override name = "ReferralError";
  constructor(
    readonly code: ReferralErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type ReferralRow = Awaited<ReturnType<Tx["referral"]["findUniqueOrThrow"]>>;

export async function loadReferralSettings(db: Db | Tx, shopId: string): Promise<ReferralSettings> {
  const program = await db.program.findUnique({ where: { shopId }, select: { referralSettings: true } });
  return parseReferralSettings(program?.referralSettings);
}

// ---- the member's code and link ----

/** The member's referral code, assigned on first use; retried on the (shop, code) unique index. */
export async function ensureReferralCode(db: Db | Tx, memberId: string): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const member = await db.member.findUniqueOrThrow({ where: { id: memberId }, select: { referralCode: true } });
    if (member.referralCode) return member.referralCode;
    try {
      await db.member.updateMany({ where: { id: memberId, referralCode: null }, data: { referralCode: generateReferralCode((n) => randomBytes(n)) } });
    } catch (error) {
      if (prismaErrorCode(error) !== "P2002") throw error; // another member has this code: draw again
    }
  }
  throw new Error(`could not assign a referral code to member ${memberId}`);
}

/**
 * The shop's storefront origin for share links: the shop's own domain (Shopify redirects
 * *.myshopify.com to the primary domain); in local mode the local storefront.
 */
export function storefrontOrigin(shopDomain: string): string {
  return isLocalMode() ? getEnv().SHOPIFY_APP_URL.replace(/\/$/, "") : `https://${shopDomain}`;
}

export function referralUrl(shopDomain: string, code: string): string {
  return `${storefrontOrigin(shopDomain)}/apps/kanta/r/${code}`;
}

/** customer-view.server.ts `customer.referral`: a contract with the widget (add fields, never rename). */
export interface MemberReferralView {
  url: string;
  code: string;
  /** Friends who took the welcome offer or ordered through the link. */
  friendsJoined: number;
  /** Referrals that earned this member their reward. */
  completed: number;
  friendOffer: OfferView;
  reward: OfferView;
}

export async function getMemberReferralView(
  db: Db,
  shop: { id: string; domain: string },
  member: { id: string; status: string },
): Promise<MemberReferralView | null> {
  const settings = await loadReferralSettings(db, shop.id);
  if (!settings.enabled || member.status !== "active") return null;
  const code = await ensureReferralCode(db, member.id);
  const counts = await db.referral.groupBy({
    by: ["status"],
    where: { shopId: shop.id, referrerId: member.id, status: { in: ["friend_rewarded", "pending", "completed", "held"] } },
    _count: { _all: true },
  });
  const count = (status: ReferralStatus) => counts.find((c) => c.status === status)?._count._all ?? 0;
  return {
    url: referralUrl(shop.domain, code),
    code,
    friendsJoined: counts.reduce((sum, c) => sum + c._count._all, 0),
    completed: count("completed"),
    friendOffer: toOfferView(settings.friend),
    reward: toOfferView(settings.referrer),
  };
}

// ---- the friend's visit ----

async function requireLiveReferrals(db: Db | Tx, shopDomain: string): Promise<{ shop: ShopConfig; settings: ReferralSettings } | null> {
  let shop: ShopConfig;
  try {
    shop = await requireShopConfig(db, shopDomain);
  } catch {
    return null;
  }
  if (shop.uninstalled || shop.program.status !== "live") return null;
  const settings = await loadReferralSettings(db, shop.id);
  return settings.enabled ? { shop, settings } : null;
}

function newVisitorToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * /apps/kanta/r/<code>: records one visit (a new visitor token) and returns the token, or
 * null when the code is unknown, its member cannot refer, or referrals are off. Link-preview
 * robots are sent on without a visit. A member opening their own link is recorded and
 * flagged (self_visit) for the fraud rules.
 */
export async function recordReferralVisit(
  input: { shopDomain: string; code: string; visitorCustomerGid: string | null; userAgent: string | null },
  db: Db = getDb(),
): Promise<{ token: string | null } | null> {
  const live = await requireLiveReferrals(db, input.shopDomain);
  const code = normaliseReferralCode(input.code);
  if (!live || !code) return null;
  const referrer = await db.member.findUnique({
    where: { shopId_referralCode: { shopId: live.shop.id, referralCode: code } },
    select: { id: true, status: true, customerGid: true },
  });
  if (!referrer || referrer.status !== "active") return null;
  if (isLinkPreviewBot(input.userAgent)) return { token: null };
  const token = newVisitorToken();
  await db.referral.create({
    data: {
      shopId: live.shop.id,
      referrerId: referrer.id,
      code,
      visitorToken: token,
      status: "visited",
      heldReason: input.visitorCustomerGid === referrer.customerGid ? "self_visit" : null,
    },
  });
  return { token };
}

/** What the widget shows a referred visitor: never more of the referrer than a first name. */
export interface FriendView {
  token: string;
  /** False once the referral is decided (ordered, rejected …): the widget forgets it. */
  active: boolean;
  referrer: { firstName: string | null };
  offer: OfferView;
  currencyCode: string;
  /** The welcome code, once claimed. */
  code: string | null;
  /** The signed-in shopper is the referrer. */
  self: boolean;
}

/**
 * GET /apps/kanta/referral?token=&previous=. A visitor who already had a referral cookie
 * (`previous`) and opens the same member's link again keeps the first visit: the new row is
 * removed, so repeated visits do not multiply. A link from another member replaces it.
 */
export async function resolveReferralVisit(
  input: { shopDomain: string; token: string; previous: string | null; viewerCustomerGid: string | null },
  db: Db = getDb(),
): Promise<FriendView | null> {
  const live = await requireLiveReferrals(db, input.shopDomain);
  if (!live || !isVisitorToken(input.token)) return null;
  const shopId = live.shop.id;
  let row = await db.referral.findUnique({ where: { shopId_visitorToken: { shopId, visitorToken: input.token } } });
  if (!row) return null;
  if (isVisitorToken(input.previous) && input.previous !== input.token) {
    const previous = await db.referral.findUnique({ where: { shopId_visitorToken: { shopId, visitorToken: input.previous } } });
    if (previous && previous.referrerId === row.referrerId && OPEN_STATUSES.includes(previous.status as ReferralStatus)) {
      await db.referral.deleteMany({ where: { id: row.id, status: "visited", friendCode: null, orderGid: null } });
      row = previous;
    }
  }
  const referrer = await db.member.findUnique({ where: { id: row.referrerId }, select: { firstName: true, status: true, customerGid: true } });
  if (!referrer || referrer.status !== "active") return null;
  return {
    token: row.visitorToken,
    active: OPEN_STATUSES.includes(row.status as ReferralStatus),
    referrer: { firstName: referrer.firstName?.trim().split(/\s+/)[0] || null },
    offer: toOfferView(live.settings.friend),
    currencyCode: live.shop.currencyCode,
    code: row.status === "friend_rewarded" ? row.friendCode : null,
    self: input.viewerCustomerGid !== null && input.viewerCustomerGid === referrer.customerGid,
  };
}

// ---- the friend's welcome code ----

/**
 * POST /apps/kanta/referral/claim {token, email}: one welcome code per visit and per friend
 * email (normalised) in the shop, never for the referrer's own email or a customer who has
 * ordered before. Like redemptions, in two steps around Shopify: the code is reserved on
 * the referral first (so concurrent clicks get one code), then created; if Shopify fails,
 * the reservation is undone and the friend can try again. A repeated claim returns the code.
 */
export async function claimFriendOffer(
  input: { shopDomain: string; token: string; email: string; viewerCustomerGid: string | null; now?: Date },
  gateway: Pick<ReferralGateway, "issueDiscount" | "findDiscount">,
  db: Db = getDb(),
): Promise<{ code: string; offer: OfferView; currencyCode: string }> {
  const now = input.now ?? new Date();
  const live = await requireLiveReferrals(db, input.shopDomain);
  if (!live) throw new ReferralError("program_inactive", "Referrals are not available right now.");
  const { shop, settings } = live;
  const email = input.email.trim();
  const normalised = normaliseEmail(email);
  if (!isValidEmail(email) || !normalised) throw new ReferralError("invalid_email", "Enter a valid email address.");
  if (!isVisitorToken(input.token)) throw new ReferralError("not_found", "This referral link is not valid.");

  const reserved = await inTransaction(db, async (tx) => {
    const row = await tx.referral.findUnique({ where: { shopId_visitorToken: { shopId: shop.id, visitorToken: input.token } } });
    if (!row) throw new ReferralError("not_found", "This referral link is not valid.");
    if (row.friendCode) return { row, code: row.friendCode, fresh: false };
    if (!OPEN_STATUSES.includes(row.status as ReferralStatus)) throw new ReferralError("closed", "This referral has already been used.");
    const referrer = await tx.member.findUniqueOrThrow({ where: { id: row.referrerId }, select: { email: true, customerGid: true } });
    if (normaliseEmail(referrer.email) === normalised || (input.viewerCustomerGid && input.viewerCustomerGid === referrer.customerGid)) {
      throw new ReferralError("own_link", "You can't use your own referral link.");
    }
    const other = await tx.referral.findFirst({
      where: { shopId: shop.id, friendEmail: normalised, id: { not: row.id }, friendCode: { not: null } },
      select: { id: true },
    });
    if (other) throw new ReferralError("already_claimed", "This email has already received a welcome offer.");
    if (await hasOrderedBefore(tx, shop.id, email, input.viewerCustomerGid)) {
      throw new ReferralError("existing_customer", "This offer is for new customers.");
    }
    const code = generateFriendCode((n) => randomBytes(n));
    const taken = await tx.referral.updateMany({
      where: { id: row.id, friendCode: null },
      data: { friendCode: code, friendEmail: normalised, ...(input.viewerCustomerGid ? { friendCustomerGid: input.viewerCustomerGid } : {}) },
    });
    if (taken.count !== 1) throw new WriteConflictError(`referral ${row.id} claimed concurrently`);
    return { row: { ...row, friendCode: code }, code, fresh: true };
  });

  const result = { code: reserved.code, offer: toOfferView(settings.friend), currencyCode: shop.currencyCode };
  if (reserved.row.status === "friend_rewarded") return result;
  const spec = computeReferralDiscountSpec(settings.friend, {
    code: reserved.code,
    title: "Kanta referral: welcome offer",
    customerGid: null,
    currencyCode: shop.currencyCode,
    now,
  });
  let discountGid: string | null = null;
  try {
    // A reservation left by an earlier attempt may already exist in Shopify.
    if (!reserved.fresh) discountGid = reserved.row.friendDiscountGid ?? (await gateway.findDiscount(reserved.code));
    if (!discountGid) discountGid = (await gateway.issueDiscount(spec)).discountGid;
  } catch {
    await db.referral.updateMany({
      where: { id: reserved.row.id, friendCode: reserved.code, status: "visited" },
      data: { friendCode: null, friendEmail: null },
    });
    throw new ReferralError("shopify_failed", "Your code could not be created right now. Please try again.");
  }
  await db.referral.updateMany({
    where: { id: reserved.row.id, friendCode: reserved.code, status: "visited" },
    data: { status: "friend_rewarded", friendDiscountGid: discountGid },
  });
  return result;
}

/** A customer with a paid order in this shop (by email, or the signed-in customer). */
async function hasOrderedBefore(tx: Tx, shopId: string, email: string, customerGid: string | null): Promise<boolean> {
  const members = await tx.member.findMany({
    where: { shopId, OR: [{ email: { in: [...new Set([email, email.toLowerCase()])] } }, ...(customerGid ? [{ customerGid }] : [])] },
    select: { id: true, customerGid: true },
    take: 5,
  });
  const gids = [...new Set([...members.map((m) => m.customerGid), ...(customerGid ? [customerGid] : [])])];
  if (gids.length === 0) return false;
  return (await tx.orderRecord.count({ where: { shopId, customerGid: { in: gids }, paid: true } })) > 0;
}

// ---- the friend's order ----

export interface ReferralOrderResult {
  referralId: string;
  status: string;
}

/**
 * Called after an order event has been applied (app/webhooks/handlers.ts). Attaches the
 * friend's first paid order to its referral (by the kanta_ref attribute, or by the friend's
 * welcome code), applies the fraud rules once, and moves the referral on from the order's
 * newest state. Orders without referral facts cost no query.
 */
export async function applyReferralForOrder(
  db: Db,
  shopDomain: string,
  snapshot: OrderSnapshot & { referral?: ReferralOrderFacts },
  now: Date,
  gatewayFor?: GatewayFor,
): Promise<ReferralOrderResult | null> {
  const facts = snapshot.referral;
  const friendCodes = snapshot.discountCodes.filter(isFriendCode).map((c) => c.trim().toUpperCase());
  if (!facts?.visitorToken && friendCodes.length === 0) return null;
  const shop = await requireShopConfig(db, shopDomain);
  let referral = await db.referral.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: snapshot.orderGid } } });
  let check: AttachCheck | null = null;
  if (!referral) {
    // The welcome code decides over the cart attribute: it is the stronger evidence.
    const byCode = friendCodes.length ? await db.referral.findFirst({ where: { shopId: shop.id, friendCode: { in: friendCodes } } }) : null;
    const candidate =
      byCode ??
      (facts?.visitorToken ? await db.referral.findUnique({ where: { shopId_visitorToken: { shopId: shop.id, visitorToken: facts.visitorToken } } }) : null);
    // Only the friend's first referred order counts: a referral attached to another order is done.
    if (!candidate || candidate.orderGid || !OPEN_STATUSES.includes(candidate.status as ReferralStatus)) return null;
    const record = await db.orderRecord.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: snapshot.orderGid } }, select: { paid: true, customerGid: true } });
    if (!record?.paid || shop.program.status !== "live") return null; // attached once paid
    const settings = await loadReferralSettings(db, shop.id);
    if (!settings.enabled) return null;
    check = await gatherAttachFacts(db, shop, snapshot.orderGid, candidate, snapshot.customerGid ?? record.customerGid, facts ?? null, gatewayFor);
    referral = candidate;
  }
  const id = referral.id;
  const outcome = await inTransaction(db, (tx) => settleReferral(tx, shop, id, now, { attach: check, orderFacts: facts ?? null }));
  await issueReferrerRewards(db, shop, outcome.issue, gatewayFor);
  return { referralId: id, status: outcome.status };
}

/** refunds/create: a refund within the waiting period may cancel the referral. */
export async function applyReferralForRefund(
  db: Db,
  shopDomain: string,
  refund: RefundSnapshot,
  now: Date,
  gatewayFor?: GatewayFor,
): Promise<ReferralOrderResult | null> {
  const shop = await requireShopConfig(db, shopDomain);
  const referral = await db.referral.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: refund.orderGid } }, select: { id: true } });
  if (!referral) return null;
  const outcome = await inTransaction(db, (tx) => settleReferral(tx, shop, referral.id, now, {}));
  await issueReferrerRewards(db, shop, outcome.issue, gatewayFor);
  return { referralId: referral.id, status: outcome.status };
}

/** Facts for the fraud rules, read before the transaction (one Admin API call at most). */
interface AttachCheck {
  orderGid: string;
  referrer: PartyFacts & { status: string };
  friend: PartyFacts;
  shopifyOrderCount: number | null;
}

async function gatherAttachFacts(
  db: Db,
  shop: ShopConfig,
  orderGid: string,
  referral: ReferralRow,
  friendGid: string | null,
  facts: ReferralOrderFacts | null,
  gatewayFor?: GatewayFor,
): Promise<AttachCheck> {
  const referrer = await db.member.findUniqueOrThrow({ where: { id: referral.referrerId }, select: { customerGid: true, email: true, status: true } });
  const wanted = [referrer.customerGid, ...(friendGid && friendGid !== referrer.customerGid ? [friendGid] : [])];
  // Shopify knows the referrer's addresses and phone and the friend's order count; Kanta does
  // not keep addresses. A failure here is transient: the event is retried (0004).
  const contacts = gatewayFor ? await (await gatewayFor(shop.domain)).lookupCustomers(wanted) : new Map<string, CustomerContact>();
  const mine = contacts.get(referrer.customerGid);
  const theirs = friendGid ? contacts.get(friendGid) : undefined;
  return {
    orderGid,
    referrer: {
      customerGid: referrer.customerGid,
      status: referrer.status,
      emails: [referrer.email, ...(mine?.emails ?? [])].filter((e): e is string => Boolean(e)),
      phones: [...(mine?.phones ?? []), ...(mine?.addresses ?? []).map((a) => (a as AddressFacts & { phone?: string | null }).phone ?? null)].filter(
        (p): p is string => Boolean(p),
      ),
      addresses: mine?.addresses ?? [],
    },
    friend: {
      customerGid: friendGid,
      emails: [facts?.email ?? null, referral.friendEmail, ...(theirs?.emails ?? [])].filter((e): e is string => Boolean(e)),
      phones: [...(facts?.phones ?? []), ...(theirs?.phones ?? [])],
      addresses: facts?.addresses ?? [],
    },
    shopifyOrderCount: theirs?.numberOfOrders ?? null,
  };
}

interface SettleOutcome {
  status: string;
  /** Referrer discount rewards to create in Shopify once the transaction has committed. */
  issue: string[];
}

/** The order's facts that decide a referral: paid, cancelled, and what is kept net of refunds and edits. */
async function orderState(tx: Tx, shopId: string, orderGid: string) {
  const record = await tx.orderRecord.findUnique({ where: { shopId_orderGid: { shopId, orderGid } } });
  if (!record) return null;
  const refunds = await tx.orderRefund.findMany({ where: { shopId, orderGid }, select: { subtotalMinor: true, taxMinor: true } });
  const refundedMinor = refunds.reduce((sum, r) => sum + Math.max(0, Number(r.subtotalMinor) - (record.taxesIncluded ? Number(r.taxMinor) : 0)), 0);
  const keptMinor = Number(record.grossMinor) - Number(record.editRemovedMinor);
  return {
    record,
    valueMinor: Math.max(0, keptMinor),
    qualifies: orderQualifies({ paid: record.paid, cancelled: record.cancelled, netMinor: keptMinor - refundedMinor }),
  };
}

async function settleReferral(
  tx: Tx,
  shop: ShopConfig,
  referralId: string,
  now: Date,
  options: { attach?: AttachCheck | null; orderFacts?: ReferralOrderFacts | null },
): Promise<SettleOutcome> {
  let referral = await tx.referral.findUniqueOrThrow({ where: { id: referralId } });
  const issue: string[] = [];
  if (!referral.orderGid) {
    // Attaching: only from the facts gathered for exactly this open referral.
    if (!options.attach || !OPEN_STATUSES.includes(referral.status as ReferralStatus)) return { status: referral.status, issue };
    return attachAndSettle(tx, shop, referral, options.attach, options.orderFacts ?? null, now);
  }
  const order = await orderState(tx, shop.id, referral.orderGid);
  if (!order) return { status: referral.status, issue };
  const step = computeReferralStep(referral, order.qualifies, now);
  if (step === "cancel") {
    referral = await transition(tx, referral, { status: "cancelled" });
  } else if (step === "complete") {
    // A referral the merchant approved is not held again by the monthly cap.
    const approved = referral.decidedBy !== null && referral.decidedBy !== "system";
    return completeReferral(tx, shop, referral, now, { orderName: order.record.name, skipCap: approved });
  }
  return { status: referral.status, issue };
}

/** Conditional write from the status read: a concurrent settlement makes this one retry. */
async function transition(tx: Tx, referral: ReferralRow, data: Partial<Pick<ReferralRow, "status" | "heldReason" | "rewardedAt" | "decidedBy" | "rewardAvailableAt">>): Promise<ReferralRow> {
  const updated = await tx.referral.updateMany({ where: { id: referral.id, status: referral.status, orderGid: referral.orderGid }, data });
  if (updated.count !== 1) throw new WriteConflictError(`referral ${referral.id} changed concurrently`);
  return { ...referral, ...data } as ReferralRow;
}

async function attachAndSettle(
  tx: Tx,
  shop: ShopConfig,
  referral: ReferralRow,
  check: AttachCheck,
  facts: ReferralOrderFacts | null,
  now: Date,
): Promise<SettleOutcome> {
  const settings = await loadReferralSettings(tx, shop.id);
  // The order being attached is the one this event is about; re-read it in the transaction.
  const orderGid = check.orderGid;
  const order = await orderState(tx, shop.id, orderGid);
  if (!order?.record.paid) return { status: referral.status, issue: [] };
  const friendGid = check.friend.customerGid;
  const friendEmail = referral.friendEmail ?? normaliseEmail(facts?.email ?? null);

  const others = friendGid || friendEmail
    ? await tx.referral.count({
        where: {
          shopId: shop.id,
          id: { not: referral.id },
          status: { in: ["pending", "completed", "held"] },
          OR: [...(friendGid ? [{ friendCustomerGid: friendGid }] : []), ...(friendEmail ? [{ friendEmail }] : [])],
        },
      })
    : 0;
  const earlierOrders = friendGid
    ? await tx.orderRecord.count({
        where: {
          shopId: shop.id,
          customerGid: friendGid,
          paid: true,
          orderGid: { not: orderGid },
          ...(order.record.processedAt ? { processedAt: { lt: order.record.processedAt } } : {}),
        },
      })
    : 0;
  const decision = decideReferral(
    [
      checkReferrerActive(check.referrer.status),
      checkSelfReferral(check.referrer, check.friend),
      checkSameEmail(check.referrer, check.friend),
      checkSameAddress(check.referrer, check.friend),
      checkSamePhone(check.referrer, check.friend),
      checkSelfVisit({ selfVisit: referral.heldReason === "self_visit" }),
      checkAlreadyReferred(others),
      checkExistingCustomer({ earlierOrders, shopifyOrderCount: check.shopifyOrderCount }),
    ],
    settings.review,
  );
  const status: ReferralStatus = decision.action === "reject" ? "rejected" : decision.action === "hold" ? "held" : "pending";
  const attached = await tx.referral.updateMany({
    where: { id: referral.id, orderGid: null, status: referral.status },
    data: {
      orderGid,
      orderValueMinor: BigInt(order.valueMinor),
      friendCustomerGid: referral.friendCustomerGid ?? friendGid,
      friendEmail,
      status,
      heldReason: decision.action === "accept" ? null : formatReasons(decision.reasons),
      decidedBy: decision.action === "reject" ? "system" : null,
      rewardAvailableAt: addDays(order.record.processedAt ?? now, shop.program.pendingDays),
    },
  });
  if (attached.count !== 1) throw new WriteConflictError(`referral ${referral.id} attached concurrently`);
  // Settle at once: a cancelled order cancels it; no waiting period completes it now.
  return settleReferral(tx, shop, referral.id, now, {});
}

/**
 * Pays the referrer: the points (one ledger row, key referral:<id>) or a discount (a
 * redemption row, created in Shopify after commit), then any tier bonus now due, once each.
 * The referrer's row is locked first, so the monthly cap and the bonus count see every
 * concurrent completion of the same member.
 */
async function completeReferral(
  tx: Tx,
  shop: ShopConfig,
  referral: ReferralRow,
  now: Date,
  options: { orderName: string | null; skipCap: boolean; decidedBy?: string },
): Promise<SettleOutcome> {
  // Program paused or draft: nothing is paid; the sweep tries again while it waits.
  if (shop.program.status !== "live") return { status: referral.status, issue: [] };
  const settings = await loadReferralSettings(tx, shop.id);
  const referrer = await tx.member.update({ where: { id: referral.referrerId }, data: { updatedAt: now }, select: { id: true, status: true, customerGid: true } });
  const inactive = checkReferrerActive(referrer.status);
  if (inactive) {
    const r = await transition(tx, referral, { status: "rejected", heldReason: inactive, decidedBy: options.decidedBy ?? "system" });
    return { status: r.status, issue: [] };
  }
  if (!options.skipCap && settings.monthlyCap !== null) {
    const month = calendarMonthBounds(now, shop.ianaTimezone);
    const paid = await tx.referral.count({
      where: { shopId: shop.id, referrerId: referrer.id, status: "completed", rewardedAt: { gte: month.start, lt: month.end } },
    });
    const capped = checkMonthlyCap(paid, settings.monthlyCap);
    if (capped) {
      const decision = decideReferral([capped], settings.review);
      const r = await transition(tx, referral, {
        status: decision.action === "reject" ? "rejected" : "held",
        heldReason: capped,
        decidedBy: decision.action === "reject" ? "system" : null,
      });
      return { status: r.status, issue: [] };
    }
  }
  const completed = await transition(tx, referral, {
    status: "completed",
    rewardedAt: now,
    ...(options.decidedBy ? { decidedBy: options.decidedBy } : {}),
  });
  const issue: string[] = [];
  const note = `Friend's order ${options.orderName ?? ""}`.trim();
  const reward = settings.referrer;
  if (reward.type === "points" && reward.points) {
    await appendLedgerEntry(tx, {
      shopId: shop.id,
      memberId: referrer.id,
      delta: reward.points,
      kind: "referral",
      idempotencyKey: referralKeys.reward(referral.id),
      sourceGid: referral.orderGid,
      note: `Referral: ${note}`,
    });
  } else if (reward.type !== "points") {
    const requestId = referralKeys.rewardRedemption(referral.id);
    const existing = await tx.redemption.findUnique({ where: { shopId_requestId: { shopId: shop.id, requestId } }, select: { id: true } });
    const row =
      existing ??
      (await tx.redemption.create({
        data: {
          shopId: shop.id,
          memberId: referrer.id,
          requestId,
          rewardName: `Referral reward: ${describeReferralReward(reward, shop.currencyCode)}`,
          pointsSpent: 0,
          // Not "pending": that status belongs to point redemptions and their recovery.
          status: "issuing",
          code: referrerRewardCode(shop.id, referral.id),
          expiresAt: reward.expiryDays ? addDays(now, reward.expiryDays) : null,
        },
        select: { id: true },
      }));
    issue.push(row.id);
  }
  await payDueBonuses(tx, shop, settings, referrer.id, referral.orderGid);
  return { status: completed.status, issue };
}

async function payDueBonuses(tx: Tx, shop: ShopConfig, settings: ReferralSettings, referrerId: string, sourceGid: string | null): Promise<void> {
  if (settings.bonuses.length === 0) return;
  const count = await tx.referral.count({ where: { shopId: shop.id, referrerId, status: "completed" } });
  const keys = settings.bonuses.map((b) => referralKeys.bonus(referrerId, b.count));
  const paid = await tx.ledgerEntry.findMany({ where: { shopId: shop.id, idempotencyKey: { in: keys } }, select: { idempotencyKey: true } });
  const paidCounts = new Set(paid.map((p) => Number(p.idempotencyKey.split(":").pop())));
  for (const bonus of computeDueBonuses(settings.bonuses, count, paidCounts)) {
    await appendLedgerEntry(tx, {
      shopId: shop.id,
      memberId: referrerId,
      delta: bonus.points,
      kind: "referral",
      idempotencyKey: referralKeys.bonus(referrerId, bonus.count),
      sourceGid,
      note: `Referral bonus: ${bonus.count} friends`,
    });
  }
}

/** The referrer's discount code, derived from the referral: a retry after a crash asks Shopify for this exact code. */
export function referrerRewardCode(shopId: string, referralId: string): string {
  const digest = createHash("sha256").update(`${shopId}:${referralId}`).digest();
  let i = 0;
  return `KANTA-R${generateReferralCode((n) => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = digest[i++ % digest.length]!;
    return out;
  })}`;
}

/** Creates the referrer discounts completed referrals are owed (after commit; the sweep retries failures). */
async function issueReferrerRewards(db: Db, shop: ShopConfig, redemptionIds: string[], gatewayFor?: GatewayFor): Promise<number> {
  if (redemptionIds.length === 0 || !gatewayFor) return 0;
  let issued = 0;
  let gateway: ReferralGateway;
  try {
    gateway = await gatewayFor(shop.domain);
  } catch {
    return 0;
  }
  const settings = await loadReferralSettings(db, shop.id);
  for (const id of redemptionIds) {
    const redemption = await db.redemption.findUnique({ where: { id }, include: { member: { select: { customerGid: true } } } });
    if (!redemption || redemption.status !== "issuing" || !redemption.code) continue;
    const reward = settings.referrer;
    const type = reward.type;
    if (type === "points") {
      // The merchant switched to points meanwhile: this reward cannot become a discount.
      await db.redemption.updateMany({ where: { id, status: "issuing" }, data: { status: "failed", error: "referrer reward changed to points before the code was created" } });
      continue;
    }
    try {
      let discountGid = await gateway.findDiscount(redemption.code);
      if (!discountGid) {
        const spec = computeReferralDiscountSpec({ ...reward, type }, {
          code: redemption.code,
          title: "Kanta referral reward",
          customerGid: redemption.member.customerGid,
          currencyCode: shop.currencyCode,
          now: redemption.createdAt,
        });
        discountGid = (await gateway.issueDiscount({ ...spec, startsAt: new Date(Math.min(Date.now(), spec.startsAt.getTime())) })).discountGid;
      }
      await db.redemption.updateMany({ where: { id, status: "issuing" }, data: { status: "issued", discountGid } });
      issued++;
    } catch {
      // Shopify unavailable: the redemption stays "issuing" and the sweep tries again.
    }
  }
  return issued;
}

/**
 * The sweep (app/jobs/queue.server.ts): completes pending referrals whose waiting period is
 * over, and creates referrer discounts that could not be created at once.
 */
export async function releaseDueReferrals(db: Db, options: { now?: Date; gatewayFor?: GatewayFor; limit?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const due = await db.referral.findMany({
    where: { status: "pending", rewardAvailableAt: { lte: now } },
    select: { id: true, shop: { select: { domain: true } } },
    take: options.limit ?? 200,
  });
  let released = 0;
  for (const { id, shop: { domain } } of due) {
    const shop = await requireShopConfig(db, domain);
    const outcome = await inTransaction(db, (tx) => settleReferral(tx, shop, id, now, {}));
    if (outcome.status === "completed") released++;
    await issueReferrerRewards(db, shop, outcome.issue, options.gatewayFor);
  }
  const waiting = await db.redemption.findMany({
    where: { status: "issuing", requestId: { startsWith: "referral:" } },
    select: { id: true, shop: { select: { domain: true } } },
    take: options.limit ?? 200,
  });
  for (const w of waiting) {
    await issueReferrerRewards(db, await requireShopConfig(db, w.shop.domain), [w.id], options.gatewayFor);
  }
  return released;
}

// ---- the merchant's decision on a held referral ----

export type HeldDecision = "approve" | "reject";

/**
 * Approve: the reward is paid (or waits for the rest of the waiting period); a referral
 * whose order was cancelled or refunded meanwhile is cancelled instead. Reject: no reward.
 * Recorded with the staff member who decided. Only held referrals can be decided.
 */
export async function decideHeldReferral(
  input: { shopDomain: string; referralId: string; decision: HeldDecision; staff: string; now?: Date },
  gatewayFor?: GatewayFor,
  db: Db = getDb(),
): Promise<{ status: string } | null> {
  const now = input.now ?? new Date();
  const shop = await requireShopConfig(db, input.shopDomain);
  const outcome = await inTransaction(db, async (tx): Promise<SettleOutcome | null> => {
    const referral = await tx.referral.findFirst({ where: { id: input.referralId, shopId: shop.id } });
    if (!referral || referral.status !== "held" || !referral.orderGid) return null;
    if (input.decision === "reject") {
      const r = await transition(tx, referral, { status: "rejected", decidedBy: input.staff });
      return { status: r.status, issue: [] };
    }
    const order = await orderState(tx, shop.id, referral.orderGid);
    if (!order?.qualifies) {
      const r = await transition(tx, referral, { status: "cancelled", decidedBy: input.staff });
      return { status: r.status, issue: [] };
    }
    if (referral.rewardAvailableAt && referral.rewardAvailableAt.getTime() > now.getTime()) {
      const r = await transition(tx, referral, { status: "pending", decidedBy: input.staff });
      return { status: r.status, issue: [] };
    }
    return completeReferral(tx, shop, referral, now, { orderName: order.record.name, skipCap: true, decidedBy: input.staff });
  });
  if (!outcome) return null;
  await issueReferrerRewards(db, shop, outcome.issue, gatewayFor);
  return { status: outcome.status };
}
