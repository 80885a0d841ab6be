import { createHmac, randomBytes } from "node:crypto";
import { occasionKey } from "../notify/occasions";
import { recordOccasion } from "../notify/occasions.server";
import type { Db, Tx } from "../../db.server";
import { getDb, prismaErrorCode } from "../../db.server";
import { log } from "../../log.server";
import { OPEN_STATUSES, computeReferralDiscountSpec, isLinkPreviewBot, toOfferView, type OfferView, type ReferralStatus } from "./lifecycle";
import { generateFriendCode, isVisitorToken, normaliseReferralCode } from "./codes";
import { isValidEmail, normaliseEmail } from "../members/contact";
import { WriteConflictError, inTransaction } from "../tx.server";
import { ReferralError, requireLiveReferrals, type FriendCustomer, type ReferralGateway } from "./settings.server";
import { countWelcomeCodesToday, lockShopProgram } from "./welcome-cap.server";

// The friend's side: a visit through a member's link (one per visitor, a token the cart
// carries), the greeting, and the friend's single-use welcome code.
// docs/decisions/0009-referrals.md

// ---- the friend's visit ----

function newVisitorToken(): string {
  return randomBytes(24).toString("base64url");
}

/** How long a visit that never became a referral is kept (pruneReferralVisits). */
export const VISIT_RETENTION_DAYS = 60;

/**
 * One visitor, one link, one day: an HMAC (keyed with the app secret) of the visitor's IP
 * address and user agent, the link's code and the UTC day. Neither the address nor the
 * agent is stored; the key cannot be reversed without the secret, and it changes daily.
 */
export function computeVisitorKey(input: { secret: string; ip: string | null; userAgent: string | null; code: string; at: Date }): string {
  const day = input.at.toISOString().slice(0, 10);
  return createHmac("sha256", input.secret)
    .update(["kanta-visit-v1", day, input.code, input.ip ?? "", input.userAgent ?? ""].join("\n"))
    .digest("base64url");
}

/**
 * /apps/kanta/r/<code>: records one visit (a new visitor token) and returns the token, or
 * null when the code is unknown, its member cannot refer, or referrals are off. Link-preview
 * robots are sent on without a visit. A member opening their own link is recorded and
 * flagged (self_visit) for the fraud rules. The same visitor (visitorKey) opening the same
 * link again on the same day gets the first visit's token back: no new row.
 */
export async function recordReferralVisit(
  input: { shopDomain: string; code: string; visitorCustomerGid: string | null; userAgent: string | null; visitorKey?: string | null },
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
  const visitorKey = input.visitorKey ?? null;
  const seen = async () =>
    visitorKey
      ? db.referral.findUnique({ where: { shopId_visitorKey: { shopId: live.shop.id, visitorKey } }, select: { visitorToken: true } })
      : null;
  const earlier = await seen();
  if (earlier) return { token: earlier.visitorToken };
  const token = newVisitorToken();
  try {
    await db.referral.create({
      data: {
        shopId: live.shop.id,
        referrerId: referrer.id,
        code,
        visitorToken: token,
        visitorKey,
        status: "visited",
        heldReason: input.visitorCustomerGid === referrer.customerGid ? "self_visit" : null,
      },
    });
  } catch (error) {
    // The same visitor's concurrent request recorded the visit first: theirs is the visit.
    if (prismaErrorCode(error) !== "P2002") throw error;
    const first = await seen();
    if (!first) throw error;
    return { token: first.visitorToken };
  }
  return { token };
}

/**
 * Visits older than VISIT_RETENTION_DAYS that never became a referral (no welcome code, no
 * order) are deleted, in batches. Returns how many.
 */
export async function pruneReferralVisits(db: Db, options: { now?: Date; batch?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - VISIT_RETENTION_DAYS * 86_400_000);
  const batch = options.batch ?? 1000;
  let total = 0;
  for (;;) {
    const rows = await db.referral.findMany({
      where: { status: "visited", friendCode: null, orderGid: null, friendEmail: null, createdAt: { lt: before } },
      select: { id: true },
      take: batch,
    });
    if (rows.length === 0) break;
    const { count } = await db.referral.deleteMany({
      where: { id: { in: rows.map((r) => r.id) }, status: "visited", friendCode: null, orderGid: null, friendEmail: null },
    });
    total += count;
    if (rows.length < batch) break;
  }
  if (total > 0) log.info("referral visits pruned", { count: total });
  return total;
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
 * ordered before (Kanta's orders, and Shopify's count of the customer's orders). The code
 * belongs to one Shopify customer, the one with this email (created when there is none):
 * only they can use it at checkout. At most `friendDailyCap` codes a shop-local day, shop-wide.
 * Like redemptions, in two steps around Shopify: the code is reserved on the referral first
 * (so concurrent clicks get one code), then created; if Shopify fails, the reservation is
 * undone and the friend can try again. A repeated claim returns the code.
 * docs/decisions/0009-referrals.md, docs/decisions/0013-abuse-limits.md
 */
export async function claimFriendOffer(
  input: { shopDomain: string; token: string; email: string; viewerCustomerGid: string | null; now?: Date },
  gateway: Pick<ReferralGateway, "issueDiscount" | "findDiscount" | "findOrCreateCustomer">,
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
  const capReached = () => new ReferralError("daily_cap", "Today's welcome offers have all been given. Please try again tomorrow.");

  // Before asking Shopify: what Kanta alone can refuse (and a repeated claim's code).
  const before = await db.referral.findUnique({ where: { shopId_visitorToken: { shopId: shop.id, visitorToken: input.token } } });
  if (!before) throw new ReferralError("not_found", "This referral link is not valid.");
  let friend: FriendCustomer | null = null;
  if (!before.friendCode) {
    if (!OPEN_STATUSES.includes(before.status as ReferralStatus)) throw new ReferralError("closed", "This referral has already been used.");
    if ((await countWelcomeCodesToday(db, shop.id, shop.ianaTimezone, now)) >= settings.friendDailyCap) throw capReached();
    try {
      friend = await gateway.findOrCreateCustomer(email);
    } catch (error) {
      log.warn("referral friend customer not found or created", { shop: shop.domain, referralId: before.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      throw new ReferralError("shopify_failed", "Your code could not be created right now. Please try again.");
    }
    // New to the shop as Shopify knows it: orders placed before Kanta, or elsewhere, count.
    if (friend.numberOfOrders > 0) throw new ReferralError("existing_customer", "This offer is for new customers.");
  }

  const reserved = await inTransaction(db, async (tx) => {
    await lockShopProgram(tx, shop.id);
    const row = await tx.referral.findUnique({ where: { shopId_visitorToken: { shopId: shop.id, visitorToken: input.token } } });
    if (!row) throw new ReferralError("not_found", "This referral link is not valid.");
    if (row.friendCode) return { row, code: row.friendCode, fresh: false };
    if (!friend) throw new WriteConflictError(`referral ${row.id} lost its reservation while claimed`);
    if (!OPEN_STATUSES.includes(row.status as ReferralStatus)) throw new ReferralError("closed", "This referral has already been used.");
    const referrer = await tx.member.findUniqueOrThrow({ where: { id: row.referrerId }, select: { email: true, customerGid: true } });
    if (
      normaliseEmail(referrer.email) === normalised ||
      friend.customerGid === referrer.customerGid ||
      (input.viewerCustomerGid && input.viewerCustomerGid === referrer.customerGid)
    ) {
      throw new ReferralError("own_link", "You can't use your own referral link.");
    }
    const other = await tx.referral.findFirst({
      where: { shopId: shop.id, id: { not: row.id }, friendCode: { not: null }, OR: [{ friendEmail: normalised }, { friendCustomerGid: friend.customerGid }] },
      select: { id: true },
    });
    if (other) throw new ReferralError("already_claimed", "This email has already received a welcome offer.");
    const viewer = input.viewerCustomerGid;
    if ((await hasOrderedBefore(tx, shop.id, email, friend.customerGid)) || (viewer && viewer !== friend.customerGid && (await hasOrderedBefore(tx, shop.id, email, viewer)))) {
      throw new ReferralError("existing_customer", "This offer is for new customers.");
    }
    // The cap again, under the lock: the count cannot change until this transaction ends.
    if ((await countWelcomeCodesToday(tx, shop.id, shop.ianaTimezone, now)) >= settings.friendDailyCap) throw capReached();
    const code = generateFriendCode((n) => randomBytes(n));
    const taken = await tx.referral.updateMany({
      where: { id: row.id, friendCode: null },
      data: { friendCode: code, friendEmail: normalised, friendCustomerGid: friend.customerGid, friendCodeAt: now },
    });
    if (taken.count !== 1) throw new WriteConflictError(`referral ${row.id} claimed concurrently`);
    return { row: { ...row, friendCode: code, friendCustomerGid: friend.customerGid }, code, fresh: true };
  });

  const result = { code: reserved.code, offer: toOfferView(settings.friend), currencyCode: shop.currencyCode };
  if (reserved.row.status === "friend_rewarded") return result;
  const spec = computeReferralDiscountSpec(settings.friend, {
    code: reserved.code,
    title: "Kanta referral: welcome offer",
    // Only this customer can use the code (context.customers in Shopify).
    customerGid: reserved.row.friendCustomerGid,
    currencyCode: shop.currencyCode,
    now,
  });
  let discountGid: string | null = null;
  try {
    // A reservation left by an earlier attempt may already exist in Shopify.
    if (!reserved.fresh) discountGid = reserved.row.friendDiscountGid ?? (await gateway.findDiscount(reserved.code));
    if (!discountGid) discountGid = (await gateway.issueDiscount(spec)).discountGid;
  } catch (error) {
    // The shopper sees only "try again"; the reason is for us.
    log.warn("referral welcome code not created", { shop: shop.domain, referralId: reserved.row.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    await db.referral.updateMany({
      where: { id: reserved.row.id, friendCode: reserved.code, status: "visited" },
      data: { friendCode: null, friendEmail: null, friendCodeAt: null },
    });
    throw new ReferralError("shopify_failed", "Your code could not be created right now. Please try again.");
  }
  await inTransaction(db, async (tx) => {
    const done = await tx.referral.updateMany({
      where: { id: reserved.row.id, friendCode: reserved.code, status: "visited" },
      data: { status: "friend_rewarded", friendDiscountGid: discountGid },
    });
    if (done.count !== 1) return;
    // The friend's welcome code (0023), with the code's creation: once per referral. The friend is usually not a member yet: then the email says where it goes.
    const member = reserved.row.friendCustomerGid
      ? await tx.member.findUnique({ where: { shopId_customerGid: { shopId: shop.id, customerGid: reserved.row.friendCustomerGid } }, select: { id: true } })
      : null;
    await recordOccasion(tx, {
      shopId: shop.id,
      memberId: member?.id ?? null,
      email,
      kind: "friend_welcome_code",
      key: occasionKey("friend_welcome_code", reserved.row.id),
      data: { code: reserved.code },
    });
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
