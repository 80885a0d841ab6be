import { z } from "zod";

// Who a surprise is for: the audience filter, pure. Tiers, an order within N days
// (Member.lastOrderAt), and what they bought (product types, collections: answered by the
// product catalogue's room through a PurchaseFilter, ./surprises.server.ts). Every filter
// given must match (AND); within one filter any value matches (OR). Only active members.
// docs/decisions/0037-charity-and-surprises.md

export const MAX_AUDIENCE_VALUES = 50;

export const surpriseAudience = z.object({
  tierIds: z.array(z.string().min(1).max(100)).max(MAX_AUDIENCE_VALUES).default([]),
  orderedWithinDays: z.number().int().min(1).max(3650).nullable().default(null),
  productTypes: z.array(z.string().trim().min(1).max(255)).max(MAX_AUDIENCE_VALUES).default([]),
  collectionIds: z.array(z.string().min(1).max(200)).max(MAX_AUDIENCE_VALUES).default([]),
});
export type SurpriseAudience = z.output<typeof surpriseAudience>;

export function readAudience(json: string): SurpriseAudience {
  try {
    return surpriseAudience.parse(JSON.parse(json));
  } catch {
    return surpriseAudience.parse({});
  }
}

/** Whether the audience asks what members bought (the catalogue's filter). */
export function wantsPurchases(audience: SurpriseAudience): boolean {
  return audience.productTypes.length > 0 || audience.collectionIds.length > 0;
}

/** The earliest lastOrderAt that counts as "ordered within N days", or null for no such filter. */
export function orderedSince(audience: SurpriseAudience, now: Date): Date | null {
  return audience.orderedWithinDays === null ? null : new Date(now.getTime() - audience.orderedWithinDays * 86_400_000);
}

export interface AudienceMember {
  status: string;
  tierId: string | null;
  lastOrderAt: Date | null;
  /** What the member bought (product types, collection ids), when the audience asks. */
  productTypes?: ReadonlySet<string>;
  collectionIds?: ReadonlySet<string>;
}

/** The rule, one member at a time: what the database query (audienceWhere) must agree with. */
export function matchesAudience(audience: SurpriseAudience, member: AudienceMember, now: Date): boolean {
  if (member.status !== "active") return false;
  if (audience.tierIds.length > 0 && (member.tierId === null || !audience.tierIds.includes(member.tierId))) return false;
  const since = orderedSince(audience, now);
  if (since && (member.lastOrderAt === null || member.lastOrderAt.getTime() < since.getTime())) return false;
  if (audience.productTypes.length > 0) {
    const bought = member.productTypes ?? new Set<string>();
    if (!audience.productTypes.some((t) => bought.has(t.toLowerCase()))) return false;
  }
  if (audience.collectionIds.length > 0) {
    const bought = member.collectionIds ?? new Set<string>();
    if (!audience.collectionIds.some((c) => bought.has(c))) return false;
  }
  return true;
}

/** The member filter as a Prisma where (tiers and recent order; purchases are joined separately). */
export function audienceWhere(shopId: string, audience: SurpriseAudience, now: Date) {
  const since = orderedSince(audience, now);
  return {
    shopId,
    status: "active",
    ...(audience.tierIds.length > 0 ? { tierId: { in: audience.tierIds } } : {}),
    ...(since ? { lastOrderAt: { gte: since } } : {}),
  };
}
