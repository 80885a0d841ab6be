import { z } from "zod";
import { getDb, type Db } from "../../db.server";
import { invalidateShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { MEMBERSHIP_MAX_MONTHS, PRODUCT_GID, VARIANT_GID, type TierMembershipConfig } from "./paid";
import { parseTierPerks, serializeTierPerks } from "./rules";

// The merchant making a tier a paid one (docs/decisions/0032): the membership products that
// buy it, the period one purchase buys, and whether spend can also reach it. Audited.

export class TierMembershipError extends Error {
  override name = "TierMembershipError";
  constructor(
    message: string,
    readonly field: "products" | "months" | "form",
  ) {
    super(message);
  }
}

const list = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : Array.isArray(v) ? v : []),
  z.array(z.string().trim()),
);
const membershipForm = z.object({
  paid: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
  /** Product and variant GIDs, as the resource picker gives them (a list, or text separated by commas or spaces). */
  products: list,
  months: z.preprocess((v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : ""), z.string()),
  paidOnly: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
});

/** Reads the form: null when the tier is not (or no longer) paid. */
export function parseTierMembershipForm(raw: Partial<Record<string, unknown>>): TierMembershipConfig | null {
  const f = membershipForm.parse(raw);
  if (!f.paid) return null;
  const productGids = f.products.filter((g) => PRODUCT_GID.test(g));
  const variantGids = f.products.filter((g) => VARIANT_GID.test(g));
  if (productGids.length + variantGids.length !== f.products.length) throw new TierMembershipError("Choose the membership products again", "products");
  if (f.products.length === 0) throw new TierMembershipError("Choose the product that buys this tier", "products");
  if (f.products.length > 20) throw new TierMembershipError("Choose at most 20 products", "products");
  const months = Number(f.months);
  if (!/^\d+$/.test(f.months) || months < 1 || months > MEMBERSHIP_MAX_MONTHS) {
    throw new TierMembershipError(`Enter how many months one purchase buys, from 1 to ${MEMBERSHIP_MAX_MONTHS}`, "months");
  }
  return { productGids: [...new Set(productGids)], variantGids: [...new Set(variantGids)], months, paidOnly: f.paidOnly };
}

/** Sets (or clears, with null) a tier's membership; returns the tier's name. */
export async function saveTierMembership(
  shopDomain: string,
  tierId: string,
  membership: TierMembershipConfig | null,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<string> {
  const name = await inTransaction(db, async (tx) => {
    const tier = await tx.tier.findFirst({ where: { id: tierId, shop: { domain: shopDomain } } });
    if (!tier) throw new TierMembershipError("This tier does not exist", "form");
    const perks = parseTierPerks(tier.perks);
    if (membership?.paidOnly && tier.rank === 0) throw new TierMembershipError("The first tier is where every member starts: it can't be paid-only", "form");
    await tx.tier.update({ where: { id: tier.id }, data: { perks: serializeTierPerks({ ...perks, membership }), updatedAt: new Date() } });
    await recordAudit(tx, {
      shopId: tier.shopId,
      actor,
      action: "tier.membership_updated",
      subjectType: "tiers",
      subjectId: tier.id,
      subjectLabel: tier.name,
      before: { membership: perks.membership },
      after: { membership },
    });
    return tier.name;
  });
  invalidateShopConfig(shopDomain);
  return name;
}

/** The Tiers page's "Paid tiers" card: each tier's membership, and how many members hold it by paying now. */
export async function listPaidTiers(shopDomain: string, db: Db = getDb(), now: Date = new Date()) {
  const tiers = await db.tier.findMany({ where: { shop: { domain: shopDomain } }, orderBy: { rank: "asc" }, select: { id: true, name: true, rank: true, perks: true } });
  const holding = await db.tierMembership.groupBy({ by: ["tierId"], where: { tierId: { in: tiers.map((t) => t.id) }, endedAt: null, endsAt: { gt: now } }, _count: { memberId: true } });
  return tiers.map((t) => ({
    id: t.id,
    name: t.name,
    rank: t.rank,
    membership: parseTierPerks(t.perks).membership ?? null,
    paying: holding.find((h) => h.tierId === t.id)?._count.memberId ?? 0,
  }));
}
