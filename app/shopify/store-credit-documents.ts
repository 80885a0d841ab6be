// The Admin GraphQL documents of store credit rewards (./store-credit.server.ts), checked
// against the 2026-07 schema with every other document (./documents.ts ALL_DOCUMENTS).

/**
 * A store_credit reward: adds the credit to the customer's account in the shop currency
 * (Shopify creates the account on the first credit). No idempotency key exists for this
 * mutation, so Kanta's ledger reserves first and the sweep asks STORE_CREDIT_CREDITS after
 * a crash. docs/decisions/0028-store-credit.md
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/storeCreditAccountCredit
 */
export const STORE_CREDIT_ACCOUNT_CREDIT = /* GraphQL */ `
  mutation KantaStoreCreditAccountCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction {
        id
        amount { amount currencyCode }
        createdAt
        expiresAt
        account { id balance { amount currencyCode } }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/**
 * The credits on a customer's store credit account in one currency, newest first (a
 * stalled store_credit redemption: did Shopify make Kanta's credit before the process died?).
 */
export const STORE_CREDIT_CREDITS = /* GraphQL */ `
  query KantaStoreCreditCredits($customerId: ID!, $accountQuery: String!, $after: String) {
    customer(id: $customerId) {
      id
      storeCreditAccounts(first: 1, query: $accountQuery) {
        nodes {
          id
          balance { amount currencyCode }
          transactions(first: 50, after: $after, query: "type:credit", sortKey: CREATED_AT, reverse: true) {
            nodes {
              __typename
              ... on StoreCreditAccountCreditTransaction {
                id
                amount { amount currencyCode }
                createdAt
                expiresAt
                event
                origin { __typename }
              }
            }
            pageInfo { hasNextPage endCursor }
          }
        }
      }
    }
  }
`;

export const STORE_CREDIT_DOCUMENTS = { STORE_CREDIT_ACCOUNT_CREDIT, STORE_CREDIT_CREDITS };
