// Every Admin GraphQL document Kanta sends, each with a unique operation name. A test
// validates all of them against Shopify's published Admin schema (API_VERSION), and the
// local emulator answers them by operation name.

import { STORE_CREDIT_DOCUMENTS } from "./store-credit-documents";
import { TIER_DISCOUNT_DOCUMENTS } from "./tier-discount-documents";
import { CATALOG_DOCUMENTS } from "./catalog-documents";
import { DOCTOR_DOCUMENTS } from "./doctor-documents";
import { BULK_OPERATION_DOCUMENTS } from "./bulk-documents";

export { BULK_OPERATION_BY_ID, BULK_OPERATION_RUN_QUERY, BULK_QUERIES, CURRENT_BULK_OPERATION } from "./bulk-documents";

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

/**
 * Members' balances in the app-owned customer metafield `$app:kanta.points` (number_integer,
 * defined in shopify.app.toml): up to 25 customers per call, Shopify's limit on
 * `metafieldsSet`. `elementIndex` says which input a userError is about.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet
 */
export const CUSTOMER_POINTS_METAFIELDS_SET = /* GraphQL */ `
  mutation KantaCustomerPointsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace value }
      userErrors { field message code elementIndex }
    }
  }
`;

/** What one customer of a batched tier sync needs: its tier tag on, other tier tags off. */
export interface TierBatchShape {
  /** Per customer: whether it has a tag to add and tags to remove. */
  customers: readonly { add: boolean; remove: boolean }[];
  /** Whether the request also sets tier metafields (one metafieldsSet for up to 25). */
  metafields: boolean;
}

/**
 * Many members' tier tags and metafields in ONE request: `tagsAdd`/`tagsRemove` take one
 * customer each, so each customer gets aliased fields (`a3`, `r3`, variables `$id3`,
 * `$add3`, `$remove3`), and one `metafieldsSet` carries every tier metafield. Each field
 * costs 10 points (app/shopify/throttle.ts); the batch size keeps a request under 1,000.
 * The operation name is the same for every shape (the emulator answers it by name).
 */
export function customerTierBatchDocument(shape: TierBatchShape): string {
  const vars: string[] = [];
  const fields: string[] = [];
  shape.customers.forEach((c, i) => {
    if (!c.add && !c.remove) return;
    vars.push(`$id${i}: ID!`);
    if (c.add) {
      vars.push(`$add${i}: [String!]!`);
      fields.push(`a${i}: tagsAdd(id: $id${i}, tags: $add${i}) { userErrors { field message } }`);
    }
    if (c.remove) {
      vars.push(`$remove${i}: [String!]!`);
      fields.push(`r${i}: tagsRemove(id: $id${i}, tags: $remove${i}) { userErrors { field message } }`);
    }
  });
  if (shape.metafields) {
    vars.push("$metafields: [MetafieldsSetInput!]!");
    fields.push("m: metafieldsSet(metafields: $metafields) { metafields { key namespace } userErrors { field message code elementIndex } }");
  }
  return `mutation KantaCustomerTierBatch(${vars.join(", ")}) {\n  ${fields.join("\n  ")}\n}\n`;
}

/**
 * Several Flow triggers in one request: aliased `flowTriggerReceive` fields (`f0`, `f1` …),
 * each with its own handle and payload. 10 points each.
 */
export function flowTriggerBatchDocument(count: number): string {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    vars.push(`$handle${i}: String!`, `$payload${i}: JSON!`);
    fields.push(`f${i}: flowTriggerReceive(handle: $handle${i}, payload: $payload${i}) { userErrors { field message } }`);
  }
  return `mutation KantaFlowTriggerBatch(${vars.join(", ")}) {\n  ${fields.join("\n  ")}\n}\n`;
}

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

/**
 * Loyalty emails sent only to subscribed customers: Shopify's email marketing state of a
 * few customers (SUBSCRIBED, NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING …). The customers/update
 * webhook does not carry it in 2026-07. docs/decisions/0022-loyalty-emails.md
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/CustomerEmailAddress
 */
export const CUSTOMER_EMAIL_MARKETING_STATES = /* GraphQL */ `
  query KantaCustomerEmailMarketingStates($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Customer {
        id
        defaultEmailAddress { emailAddress marketingState }
      }
    }
  }
`;

export const ALL_DOCUMENTS = {
  // The tier perks' automatic discounts (./tier-discount-documents.ts).
  ...TIER_DISCOUNT_DOCUMENTS,
  // Store credit rewards (./store-credit-documents.ts).
  ...STORE_CREDIT_DOCUMENTS,
  // The catalogue (products, collections) for earning rules and member selection (./catalog-documents.ts).
  ...CATALOG_DOCUMENTS,
  ...BULK_OPERATION_DOCUMENTS,
  CUSTOMER_EMAIL_MARKETING_STATES,
  CURRENT_APP_INSTALLATION,
  CUSTOMER_POINTS_METAFIELDS_SET,
  // The generated documents, in shapes that use every kind of field they can hold.
  CUSTOMER_TIER_BATCH_SAMPLE: customerTierBatchDocument({ customers: [{ add: true, remove: true }, { add: false, remove: true }, { add: true, remove: false }], metafields: true }),
  CUSTOMER_TIER_BATCH_TAGS_ONLY_SAMPLE: customerTierBatchDocument({ customers: [{ add: false, remove: true }], metafields: false }),
  FLOW_TRIGGER_BATCH_SAMPLE: flowTriggerBatchDocument(3),
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
  ...DOCTOR_DOCUMENTS,
} as const;
