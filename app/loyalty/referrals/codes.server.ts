import { randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db.server";
import { prismaErrorCode } from "../../db.server";
import { getEnv, isLocalMode } from "../../env.server";
import { generateReferralCode } from "./codes";
import { toOfferView, type OfferView, type ReferralStatus } from "./lifecycle";
import { loadReferralSettings } from "./settings.server";
import { parseReferralSettings } from "./settings";

// The member's referral code and link, and what the widget shows of their referrals.
// docs/decisions/0009-referrals.md

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

/** ../storefront/customer-view.server.ts `customer.referral`: a contract with the widget (add fields, never rename). */
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
  shop: { id: string; domain: string; program?: { referralSettings: string } | null },
  member: { id: string; status: string },
): Promise<MemberReferralView | null> {
  // The storefront passes the program it already holds: no second read of it.
  const settings = shop.program ? parseReferralSettings(shop.program.referralSettings) : await loadReferralSettings(db, shop.id);
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
