import type { Tx } from "../../db.server";
import { memoInBatch } from "../batch-scope.server";
import { occasionKey } from "./occasions";
import { recordOccasion, type RecordOccasionInput } from "./occasions.server";

/**
 * "You can now get <reward>" (0023): when a balance rises from `before` to `after`, the
 * dearest enabled reward whose cost it crossed upward (before < cost <= after). Once per
 * reward per crossing: the key names the change that crossed it (`cause`, e.g. the order's
 * ledger key), so a replay of that change records nothing, and spending below the cost and
 * earning back across it again is a new crossing. In the caller's transaction.
 */
export async function recordRewardCrossing(tx: Tx, input: CrossingInput): Promise<boolean> {
  const occasion = await rewardCrossingOccasion(tx, input);
  if (!occasion) return false;
  const { recorded } = await recordOccasion(tx, occasion);
  return recorded;
}

interface CrossingInput {
  shopId: string;
  memberId: string;
  before: number;
  after: number;
  cause: string;
}

/** The reward_affordable occasion a balance move from `before` to `after` records, or null (recordRewardCrossing's rule; for callers that record many at once). */
export async function rewardCrossingOccasion(tx: Tx, input: CrossingInput): Promise<RecordOccasionInput<"reward_affordable"> | null> {
  if (input.after <= input.before || input.after <= 0) return null;
  // The shop's enabled rewards, dearest first (read once per webhook batch, app/loyalty/batch-scope.server.ts).
  const rewards = await memoInBatch(tx, `affordable:${input.shopId}`, () =>
    tx.reward.findMany({ where: { shopId: input.shopId, enabled: true }, orderBy: [{ pointsCost: "desc" }, { id: "asc" }], select: { id: true, name: true, pointsCost: true } }),
  );
  const reward = rewards.find((r) => r.pointsCost > Math.max(input.before, 0) && r.pointsCost <= input.after);
  if (!reward) return null;
  return {
    shopId: input.shopId,
    memberId: input.memberId,
    kind: "reward_affordable",
    key: occasionKey("reward_affordable", input.memberId, reward.id, input.cause),
    data: { rewardId: reward.id, rewardName: reward.name, pointsCost: reward.pointsCost },
  };
}
