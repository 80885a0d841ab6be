import { z } from "zod";
import { MAX_AUDIENCE_VALUES } from "./audience";

// A surprise's form, prize and keys, pure. The prize: points (a ledger row keyed per
// (surprise, member)), a catalogue reward issued free as a code (a Redemption row in
// `issuing` with pointsSpent 0, created in Shopify by app/jobs/surprise-job.server.ts), or a
// product gift (rewardId is one of the shop's free_product rewards; each winner gets one
// gift through the gifts room, keyed per (surprise, member): ./gift-prize.server.ts, 0031).
// docs/decisions/0037-charity-and-surprises.md

export const PRIZE_TYPES = ["points", "reward", "gift"] as const;
export type PrizeType = (typeof PRIZE_TYPES)[number];

/** The catalogue rewards a surprise may give: those that are one discount code. */
export const SURPRISE_REWARD_TYPES = ["amount_off", "percent_off", "free_shipping", "free_product"] as const;

export const SURPRISE_STATUSES = ["draft", "queued", "awarding", "done", "failed"] as const;
export type SurpriseStatus = (typeof SURPRISE_STATUSES)[number];

export const MAX_SURPRISE_POINTS = 1_000_000;
export const MAX_WINNERS = 100_000;

const list = (v: unknown) => (Array.isArray(v) ? v : typeof v === "string" && v !== "" ? v.split(",") : []);
const optionalInt = (schema: z.ZodNumber) => z.preprocess((v) => (v === "" || v === null || v === undefined ? null : v), z.coerce.number({ error: "Enter a whole number" }).pipe(schema).nullable());

export const surpriseForm = z
  .object({
    name: z.string().trim().min(1, "Name is required").max(100, "At most 100 characters"),
    prizeType: z.enum(PRIZE_TYPES, { error: "Choose a prize" }),
    prizePoints: optionalInt(z.number().int("Enter a whole number").min(1, "At least 1 point").max(MAX_SURPRISE_POINTS, `At most ${MAX_SURPRISE_POINTS}`)),
    rewardId: z.preprocess((v) => (v === "" ? null : v), z.string().max(100).nullable().default(null)),
    mode: z.enum(["all", "draw"]),
    winners: optionalInt(z.number().int("Enter a whole number").min(1, "At least 1").max(MAX_WINNERS, `At most ${MAX_WINNERS}`)),
    tierIds: z.preprocess(list, z.array(z.string().min(1).max(100)).max(MAX_AUDIENCE_VALUES)),
    orderedWithinDays: optionalInt(z.number().int("Enter a whole number").min(1, "At least 1 day").max(3650, "At most 3650 days")),
    productTypes: z.preprocess((v) => list(v).map((s) => String(s).trim()).filter(Boolean), z.array(z.string().max(255)).max(MAX_AUDIENCE_VALUES)),
    collectionIds: z.preprocess(list, z.array(z.string().min(1).max(200)).max(MAX_AUDIENCE_VALUES)),
  })
  .superRefine((v, ctx) => {
    if (v.prizeType === "points" && v.prizePoints === null) ctx.addIssue({ code: "custom", path: ["prizePoints"], message: "Enter the points" });
    if (v.prizeType === "reward" && !v.rewardId) ctx.addIssue({ code: "custom", path: ["rewardId"], message: "Choose a reward" });
    if (v.prizeType === "gift" && !v.rewardId) ctx.addIssue({ code: "custom", path: ["rewardId"], message: "Choose a product gift" });
    if (v.mode === "draw" && v.winners === null) ctx.addIssue({ code: "custom", path: ["winners"], message: "Enter how many to draw" });
  });
export type SurpriseFormInput = z.input<typeof surpriseForm>;
export type SurpriseFormValues = z.output<typeof surpriseForm>;

export const surpriseKeys = {
  /** The points prize's ledger row: one per (surprise, member). */
  ledger: (surpriseId: string, memberId: string) => `surprise:${surpriseId}:${memberId}`,
  /** The reward prize's Redemption requestId: one per (surprise, member). */
  redemption: (surpriseId: string, memberId: string) => `surprise:${surpriseId}:${memberId}`,
  /** The gift prize's source key (its Redemption's requestId is "gift:" + this): one per (surprise, member). */
  gift: (surpriseId: string, memberId: string) => `surprise:${surpriseId}:${memberId}`,
};

/** What the winner gets, in words (admin lists; the widget and email build their own). */
export function describePrize(prize: { prizeType: string; prizePoints: number | null; rewardName?: string | null }): string {
  if (prize.prizeType === "points") return `${prize.prizePoints ?? 0} points`;
  if (prize.prizeType === "reward") return prize.rewardName ? `Reward: ${prize.rewardName}` : "A reward";
  return prize.rewardName ? `Gift: ${prize.rewardName}` : "A gift";
}
