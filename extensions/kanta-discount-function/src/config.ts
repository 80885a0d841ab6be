// The discount's configuration ($app:kanta function-configuration metafield, JSON), written
// by Kanta when it creates the function-backed discount. Unknown or broken configuration
// gives no discount: a function must never fail a checkout.

export interface KantaFunctionConfig {
  version: 1;
  /** Tier names whose members get free shipping (matched to the $app:kanta.tier customer metafield). */
  freeShippingTiers: string[];
  /** The same tiers' customer tags (kanta-tier-<slug>): the input query's $freeShippingTags. */
  freeShippingTags: string[];
}

const EMPTY: KantaFunctionConfig = { version: 1, freeShippingTiers: [], freeShippingTags: [] };

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.length > 0) : [];
}

export function parseConfig(jsonValue: unknown): KantaFunctionConfig {
  if (!jsonValue || typeof jsonValue !== "object" || Array.isArray(jsonValue)) return EMPTY;
  const v = jsonValue as Record<string, unknown>;
  if (v.version !== 1) return EMPTY;
  return { version: 1, freeShippingTiers: strings(v.freeShippingTiers), freeShippingTags: strings(v.freeShippingTags) };
}
