import type { Tx } from "../../db.server";
import { grantGift } from "../rewards/gifts.server";

// A challenge's product gift (0031, 0035). A challenge's giftRef is the id of one of the
// shop's free_product rewards (the editor offers only those, like the sign-up and milestone
// rules). When the member completes the challenge, this is called ONCE, in the completion's
// transaction, after the conditional update that made the completion happen (so a replay
// never calls it again); the gift itself is keyed per (challenge, member), so even a second
// call grants nothing. No call to Shopify here: grantGift writes the Redemption in
// `issuing` and the gifts job (app/jobs/gifts.server.ts) makes its code.

export interface ChallengeGiftAward {
  shopId: string;
  memberId: string;
  challengeId: string;
  giftRef: string;
  now: Date;
}

/** The gift's source key: one gift per (challenge, member). */
export const challengeGiftKey = (challengeId: string, memberId: string) => `challenge:${challengeId}:${memberId}`;

/** Grants the gift; the Redemption id, or null when the reward cannot give one (gone, no product) or it was given. */
export async function awardChallengeGift(tx: Tx, award: ChallengeGiftAward): Promise<string | null> {
  return grantGift(tx, { shopId: award.shopId, memberId: award.memberId, rewardId: award.giftRef, sourceKey: challengeGiftKey(award.challengeId, award.memberId), now: award.now });
}
