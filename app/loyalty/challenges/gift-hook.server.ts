import type { Tx } from "../../db.server";

// The hook for gifts as a challenge's reward (the gifts room, being built on its own
// branch, fills it in). A challenge row carries an opaque giftRef the gifts room defines;
// when the member completes the challenge, this is called ONCE, in the completion's
// transaction, after the conditional update that made the completion happen (so a replay
// never calls it again). It must stay inside the transaction (no call to Shopify here: an
// outbox row, as the rest of Kanta does) and be idempotent on (challengeId, memberId).
// Until the gifts room is merged, a giftRef cannot be set (the form has no field for it)
// and this records nothing. docs/decisions/0035-challenges-and-leaderboard.md

export interface ChallengeGiftAward {
  shopId: string;
  memberId: string;
  challengeId: string;
  giftRef: string;
  now: Date;
}

export async function awardChallengeGift(tx: Tx, award: ChallengeGiftAward): Promise<void> {
  void tx;
  void award;
}
