// Gifts: a free product granted (not bought with points) by a sign-up, an order milestone,
// reaching a tier or a birthday (docs/decisions/0031-gifts.md). Pure: the keys, the code and
// the Shopify discount of one gift. Persistence and the outbox are in gifts.server.ts.
import { computeDiscountSpec, generateRewardCode, type DiscountSpec, type RewardDef } from "./rewards";

/** Every gift's Redemption.requestId starts with this; the rest is its source's key. */
export const GIFT_REQUEST_PREFIX = "gift:";

/**
 * One gift per source and member: the source's own ledger key (`signup:<customer>`,
 * `nth:<rule>:<member>:<n>`, `tier-entry:…`, `birthday:<member>:<year>`), so a gift is
 * granted exactly when (and as often as) the points of the same source would be.
 */
export function giftRequestId(sourceKey: string): string {
  return `${GIFT_REQUEST_PREFIX}${sourceKey}`;
}

/**
 * The gift's code from a digest of the shop and the request id (gifts.server.ts giftCode):
 * a retry after a crash asks Shopify for this exact code before creating it, so a gift
 * never becomes two codes. 40 bits an outsider cannot guess (the digest includes the
 * shop's secret id), and the code is the member's only, single use.
 */
export function giftCodeFromDigest(digest: Uint8Array): string {
  return generateRewardCode((n) => digest.subarray(0, n)).replace(/^KANTA-/, "KANTA-G");
}

/** Gift codes begin KANTA-G (reward codes KANTA-, referral codes KANTA-R). */
export function isGiftCode(code: string): boolean {
  return /^KANTA-G/.test(code);
}

/**
 * The discount for one gift: the free_product reward's (one unit of the variant free, for
 * this customer, single use), with the gift's own end date, never starting in the future.
 */
export function computeGiftDiscountSpec(
  reward: RewardDef,
  gift: { code: string; customerGid: string; currencyCode: string; grantedAt: Date; expiresAt: Date | null; now: Date },
): DiscountSpec {
  const spec = computeDiscountSpec({ ...reward, expiryDays: null, minOrderMinor: null }, { code: gift.code, customerGid: gift.customerGid, currencyCode: gift.currencyCode, now: gift.grantedAt });
  return {
    ...spec,
    title: `Kanta gift: ${reward.productTitle ?? reward.name}`,
    startsAt: new Date(Math.min(gift.now.getTime(), gift.grantedAt.getTime())),
    endsAt: gift.expiresAt,
  };
}
