import { z } from "zod";
import { getDb, type Db } from "../../db.server";
import { appendLedgerEntry } from "../ledger/append.server";
import { IdempotencyConflictError, ledgerKeys } from "../ledger/entries";
import { requireShopConfig } from "../program/shop-config.server";
import { upgradeMemberTier } from "../tiers/moves.server";
import { inTransaction } from "../tx.server";
import { enrollMember } from "./enrol.server";

// The Shopify Flow action "Award points" (extensions/kanta-award-points-flow): a merchant's
// workflow (or a review app's Flow trigger, "review submitted") gives a customer points.
// The route (app/routes/flow.award-points.tsx) verifies Shopify's signature; this checks
// the payload and writes one `action_bonus` ledger row keyed by Flow's action_run_id, so a
// retried request (Flow resends until it gets a 200) awards once. Bad input changes nothing
// and says why (FlowAwardError, a 4xx). A customer who is not a member yet is enrolled
// (with the sign-up bonus, as an order would).
// docs/decisions/0024-shopify-flow-klaviyo-bulk-sync.md

/** The most one award may give: a workflow with a typo (10000 for 100) should fail, not pay. */
export const FLOW_AWARD_MAX_POINTS = 10_000;

/** Flow's action request body, as documented (https://shopify.dev/docs/apps/build/flow/actions/endpoints). */
const payloadSchema = z.object({
  shop_id: z.union([z.number(), z.string()]).optional(),
  shopify_domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "shopify_domain: a myshopify.com domain"),
  action_run_id: z.string().trim().min(1, "action_run_id: missing").max(200),
  handle: z.string().optional(),
  properties: z.object({
    customer_id: z
      .unknown()
      .refine((v) => (typeof v === "number" && Number.isSafeInteger(v) && v > 0) || (typeof v === "string" && /^(gid:\/\/shopify\/Customer\/)?\d{1,20}$/.test(v)), "customer_id: a customer's id"),
    points: z.union([z.number(), z.string().trim().regex(/^-?\d+$/).transform(Number)], { message: "points: a whole number" }).pipe(
      z.number().int("points: a whole number").min(1, "points: at least 1").max(FLOW_AWARD_MAX_POINTS, `points: at most ${FLOW_AWARD_MAX_POINTS.toLocaleString("en")}`),
    ),
    reason: z.string().trim().max(200, "reason: at most 200 characters").optional(),
  }),
});

export type FlowAwardErrorCode = "invalid" | "unknown_shop" | "program_inactive" | "member_excluded" | "conflict";

export class FlowAwardError extends Error {
  override name = "FlowAwardError";
  constructor(
    readonly code: FlowAwardErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface FlowAward {
  shopDomain: string;
  actionRunId: string;
  customerGid: string;
  points: number;
  reason: string | null;
}

/** Flow's body, checked: throws FlowAwardError("invalid") saying what is wrong. */
export function parseFlowAward(body: unknown): FlowAward {
  const parsed = payloadSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") ?? "body";
    throw new FlowAwardError("invalid", issue ? (issue.message.includes(":") ? issue.message : `${where}: ${issue.message}`) : "invalid body");
  }
  const { properties } = parsed.data;
  const id = String(properties.customer_id).replace(/^gid:\/\/shopify\/Customer\//, "");
  return {
    shopDomain: parsed.data.shopify_domain,
    actionRunId: parsed.data.action_run_id,
    customerGid: `gid://shopify/Customer/${id}`,
    points: properties.points,
    reason: properties.reason || null,
  };
}

/** Awards the points once per action run. Returns whether this request was a replay. */
export async function awardPointsFromFlow(award: FlowAward, db: Db = getDb(), now = new Date()): Promise<{ replayed: boolean; memberId: string }> {
  const shop = await db.shop.findUnique({ where: { domain: award.shopDomain }, select: { id: true, uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) throw new FlowAwardError("unknown_shop", `Kanta is not installed on ${award.shopDomain}`);
  return inTransaction(db, async (tx) => {
    const config = await requireShopConfig(tx, award.shopDomain);
    // A replay first: the run already paid (even if the program was paused since) is a success.
    const paid = await tx.ledgerEntry.findUnique({ where: { shopId_idempotencyKey: { shopId: shop.id, idempotencyKey: ledgerKeys.flowAward(award.actionRunId) } } });
    if (paid) {
      if (paid.delta !== award.points) throw new FlowAwardError("conflict", "This action run already awarded a different number of points");
      return { replayed: true, memberId: paid.memberId };
    }
    if (config.program.status !== "live") throw new FlowAwardError("program_inactive", "The loyalty program is not live: no points were awarded");
    const member = await enrollMember(tx, config, { customerGid: award.customerGid });
    if (member.status !== "active") throw new FlowAwardError("member_excluded", "This customer is excluded from the loyalty program");
    try {
      await appendLedgerEntry(tx, {
        shopId: shop.id,
        memberId: member.id,
        delta: award.points,
        kind: "action_bonus",
        idempotencyKey: ledgerKeys.flowAward(award.actionRunId),
        actor: "flow",
        note: award.reason ?? "Shopify Flow",
      });
    } catch (error) {
      if (error instanceof IdempotencyConflictError) throw new FlowAwardError("conflict", "This action run already awarded points to another customer");
      throw error;
    }
    if (config.program.tierBasis === "points") await upgradeMemberTier(tx, config, member.id, { now });
    return { replayed: false, memberId: member.id };
  });
}
