import type { Tx } from "../../db.server";
import { EMAIL_OCCASION_KINDS, type OccasionChannel, type OccasionKind } from "./occasions";

// Which channels an occasion goes to for a shop, decided when it is recorded (a delivery row
// per channel that is on). One rule per channel; each reads the shop's settings for it.
// The sender checks again when it delivers (a channel turned off since then skips the row).

export type ChannelRule = (tx: Tx, shopId: string, kind: OccasionKind) => Promise<boolean>;

/** Loyalty emails: the kinds Kanta writes emails for, unless the merchant turned the occasion off. */
const email: ChannelRule = async (tx, shopId, kind) => {
  if (!(EMAIL_OCCASION_KINDS as readonly string[]).includes(kind)) return false;
  return emailOccasionOn(tx, shopId, kind);
};

/** Overridden by the email settings (./email-settings.server.ts); every email occasion is on by default. */
async function emailOccasionOn(_tx: Tx, _shopId: string, _kind: OccasionKind): Promise<boolean> {
  return true;
}

export const CHANNEL_RULES: Record<OccasionChannel, ChannelRule> = {
  email,
  // The Klaviyo integration and the Flow triggers turn these on.
  klaviyo: async () => false,
  flow: async () => false,
};

export async function enabledChannels(tx: Tx, shopId: string, kind: OccasionKind): Promise<OccasionChannel[]> {
  const on: OccasionChannel[] = [];
  for (const [channel, rule] of Object.entries(CHANNEL_RULES) as [OccasionChannel, ChannelRule][]) {
    if (await rule(tx, shopId, kind)) on.push(channel);
  }
  return on;
}
