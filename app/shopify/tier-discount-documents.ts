// Admin GraphQL documents of the tier perks' automatic discounts (docs/decisions/0029-checkout-discounts.md):
// a customer segment per tier (its members by Kanta's tier tag) and an automatic free
// shipping discount whose context is that segment. Part of ALL_DOCUMENTS (./documents.ts):
// validated against the 2026-07 Admin schema and answered by the local emulator.
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/segmentCreate
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountAutomaticFreeShippingCreate

const SEGMENT_RESULT = /* GraphQL */ `
  segment {
    id
    name
    query
  }
  userErrors {
    field
    message
  }
`;

export const TIER_SEGMENT_CREATE = /* GraphQL */ `
  mutation KantaTierSegmentCreate($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) {
      ${SEGMENT_RESULT}
    }
  }
`;

export const TIER_SEGMENT_UPDATE = /* GraphQL */ `
  mutation KantaTierSegmentUpdate($id: ID!, $name: String!, $query: String!) {
    segmentUpdate(id: $id, name: $name, query: $query) {
      ${SEGMENT_RESULT}
    }
  }
`;

const AUTOMATIC_DISCOUNT_RESULT = /* GraphQL */ `
  automaticDiscountNode {
    id
    automaticDiscount {
      __typename
      ... on DiscountAutomaticFreeShipping {
        title
        status
      }
    }
  }
  userErrors {
    field
    message
    code
  }
`;

export const TIER_FREE_SHIPPING_CREATE = /* GraphQL */ `
  mutation KantaTierFreeShippingCreate($discount: DiscountAutomaticFreeShippingInput!) {
    discountAutomaticFreeShippingCreate(freeShippingAutomaticDiscount: $discount) {
      ${AUTOMATIC_DISCOUNT_RESULT}
    }
  }
`;

export const TIER_FREE_SHIPPING_UPDATE = /* GraphQL */ `
  mutation KantaTierFreeShippingUpdate($id: ID!, $discount: DiscountAutomaticFreeShippingInput!) {
    discountAutomaticFreeShippingUpdate(id: $id, freeShippingAutomaticDiscount: $discount) {
      ${AUTOMATIC_DISCOUNT_RESULT}
    }
  }
`;

/** Turns an automatic discount on again (it had been deactivated). */
export const AUTOMATIC_DISCOUNT_ACTIVATE = /* GraphQL */ `
  mutation KantaAutomaticDiscountActivate($id: ID!) {
    discountAutomaticActivate(id: $id) {
      ${AUTOMATIC_DISCOUNT_RESULT}
    }
  }
`;

/** Ends an automatic discount now; Shopify keeps it, expired, for the merchant to see. */
export const AUTOMATIC_DISCOUNT_DEACTIVATE = /* GraphQL */ `
  mutation KantaAutomaticDiscountDeactivate($id: ID!) {
    discountAutomaticDeactivate(id: $id) {
      ${AUTOMATIC_DISCOUNT_RESULT}
    }
  }
`;

export const TIER_DISCOUNT_DOCUMENTS = {
  TIER_SEGMENT_CREATE,
  TIER_SEGMENT_UPDATE,
  TIER_FREE_SHIPPING_CREATE,
  TIER_FREE_SHIPPING_UPDATE,
  AUTOMATIC_DISCOUNT_ACTIVATE,
  AUTOMATIC_DISCOUNT_DEACTIVATE,
} as const;
