import { normaliseEmail } from "../members/contact";
import { ALWAYS_REJECTED, REVIEW_REASONS, type ReferralReason, type ReviewAction, type ReviewReason } from "./settings";

// What an order tells about the friend, and the fraud rules that hold or reject a
// referral. Pure. docs/decisions/0009-referrals.md

// ---- what an order tells about the friend ----

export interface AddressFacts {
  address1: string | null;
  address2: string | null;
  city: string | null;
  zip: string | null;
  countryCode: string | null;
}

/** The referral facts of one order payload (app/webhooks/payloads.ts). */
export interface ReferralOrderFacts {
  /** The `kanta_ref` note attribute, if valid. */
  visitorToken: string | null;
  email: string | null;
  phones: string[];
  addresses: AddressFacts[];
}

/** Who a person is, as far as the fraud rules compare people. */
export interface PartyFacts {
  customerGid: string | null;
  emails: string[];
  phones: string[];
  addresses: AddressFacts[];
}

const STREET_WORDS: [RegExp, string][] = [
  [/\bstreet\b/g, "st"],
  [/\broad\b/g, "rd"],
  [/\bavenue\b/g, "ave"],
  [/\bapartment\b|\bapt\b|\bflat\b|\bunit\b|\bsuite\b|\bste\b/g, "#"],
  [/\bkatu\b/g, "k"],
  [/\bgatan\b/g, "g"],
  [/\bvej\b/g, "v"],
];

/**
 * One comparable string per postal address: country, postcode and street line(s), in lower
 * case without accents, punctuation, spaces or common street words. Null without a street.
 */
export function normaliseAddress(address: AddressFacts | null | undefined): string | null {
  if (!address?.address1?.trim()) return null;
  const clean = (text: string | null) => {
    let t = (text ?? "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    for (const [pattern, replacement] of STREET_WORDS) t = t.replace(pattern, replacement);
    return t.replace(/[^a-z0-9#]/g, "");
  };
  return [clean(address.countryCode), clean(address.zip), clean(address.address1) + clean(address.address2)].join("|");
}

/** The last 9 digits: "+358 40 123 4567" and "040 123 4567" compare equal. Null if too short. */
export function normalisePhone(phone: string | null | undefined): string | null {
  const digits = (phone ?? "").replace(/\D/g, "");
  return digits.length >= 6 ? digits.slice(-9) : null;
}

// ---- the fraud rules: one pure check each ----

/** The friend's order is the referrer's own (same Shopify customer). */
export function checkSelfReferral(referrer: PartyFacts, friend: PartyFacts): "self_referral" | null {
  return referrer.customerGid !== null && referrer.customerGid === friend.customerGid ? "self_referral" : null;
}

export function checkSameEmail(referrer: PartyFacts, friend: PartyFacts): "same_email" | null {
  const mine = new Set(referrer.emails.map(normaliseEmail).filter(Boolean));
  return friend.emails.some((e) => {
    const n = normaliseEmail(e);
    return n !== null && mine.has(n);
  })
    ? "same_email"
    : null;
}

export function checkSameAddress(referrer: PartyFacts, friend: PartyFacts): "same_address" | null {
  const mine = new Set(referrer.addresses.map(normaliseAddress).filter(Boolean));
  return friend.addresses.some((a) => {
    const n = normaliseAddress(a);
    return n !== null && mine.has(n);
  })
    ? "same_address"
    : null;
}

export function checkSamePhone(referrer: PartyFacts, friend: PartyFacts): "same_phone" | null {
  const mine = new Set(referrer.phones.map(normalisePhone).filter(Boolean));
  return friend.phones.some((p) => {
    const n = normalisePhone(p);
    return n !== null && mine.has(n);
  })
    ? "same_phone"
    : null;
}

/** The link was opened by its own member, signed in (recorded at the visit). */
export function checkSelfVisit(visit: { selfVisit: boolean }): "self_visit" | null {
  return visit.selfVisit ? "self_visit" : null;
}

/** The friend (by customer or email) already brought someone a reward or is waiting for one. */
export function checkAlreadyReferred(otherReferralsOfFriend: number): "already_referred" | null {
  return otherReferralsOfFriend > 0 ? "already_referred" : null;
}

/**
 * The friend is not new: orders before this one that Kanta has seen, or Shopify's own count
 * of the customer's orders (which includes this one) above one.
 */
export function checkExistingCustomer(friend: { earlierOrders: number; shopifyOrderCount: number | null }): "existing_customer" | null {
  return friend.earlierOrders > 0 || (friend.shopifyOrderCount ?? 0) > 1 ? "existing_customer" : null;
}

export function checkMonthlyCap(rewardsThisMonth: number, cap: number | null): "monthly_cap" | null {
  return cap !== null && rewardsThisMonth >= cap ? "monthly_cap" : null;
}

export function checkReferrerActive(referrerStatus: string): "referrer_inactive" | null {
  return referrerStatus === "active" ? null : "referrer_inactive";
}

export type ReferralDecision = { action: "accept" } | { action: "hold"; reasons: ReferralReason[] } | { action: "reject"; reasons: ReferralReason[] };

/** Rejected if any reason is always rejected or set to reject; held if any other reason; else accepted. */
export function decideReferral(reasons: readonly (ReferralReason | null)[], review: Record<ReviewReason, ReviewAction>): ReferralDecision {
  const found = reasons.filter((r): r is ReferralReason => r !== null);
  if (found.length === 0) return { action: "accept" };
  const rejecting = found.filter((r) => (ALWAYS_REJECTED as readonly string[]).includes(r) || review[r as ReviewReason] === "reject");
  if (rejecting.length > 0) return { action: "reject", reasons: rejecting };
  return { action: "hold", reasons: found };
}

export function formatReasons(reasons: readonly ReferralReason[]): string {
  return reasons.join(",");
}

export function parseReasons(text: string | null | undefined): ReferralReason[] {
  return (text ?? "").split(",").filter((r): r is ReferralReason => (REVIEW_REASONS as readonly string[]).includes(r) || (ALWAYS_REJECTED as readonly string[]).includes(r));
}

export const REASON_LABELS: Record<ReferralReason, string> = {
  self_referral: "Referred themselves",
  same_email: "Same email as the referrer",
  same_address: "Same address as the referrer",
  same_phone: "Same phone as the referrer",
  self_visit: "Link opened by the referrer",
  existing_customer: "Friend had ordered before",
  monthly_cap: "Over the monthly limit",
  already_referred: "Friend already referred",
  referrer_inactive: "Referrer excluded",
};
