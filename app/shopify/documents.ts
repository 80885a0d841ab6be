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

export const ALL_DOCUMENTS = { SHOP_DETAILS } as const;
