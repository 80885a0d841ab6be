import type { Tx } from "../../db.server";
import type { LedgerEntryInput } from "../ledger/entries";
import { occasionKey } from "../notify/occasions";
import { recordOccasion } from "../notify/occasions.server";
import { recordRewardCrossing } from "../notify/affordable.server";

/**
 * The order's occasions (0023), in its transaction: points_earned when its points become
 * spendable (at settling with no pending period, else at the release; a refund before the
 * release leaves nothing to announce), once per order; and reward_affordable when the
 * balance crossed a reward's cost, keyed by this settlement's revision (a replay adds no
 * entries, so it records nothing).
 */
export async function recordOrderOccasions(tx: Tx, shopId: string, record: { memberId: string | null; orderGid: string; name: string | null }, entries: readonly LedgerEntryInput[], revision: number): Promise<void> {
  const memberId = record.memberId!;
  const available = entries
    .filter((e) => e.memberId === memberId && e.sourceGid === record.orderGid && (e.kind === "order_earned" || e.kind === "pending_released") && e.delta > 0)
    .reduce((sum, e) => sum + e.delta, 0);
  if (available > 0) {
    await recordOccasion(tx, {
      shopId,
      memberId,
      kind: "points_earned",
      key: occasionKey("points_earned", record.orderGid),
      data: { points: available, orderGid: record.orderGid, ...(record.name ? { orderName: record.name } : {}) },
    });
  }
  const gained = entries.filter((e) => e.memberId === memberId).reduce((sum, e) => sum + e.delta, 0);
  if (gained > 0) {
    const { points } = await tx.member.findUniqueOrThrow({ where: { id: memberId }, select: { points: true } });
    await recordRewardCrossing(tx, { shopId, memberId, before: points - gained, after: points, cause: `${record.orderGid}:r${revision}` });
  }
}

