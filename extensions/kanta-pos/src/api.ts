import { KantaApiError, kantaFetch, kantaUrl } from "../../kanta-api";

// Kanta's backend as the POS extension uses it. Shopify's CLI replaces process.env.APP_URL
// with the app's URL when it bundles; anywhere else (local mode's preview, on the app's own
// origin) the paths are relative. docs/decisions/0027-pos.md

export interface PosReward {
  id: string;
  name: string;
  value: string;
  pointsCost: number;
  redeemable: boolean;
  reason: "insufficient_points" | "tier_required" | "reward_unavailable" | "program_inactive" | "member_excluded" | null;
  neededPoints: number;
}

export interface PosMemberView {
  program: { status: string; currencyCode: string; programName: string };
  member: {
    customerGid: string;
    firstName: string | null;
    points: number;
    pendingPoints: number;
    status: string;
    tier: { name: string; rank: number } | null;
    nextTier: { name: string } | null;
  } | null;
  rewards: PosReward[];
}

export interface PosRedemption {
  id: string;
  status: string;
  rewardName: string;
  pointsSpent: number;
  code: string | null;
}

/** The part of POS's API these calls need (every target has the Session API). */
export interface PosSessionLike {
  session: { getSessionToken: () => Promise<string | undefined> };
}

async function token(api: PosSessionLike): Promise<string> {
  const value = await api.session.getSessionToken();
  // POS gives no token when the signed-in user lacks the app's permission.
  if (!value) throw new KantaApiError(401, "no_permission");
  return value;
}

export async function fetchMember(api: PosSessionLike, customerId: number | string): Promise<PosMemberView> {
  return kantaFetch<PosMemberView>(kantaUrl(`/api/pos/customer?customer=${encodeURIComponent(String(customerId))}`), await token(api));
}

/**
 * Redeems with one request id for every attempt: a dropped connection is retried with the
 * same id, so the backend returns the same redemption and debits once.
 */
export async function redeem(api: PosSessionLike, input: { customerId: number | string; rewardId: string; requestId: string }, attempts = 3): Promise<PosRedemption> {
  let last: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const { redemption } = await kantaFetch<{ redemption: PosRedemption }>(kantaUrl("/api/pos/redeem"), await token(api), {
        method: "POST",
        body: { customer: String(input.customerId), rewardId: input.rewardId, requestId: input.requestId },
      });
      return redemption;
    } catch (error) {
      last = error;
      // Only a network failure or a server error is worth the same request again.
      if (error instanceof KantaApiError && error.status < 500) throw error;
      await new Promise((resolve) => setTimeout(resolve, 400 * (attempt + 1)));
    }
  }
  throw last;
}

export function newRequestId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `pos-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** What a staff member is told, by the backend's error code (or a network failure). */
export function staffMessage(error: unknown): { heading: string; body: string } {
  const code = error instanceof KantaApiError ? error.message : "network";
  switch (code) {
    case "not_a_member":
      return { heading: "Not a rewards member", body: "This customer has not joined the rewards program yet." };
    case "insufficient_points":
      return { heading: "Not enough points", body: "The customer's balance no longer covers this reward. Refresh and pick another." };
    case "program_inactive":
      return { heading: "Rewards are paused", body: "The store has paused its rewards program. Nothing was redeemed." };
    case "member_excluded":
      return { heading: "Member can't redeem", body: "This customer's account is excluded from redeeming rewards." };
    case "tier_required":
      return { heading: "Higher tier needed", body: "This reward is for a higher VIP tier." };
    case "reward_unavailable":
      return { heading: "Reward unavailable", body: "This reward can't be redeemed in store right now." };
    case "unauthorized":
    case "no_permission":
      return { heading: "Kanta can't confirm this session", body: "Ask a store owner to give your staff account access to Kanta, then sign in to POS again." };
    case "shopify_failed":
    case "shop_not_connected":
      return { heading: "Shopify didn't answer", body: "The reward code couldn't be made. The customer's points were returned. Try again." };
    default:
      return { heading: "No connection to Kanta", body: "Check the device's internet connection and try again. The customer is never charged twice for one tap." };
  }
}

export function formatPoints(points: number): string {
  return `${points.toLocaleString("en")} ${points === 1 ? "point" : "points"}`;
}
