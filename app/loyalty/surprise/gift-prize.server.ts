import type { Tx } from "../../db.server";
import { grantGift } from "../rewards/gifts.server";
import { giftRequestId } from "../rewards/gifts";
import { SurpriseError, type GiftPrize } from "./run.server";
import { surpriseKeys } from "./surprise";

// A surprise's product gift (0031, 0037): the surprise's rewardId is one of the shop's
// free_product rewards; each winner gets one gift through the gifts room's grantGift, keyed
// per (surprise, member), in the winner's transaction. The gifts job
// (app/jobs/gifts.server.ts) makes its code in Shopify. A reward that can no longer give a
// gift (deleted, no product) throws: the winner's transaction rolls back, unclaimed, and the
// run fails with that reason (retried, then `failed`) rather than announce a gift nobody gets.

export const surpriseGiftPrize: GiftPrize = async (tx: Tx, input) => {
  const s = await tx.surprise.findUniqueOrThrow({ where: { id: input.surpriseId }, select: { rewardId: true } });
  if (!s.rewardId) throw new SurpriseError("The surprise has no gift reward.");
  const sourceKey = surpriseKeys.gift(input.surpriseId, input.memberId);
  const id = await grantGift(tx, { shopId: input.shopId, memberId: input.memberId, rewardId: s.rewardId, sourceKey, now: input.now });
  const row = await tx.redemption.findUnique({ where: { shopId_requestId: { shopId: input.shopId, requestId: giftRequestId(sourceKey) } }, select: { id: true, rewardName: true } });
  if (!row) throw new SurpriseError("The surprise's gift reward no longer gives a product.");
  return { text: row.rewardName, redemptionId: id ?? row.id };
};
