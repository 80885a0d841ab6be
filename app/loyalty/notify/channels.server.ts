import type { Tx } from "../../db.server";
import { memoInBatch } from "../batch-scope.server";
import { emailOccasionOn } from "./email.server";
import { EMAIL_OCCASION_KINDS, type OccasionChannel, type OccasionKind } from "./occasions";

// Which channels an occasion goes to for a shop, decided when it is recorded (a delivery row
// per channel that is on). One rule per channel; each reads the shop's settings for it.
// The sender checks again when it delivers (a channel turned off since then skips the row).

export type ChannelRule = (tx: Tx, shopId: string, kind: OccasionKind) => Promise<boolean>;

/** Loyalty emails: the kinds Kanta writes emails for, unless the merchant turned the occasion off (EmailSettings). */
const email: ChannelRule = async (tx, shopId, kind) => {
  if (!(EMAIL_OCCASION_KINDS as readonly string[]).includes(kind)) return false;
  return emailOccasionOn(tx, shopId, kind);
};

/**
 * Kanta's Flow triggers (app/shopify/occasion-triggers.ts): points earned, reward redeemed,
 * points expiring, referral completed, for every shop (Flow runs only the workflows a
 * merchant built on them). Tier changes have their own outbox (TierChange).
 */
export const FLOW_OCCASION_KINDS: readonly OccasionKind[] = ["points_earned", "reward_redeemed", "points_expiring", "referral_completed"];
const flow: ChannelRule = async (_tx, _shopId, kind) => FLOW_OCCASION_KINDS.includes(kind);

/** Klaviyo: every occasion about a member, when the shop connected Klaviyo (a private key saved in Settings). */
const klaviyo: ChannelRule = async (tx, shopId) => {
  const row = await memoInBatch(tx, `klaviyo:${shopId}`, () => tx.klaviyoIntegration.findUnique({ where: { shopId }, select: { enabled: true } }));
  return row?.enabled === true;
};

export const CHANNEL_RULES: Record<OccasionChannel, ChannelRule> = {
  email,
  klaviyo,
  flow,
};

export async function enabledChannels(tx: Tx, shopId: string, kind: OccasionKind): Promise<OccasionChannel[]> {
  const on: OccasionChannel[] = [];
  for (const [channel, rule] of Object.entries(CHANNEL_RULES) as [OccasionChannel, ChannelRule][]) {
    if (await rule(tx, shopId, kind)) on.push(channel);
  }
  return on;
}
