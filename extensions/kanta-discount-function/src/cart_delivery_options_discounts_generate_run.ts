import type { CartDeliveryOptionsDiscountsGenerateRunResult, DeliveryInput } from "./api";
import { parseConfig } from "./config";

const NO_DISCOUNT: CartDeliveryOptionsDiscountsGenerateRunResult = { operations: [] };

/**
 * Free shipping on every delivery group for a signed-in customer whose Kanta tier has the
 * perk: by the tier tag (hasAnyTag over the configured tags) or the $app:kanta.tier
 * metafield. Guests, other tiers, a discount without the SHIPPING class and a broken
 * configuration get nothing.
 */
export function cartDeliveryOptionsDiscountsGenerateRun(input: DeliveryInput): CartDeliveryOptionsDiscountsGenerateRunResult {
  if (!input.discount.discountClasses.includes("SHIPPING")) return NO_DISCOUNT;
  const groups = input.cart.deliveryGroups;
  if (groups.length === 0) return NO_DISCOUNT;
  const customer = input.cart.buyerIdentity?.customer;
  if (!customer) return NO_DISCOUNT;
  const config = parseConfig(input.discount.metafield?.jsonValue);
  const tier = customer.tier?.value ?? null;
  const byMetafield = tier !== null && config.freeShippingTiers.includes(tier);
  const byTag = customer.hasFreeShippingTier && config.freeShippingTags.length > 0;
  if (!byMetafield && !byTag) return NO_DISCOUNT;
  return {
    operations: [
      {
        deliveryDiscountsAdd: {
          candidates: [
            {
              message: tier && byMetafield ? `Free shipping: ${tier} member` : "Free shipping: member perk",
              targets: groups.map((g) => ({ deliveryGroup: { id: g.id } })),
              value: { percentage: { value: 100 } },
            },
          ],
          selectionStrategy: "ALL",
        },
      },
    ],
  };
}
