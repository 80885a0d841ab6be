import type { CartValidationsGenerateRunResult, ValidationInput } from "./api";
import { parseConfig, type ValidationRule } from "./config";

/**
 * One error per cart line the buyer may not buy yet: a product a rule covers (by id or
 * collection) that no stage opens to this buyer on the shop's date, and that is not yet
 * open to everyone. Stages: "all members" (a signed-in customer without an excluded tag),
 * or customer tags (tier tags at or above). Dates compare as shop-local ISO days.
 */
export function cartValidationsGenerateRun(input: ValidationInput): CartValidationsGenerateRunResult {
  const config = parseConfig(input.validation.metafield?.jsonValue);
  if (config.rules.length === 0) return { operations: [] };
  const today = input.shop.localTime.date;
  const customer = input.cart.buyerIdentity?.customer ?? null;
  const tags = new Set((customer?.hasTags ?? []).filter((t) => t.hasTag).map((t) => t.tag));
  const excluded = config.excludedTags.some((t) => tags.has(t));
  const isMember = customer !== null && !excluded;

  const opensFor = (rule: ValidationRule): boolean => {
    if (rule.openDay !== null && today >= rule.openDay) return true;
    return rule.stages.some((s) => {
      const inAudience = s.members ? isMember : s.tags.some((t) => tags.has(t));
      return inAudience && (s.day === null || today >= s.day);
    });
  };

  const errors: { message: string; target: string }[] = [];
  for (const line of input.cart.lines) {
    const product = line.merchandise.product;
    if (!product) continue;
    const inCollections = new Set(product.inCollections.filter((c) => c.isMember).map((c) => c.collectionId));
    const covering = config.rules.filter((r) => r.products.includes(product.id) || r.collections.some((c) => inCollections.has(c)));
    if (covering.length === 0 || covering.every(opensFor)) continue;
    const openDays = covering.map((r) => r.openDay);
    const message = openDays.some((d) => d === null)
      ? `${product.title} is for members only.`
      : `${product.title} is in early access: open to everyone from ${openDays.sort().at(-1)}.`;
    errors.push({ message, target: "$.cart" });
  }
  return errors.length ? { operations: [{ validationAdd: { errors } }] } : { operations: [] };
}
