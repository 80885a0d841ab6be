// Every Admin GraphQL document Kanta sends, each with a unique operation name. A test
// validates all of them against Shopify's published Admin schema (API_VERSION), and the
// local emulator answers them by operation name.

export const SHOP_DETAILS = /* GraphQL */ `
  query KantaShopDetails {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
  }
`;

const DISCOUNT_RESULT = /* GraphQL */ `
  codeDiscountNode {
    id
    codeDiscount {
      __typename
      ... on DiscountCodeBasic {
        codes(first: 1) { nodes { code } }
      }
      ... on DiscountCodeFreeShipping {
        codes(first: 1) { nodes { code } }
      }
    }
  }
  userErrors {
    field
    message
    code
  }
`;

/** Amount off, percentage off and free product rewards. */
export const DISCOUNT_CODE_BASIC_CREATE = /* GraphQL */ `
  mutation KantaDiscountCodeBasicCreate($discount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $discount) {
      ${DISCOUNT_RESULT}
    }
  }
`;

export const DISCOUNT_CODE_FREE_SHIPPING_CREATE = /* GraphQL */ `
  mutation KantaDiscountCodeFreeShippingCreate($discount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $discount) {
      ${DISCOUNT_RESULT}
    }
  }
`;

/** Did a code get created? (Recovering a redemption whose process died mid-way.) */
export const DISCOUNT_BY_CODE = /* GraphQL */ `
  query KantaDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
    }
  }
`;

export const ALL_DOCUMENTS = {
  SHOP_DETAILS,
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  DISCOUNT_BY_CODE,
} as const;
