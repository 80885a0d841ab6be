// The validation's configuration (the $app:kanta access-validation metafield), written by
// Kanta from the Members-only page's rules (app/loyalty/tiers/access.ts,
// buildAccessValidationConfig). Anything unreadable reads as no rules: a broken
// configuration must never block every checkout of the shop.

export interface ValidationStage {
  /** Customer tags that qualify (tier tags at or above); empty for "all members". */
  tags: string[];
  /** True for the all-members stage: any signed-in customer without an excluded tag. */
  members: boolean;
  /** Shop-local date it opens ("2026-05-12"), or null: open now. */
  day: string | null;
}

export interface ValidationRule {
  products: string[];
  collections: string[];
  stages: ValidationStage[];
  openDay: string | null;
}

export interface ValidationConfig {
  version: 1;
  tags: string[];
  excludedTags: string[];
  collectionIds: string[];
  rules: ValidationRule[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const day = (v: unknown): string | null => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);

export function parseConfig(value: unknown): ValidationConfig {
  const empty: ValidationConfig = { version: 1, tags: [], excludedTags: [], collectionIds: [], rules: [] };
  if (!value || typeof value !== "object") return empty;
  const v = value as Record<string, unknown>;
  if (v.version !== 1 || !Array.isArray(v.rules)) return empty;
  return {
    version: 1,
    tags: strings(v.tags),
    excludedTags: strings(v.excludedTags),
    collectionIds: strings(v.collectionIds),
    rules: v.rules.flatMap((r): ValidationRule[] => {
      if (!r || typeof r !== "object") return [];
      const o = r as Record<string, unknown>;
      const stages = Array.isArray(o.stages)
        ? o.stages.flatMap((s): ValidationStage[] => (s && typeof s === "object" ? [{ tags: strings((s as Record<string, unknown>).tags), members: (s as Record<string, unknown>).members === true, day: day((s as Record<string, unknown>).day) }] : []))
        : [];
      return [{ products: strings(o.products), collections: strings(o.collections), stages, openDay: day(o.openDay) }];
    }),
  };
}
