// The input and output shapes of the two targets, as `shopify app function typegen` would
// generate them from schema.graphql (functions_discount_2026-07) and the .graphql input
// queries. Written by hand because the typegen runs through the Shopify CLI; a test
// (tests/unit/discount-function.test.ts) validates the queries and the outputs against the
// 2026-07 Function schema.

export type DiscountClass = "ORDER" | "PRODUCT" | "SHIPPING";

export interface ConfigMetafield {
  jsonValue: unknown;
}

export interface DeliveryInput {
  cart: {
    deliveryGroups: { id: string }[];
    buyerIdentity?: {
      customer?: { id: string; hasFreeShippingTier: boolean; tier?: { value: string } | null } | null;
    } | null;
  };
  discount: { discountClasses: DiscountClass[]; metafield?: ConfigMetafield | null };
}

export interface CartInput {
  cart: {
    lines: { id: string }[];
    buyerIdentity?: { customer?: { id: string } | null } | null;
  };
  discount: { discountClasses: DiscountClass[]; metafield?: ConfigMetafield | null };
}

export interface DeliveryDiscountCandidate {
  message?: string;
  targets: { deliveryGroup: { id: string } }[];
  value: { percentage: { value: number } };
}

export interface CartDeliveryOptionsDiscountsGenerateRunResult {
  operations: { deliveryDiscountsAdd: { candidates: DeliveryDiscountCandidate[]; selectionStrategy: "ALL" } }[];
}

export interface CartLinesDiscountsGenerateRunResult {
  operations: never[];
}
