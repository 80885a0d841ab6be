// Admin API bulk operations and the bulk queries Kanta runs (./bulk.server.ts, 0020).
// Validated against the Admin schema with the other documents (./documents.ts ALL_DOCUMENTS,
// BULK_QUERIES by its own test).

/**
 * Admin API bulk operations (app/shopify/bulk.server.ts): start a bulk query, follow it by
 * id. The bulk queries themselves (the `query` argument) are in BULK_QUERIES below, validated
 * against the same schema. Shopify allows one bulk query per shop and app at a time.
 * https://shopify.dev/docs/api/usage/bulk-operations/queries
 */
const BULK_OPERATION_FIELDS = /* GraphQL */ `
  id
  status
  errorCode
  createdAt
  completedAt
  objectCount
  rootObjectCount
  fileSize
  url
  partialDataUrl
  query
`;

export const BULK_OPERATION_RUN_QUERY = /* GraphQL */ `
  mutation KantaBulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
    bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
      bulkOperation {
        ${BULK_OPERATION_FIELDS}
      }
      userErrors { field message code }
    }
  }
`;

export const BULK_OPERATION_BY_ID = /* GraphQL */ `
  query KantaBulkOperation($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        ${BULK_OPERATION_FIELDS}
      }
    }
  }
`;

/** The app's running (or last) bulk query: the one in the way when Shopify answers OPERATION_IN_PROGRESS. */
export const CURRENT_BULK_OPERATION = /* GraphQL */ `
  query KantaCurrentBulkOperation {
    currentBulkOperation(type: QUERY) {
      ${BULK_OPERATION_FIELDS}
    }
  }
`;

export const BULK_OPERATION_DOCUMENTS = { BULK_OPERATION_RUN_QUERY, BULK_OPERATION_BY_ID, CURRENT_BULK_OPERATION };

/**
 * Bulk queries (the `query` of bulkOperationRunQuery): each must be a valid query against
 * the Admin schema with a connection at its root (tests/unit/emulator.test.ts validates
 * them with their placeholders filled). `$SINCE` is replaced with an ISO date.
 */
export const BULK_QUERIES = {
  /** Every customer of the shop: enrolment of existing customers, import lookups. */
  CUSTOMERS: /* GraphQL */ `
    {
      customers {
        edges {
          node {
            id
            firstName
            lastName
            defaultEmailAddress { emailAddress }
            tags
            locale
            createdAt
            numberOfOrders
            amountSpent { amount currencyCode }
            updatedAt
          }
        }
      }
    }
  `,
  /**
   * Orders created since $SINCE with a customer, with their line items (a nested
   * connection: separate JSONL lines carrying `__parentId`).
   */
  ORDERS_SINCE: /* GraphQL */ `
    {
      orders(query: "created_at:>=$SINCE") {
        edges {
          node {
            id
            name
            createdAt
            processedAt
            updatedAt
            cancelledAt
            test
            displayFinancialStatus
            taxesIncluded
            customer { id }
            currentSubtotalPriceSet { shopMoney { amount currencyCode } }
            currentTotalTaxSet { shopMoney { amount currencyCode } }
            totalPriceSet { shopMoney { amount currencyCode } }
            lineItems {
              edges {
                node {
                  id
                  quantity
                  currentQuantity
                  isGiftCard
                  originalUnitPriceSet { shopMoney { amount currencyCode } }
                  discountAllocations { allocatedAmountSet { shopMoney { amount currencyCode } } }
                  taxLines { priceSet { shopMoney { amount currencyCode } } }
                }
              }
            }
          }
        }
      }
    }
  `,
} as const;
