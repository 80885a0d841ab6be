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

/**
 * A reward code made after its redemption was settled (the stalled-redemption sweep gave the
 * points back first) stops working; Shopify keeps it, expired, for the merchant to see.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountCodeDeactivate
 */
export const DISCOUNT_CODE_DEACTIVATE = /* GraphQL */ `
  mutation KantaDiscountCodeDeactivate($id: ID!) {
    discountCodeDeactivate(id: $id) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** Products with their variants (local mode's resource picker; Shopify's own picker browses the same). */
export const PRODUCTS_WITH_VARIANTS = /* GraphQL */ `
  query KantaProductsWithVariants($first: Int!, $query: String) {
    products(first: $first, query: $query, sortKey: TITLE) {
      nodes {
        id
        title
        variants(first: 50) {
          nodes {
            id
            title
            price
          }
        }
      }
    }
  }
`;

/**
 * Referral fraud rules: the referrer's email, phone and addresses (Kanta keeps no
 * addresses) and the friend's order count, for at most a few customers per referral.
 */
export const REFERRAL_CUSTOMER_CONTACTS = /* GraphQL */ `
  query KantaReferralCustomerContacts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Customer {
        id
        numberOfOrders
        defaultEmailAddress { emailAddress }
        defaultPhoneNumber { phoneNumber }
        addressesV2(first: 10) {
          nodes { address1 address2 city zip countryCodeV2 phone }
        }
      }
    }
  }
`;

/**
 * A referred friend's welcome code belongs to one Shopify customer: found by email (and
 * whether they have ordered), or created. docs/decisions/0013-abuse-limits.md
 */
export const CUSTOMER_BY_EMAIL = /* GraphQL */ `
  query KantaCustomerByEmail($email: String!) {
    customerByIdentifier(identifier: { emailAddress: $email }) {
      id
      numberOfOrders
    }
  }
`;

export const CUSTOMER_CREATE = /* GraphQL */ `
  mutation KantaCustomerCreate($input: CustomerInput!) {
    customerCreate(input: $input) {
      customer {
        id
        numberOfOrders
      }
      userErrors { field message }
    }
  }
`;

/**
 * A member's tier in Shopify: the tier's customer tag on, the other tiers' tags off, and
 * the tier's name in the app's customer metafield ($app:kanta.tier). Three mutations run
 * in order in one request; each is idempotent, so a retry repeats the whole set.
 */
export const CUSTOMER_TIER_SYNC = /* GraphQL */ `
  mutation KantaCustomerTierSync(
    $id: ID!
    $add: [String!]!
    $remove: [String!]!
    $hasRemove: Boolean!
    $metafields: [MetafieldsSetInput!]!
  ) {
    tagsAdd(id: $id, tags: $add) {
      userErrors { field message }
    }
    tagsRemove(id: $id, tags: $remove) @include(if: $hasRemove) {
      userErrors { field message }
    }
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace value }
      userErrors { field message code }
    }
  }
`;

/**
 * Customer metafields in the app's namespace, up to 25 customers per request (Shopify's
 * limit): the members' birthdays ($app:kanta.birthday, app/jobs/birthday-sync.server.ts).
 * Atomic: a userError on one input saves none of them.
 */
export const CUSTOMER_METAFIELDS_SET = /* GraphQL */ `
  mutation KantaCustomerMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace value }
      userErrors { field message code elementIndex }
    }
  }
`;

/** Tier tags off a customer who has no tier any more. */
export const CUSTOMER_TAGS_REMOVE = /* GraphQL */ `
  mutation KantaCustomerTagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
      userErrors { field message }
    }
  }
`;

/** Starts the merchant's workflows that begin with one of Kanta's Flow triggers. */
export const FLOW_TRIGGER_RECEIVE = /* GraphQL */ `
  mutation KantaFlowTriggerReceive($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors { field message }
    }
  }
`;

/** The app's installation on the shop: the owner of app-data metafields. */
export const CURRENT_APP_INSTALLATION = /* GraphQL */ `
  query KantaCurrentAppInstallation {
    currentAppInstallation {
      id
    }
  }
`;

/**
 * App-data metafields on the AppInstallation (the storefront app embed reads them through
 * Liquid's `app.metafields`): the program's status and widget defaults.
 * https://shopify.dev/docs/apps/build/custom-data/ownership#app-data-metafields
 */
export const APP_DATA_METAFIELDS_SET = /* GraphQL */ `
  mutation KantaAppDataMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace value }
      userErrors { field message code }
    }
  }
`;

/** npm run doctor: the scopes the shop granted, and the app's handle (its theme blocks' `shopify://apps/<handle>/…`). */
export const DOCTOR_APP_INSTALLATION = /* GraphQL */ `
  query KantaDoctorAppInstallation {
    currentAppInstallation {
      accessScopes { handle }
      app { handle }
    }
  }
`;

/** npm run doctor: webhook subscriptions the Admin API lists (shop-specific ones; app-specific ones come from shopify.app.toml). */
export const DOCTOR_WEBHOOK_SUBSCRIPTIONS = /* GraphQL */ `
  query KantaDoctorWebhookSubscriptions {
    webhookSubscriptions(first: 100) {
      nodes {
        topic
        uri
        apiVersion { handle }
      }
    }
  }
`;

/** npm run doctor: the definition of a metafield Kanta writes. */
export const DOCTOR_METAFIELD_DEFINITIONS = /* GraphQL */ `
  query KantaDoctorMetafieldDefinitions($ownerType: MetafieldOwnerType!, $namespace: String!, $key: String!) {
    metafieldDefinitions(first: 1, ownerType: $ownerType, namespace: $namespace, key: $key) {
      nodes { namespace key type { name } }
    }
  }
`;

/** npm run doctor: the main theme's settings_data.json, where app embeds are switched on (needs read_themes). */
export const DOCTOR_MAIN_THEME_SETTINGS = /* GraphQL */ `
  query KantaDoctorMainThemeSettings {
    themes(first: 1, roles: [MAIN]) {
      nodes {
        id
        name
        files(filenames: ["config/settings_data.json"], first: 1) {
          nodes {
            filename
            body {
              ... on OnlineStoreThemeFileBodyText { content }
            }
          }
        }
      }
    }
  }
`;

export const ALL_DOCUMENTS = {
  CURRENT_APP_INSTALLATION,
  APP_DATA_METAFIELDS_SET,
  CUSTOMER_TIER_SYNC,
  CUSTOMER_TAGS_REMOVE,
  CUSTOMER_METAFIELDS_SET,
  FLOW_TRIGGER_RECEIVE,
  SHOP_DETAILS,
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  DISCOUNT_BY_CODE,
  DISCOUNT_CODE_DEACTIVATE,
  REFERRAL_CUSTOMER_CONTACTS,
  PRODUCTS_WITH_VARIANTS,
  CUSTOMER_BY_EMAIL,
  CUSTOMER_CREATE,
  DOCTOR_APP_INSTALLATION,
  DOCTOR_WEBHOOK_SUBSCRIPTIONS,
  DOCTOR_METAFIELD_DEFINITIONS,
  DOCTOR_MAIN_THEME_SETTINGS,
} as const;
