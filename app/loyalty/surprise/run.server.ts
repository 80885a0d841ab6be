import { randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db.server";
import { appendLedgerEntry } from "../ledger/append.server";
import { occasionKey } from "../notify/occasions";
import { recordOccasion } from "../notify/occasions.server";
import { describeRewardValue, generateRewardCode } from "../rewards/rewards";
import { toRewardDef } from "../rewards/redemptions.server";
import { owedCodeRow } from "../rewards/outbox.server";
import { inTransaction } from "../tx.server";
import { audienceWhere, readAudience, wantsPurchases, type SurpriseAudience } from "./audience";
import { drawWinners, cryptoRandom, type RandomInt } from "./draw";
import { surpriseKeys } from "./surprise";
import { catalogPurchases, type PurchaseFilter } from "./purchases.server";

export type { PurchaseFilter };

// Running a surprise, as a resumable job (app/jobs/surprise-job.server.ts claims it with a
// lease): 1. the draw, in ONE transaction: the eligible members, the winners drawn with
// crypto randomness (./draw.ts), a SurpriseWinner row each (unique per surprise and member),
// the eligible count and the time; 2. the prizes, in batches: each winner in its own
// transaction, claimed by `awardedAt` (a resumed run skips it) and paid with a key per
// (surprise, member): a crash anywhere, and the re-run gives nobody a second prize.
// docs/decisions/0037-charity-and-surprises.md


/**
 * A product gift for one winner, in the winner's transaction (the job gives
 * ./gift-prize.server.ts: grantGift keyed per (surprise, member)). redemptionId: the gift's
 * row, recorded on the winner (its code is the gifts job's, not this run's).
 */
export type GiftPrize = (tx: Tx, input: { shopId: string; surpriseId: string; memberId: string; now: Date }) => Promise<{ text: string; redemptionId?: string | null }>;

export interface SurpriseHooks {
  purchases?: PurchaseFilter;
  gift?: GiftPrize;
  random?: RandomInt;
}

export class SurpriseError extends Error {
  override name = "SurpriseError";
}

/** Active members matching the audience, by id (the draw's pool). */
export async function eligibleMemberIds(db: Db | Tx, shopId: string, audience: SurpriseAudience, now: Date, hooks: SurpriseHooks = {}): Promise<string[]> {
  const bought = wantsPurchases(audience) ? await (hooks.purchases ?? catalogPurchases)(db, shopId, audience) : null;
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { id: string }[] = await db.member.findMany({
      where: { ...audienceWhere(shopId, audience, now), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      select: { id: true },
      take: 5000,
    });
    for (const m of page) if (!bought || bought.has(m.id)) ids.push(m.id);
    if (page.length < 5000) return ids;
    after = page[page.length - 1]!.id;
  }
}

/** Draws the winners once: a surprise already drawn is left as it is (false). */
export async function drawSurprise(db: Db, surpriseId: string, now: Date, hooks: SurpriseHooks = {}): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const s = await tx.surprise.findUniqueOrThrow({ where: { id: surpriseId } });
    if (s.drawnAt) return false;
    const eligible = await eligibleMemberIds(tx, s.shopId, readAudience(s.audience), now, hooks);
    const winners = drawWinners(eligible, s.winnersWanted, hooks.random ?? cryptoRandom);
    // Conditional on not drawn yet: a second worker's draw rolls back here, whole.
    const marked = await tx.surprise.updateMany({ where: { id: s.id, drawnAt: null }, data: { drawnAt: now, eligibleCount: eligible.length, winnerCount: winners.length, status: "awarding" } });
    if (marked.count !== 1) throw new SurpriseError("drawn by another worker");
    for (let i = 0; i < winners.length; i += 500) {
      await tx.surpriseWinner.createMany({ data: winners.slice(i, i + 500).map((memberId) => ({ surpriseId: s.id, shopId: s.shopId, memberId })) });
    }
    return true;
  });
}

export interface AwardBatch {
  awarded: number;
  /** Reward codes to create in Shopify now (Redemption ids in `issuing`). */
  issue: string[];
  /** No winner is left without a prize. */
  done: boolean;
}

/** Gives the next `batch` winners their prize, each once. */
export async function awardNextBatch(db: Db, surpriseId: string, now: Date, batch = 100, hooks: SurpriseHooks = {}): Promise<AwardBatch> {
  const s = await db.surprise.findUniqueOrThrow({ where: { id: surpriseId }, include: { shop: { select: { currencyCode: true } } } });
  const rewardRow = s.prizeType === "reward" && s.rewardId ? await db.reward.findFirst({ where: { id: s.rewardId, shopId: s.shopId } }) : null;
  const reward = rewardRow ? toRewardDef(rewardRow) : null;
  if (s.prizeType === "reward" && !reward) throw new SurpriseError("The surprise's reward no longer exists.");
  if (s.prizeType === "gift" && !hooks.gift) throw new SurpriseError("No product gift hook was given to the run.");
  if (s.prizeType === "gift" && !(s.rewardId && (await db.reward.findFirst({ where: { id: s.rewardId, shopId: s.shopId, type: "free_product" }, select: { id: true } })))) {
    throw new SurpriseError("The surprise's gift reward no longer exists.");
  }
  const pending = await db.surpriseWinner.findMany({ where: { surpriseId, awardedAt: null }, orderBy: { id: "asc" }, take: batch, select: { id: true, memberId: true } });
  const issue: string[] = [];
  let awarded = 0;
  for (const w of pending) {
    const redemptionId = await inTransaction(db, async (tx) => {
      // The claim: only the transaction that sets awardedAt pays; a concurrent or resumed one skips.
      const claimed = await tx.surpriseWinner.updateMany({ where: { id: w.id, awardedAt: null }, data: { awardedAt: now } });
      if (claimed.count !== 1) return undefined;
      let data: { surpriseName: string; points?: number; code?: string; rewardText?: string } = { surpriseName: s.name };
      let redemption: string | null = null;
      if (s.prizeType === "points") {
        await appendLedgerEntry(tx, { shopId: s.shopId, memberId: w.memberId, delta: s.prizePoints ?? 0, kind: "surprise", idempotencyKey: surpriseKeys.ledger(s.id, w.memberId), sourceGid: s.id, actor: "system", note: s.name });
        data = { ...data, points: s.prizePoints ?? 0 };
      } else if (s.prizeType === "reward" && reward) {
        const row = await owedCodeRow(tx, {
          shopId: s.shopId,
          memberId: w.memberId,
          rewardId: reward.id,
          requestId: surpriseKeys.redemption(s.id, w.memberId),
          rewardName: `${s.name}: ${reward.name}`,
          code: generateRewardCode((n) => randomBytes(n)),
          expiresAt: reward.expiryDays ? new Date(now.getTime() + reward.expiryDays * 86_400_000) : null,
        });
        redemption = row.id;
        data = { ...data, code: row.code!, rewardText: `${reward.name} (${describeRewardValue(reward, s.shop.currencyCode)})` };
      } else if (s.prizeType === "gift" && hooks.gift) {
        const gift = await hooks.gift(tx, { shopId: s.shopId, surpriseId: s.id, memberId: w.memberId, now });
        data = { ...data, rewardText: gift.text };
        if (gift.redemptionId) await tx.surpriseWinner.update({ where: { id: w.id }, data: { redemptionId: gift.redemptionId } });
      }
      if (redemption) await tx.surpriseWinner.update({ where: { id: w.id }, data: { redemptionId: redemption } });
      await tx.surprise.update({ where: { id: s.id }, data: { awardedCount: { increment: 1 } } });
      // The announcement (widget and email), once per (surprise, member).
      await recordOccasion(tx, { shopId: s.shopId, memberId: w.memberId, kind: "surprise", key: occasionKey("surprise", s.id, w.memberId), data });
      return redemption;
    });
    if (redemptionId === undefined) continue;
    awarded++;
    if (redemptionId) issue.push(redemptionId);
  }
  const left = await db.surpriseWinner.count({ where: { surpriseId, awardedAt: null } });
  if (left === 0) await db.surprise.updateMany({ where: { id: surpriseId, status: "awarding" }, data: { status: "done", finishedAt: now, leaseUntil: null, lastError: null } });
  return { awarded, issue, done: left === 0 };
}

/** Runs a claimed surprise to the end: the draw if not made, then every batch. */
export async function runSurprise(db: Db, surpriseId: string, now: Date, options: { batch?: number; hooks?: SurpriseHooks; maxBatches?: number } = {}): Promise<{ issue: string[]; done: boolean }> {
  await drawSurprise(db, surpriseId, now, options.hooks);
  const issue: string[] = [];
  for (let i = 0; i < (options.maxBatches ?? Infinity); i++) {
    const b = await awardNextBatch(db, surpriseId, now, options.batch ?? 100, options.hooks);
    issue.push(...b.issue);
    if (b.done) return { issue, done: true };
  }
  return { issue, done: false };
}
