import type { StoreCreditSpec } from "../loyalty/rewards/rewards";
import type { ShopifyStoreCredit } from "../loyalty/rewards/store-credit";
import { STORE_CREDIT_ACCOUNT_CREDIT, STORE_CREDIT_CREDITS } from "./store-credit-documents";
import { requireNoUserErrors, runAdminQuery, ShopifyApiError, type AdminGraphql } from "./graphql";

// Shopify's native store credit (Admin API 2026-07): a store_credit reward adds credit to
// the member's account in the shop currency; a stalled redemption reads the account's
// credits back. Scopes: write_store_credit_account_transactions (the mutation),
// read_store_credit_account_transactions and read_store_credit_accounts (the read).
// docs/decisions/0028-store-credit.md

interface Money {
  amount: string;
  currencyCode: string;
}

interface CreditPayload {
  storeCreditAccountTransaction: { id: string; amount: Money; createdAt: string; expiresAt: string | null; account: { id: string; balance: Money } } | null;
  userErrors: { field?: string[] | null; message: string; code?: string | null }[];
}

export interface CreatedStoreCredit {
  transactionGid: string;
  accountGid: string;
  balance: Money;
}

/** The mutation's input: the customer as owner (Shopify creates the account for the currency on the first credit). */
export function storeCreditInput(spec: StoreCreditSpec) {
  return {
    id: spec.customerGid,
    creditInput: {
      creditAmount: { amount: spec.amount, currencyCode: spec.currencyCode },
      expiresAt: spec.expiresAt ? spec.expiresAt.toISOString() : null,
      notify: spec.notify,
    },
  };
}

/** Adds the credit; a userError (currency mismatch, limit, customer gone) throws ShopifyUserError: an answer, nothing was credited. */
export async function creditStoreCredit(graphql: AdminGraphql, spec: StoreCreditSpec): Promise<CreatedStoreCredit> {
  const data = await runAdminQuery<{ storeCreditAccountCredit: CreditPayload | null }>(graphql, STORE_CREDIT_ACCOUNT_CREDIT, storeCreditInput(spec));
  const payload = data.storeCreditAccountCredit;
  if (!payload) throw new ShopifyApiError("storeCreditAccountCredit returned nothing");
  requireNoUserErrors("storeCreditAccountCredit", payload.userErrors);
  const created = payload.storeCreditAccountTransaction;
  if (!created) throw new ShopifyApiError("storeCreditAccountCredit created no transaction");
  return { transactionGid: created.id, accountGid: created.account.id, balance: created.account.balance };
}

interface CreditsPage {
  customer: {
    id: string;
    storeCreditAccounts: {
      nodes: {
        id: string;
        transactions: {
          nodes: ({ __typename: string } & Partial<{ id: string; amount: Money; createdAt: string; expiresAt: string | null; event: string; origin: { __typename: string } | null }>)[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }[];
    };
  } | null;
}

/** At most this many pages of 50 credits are read back (a customer credited 500 times since the redemption is not a loyalty member). */
const MAX_PAGES = 10;

/**
 * The customer's store credits in one currency created at or after `since`, newest first.
 * null: the customer no longer exists in Shopify. No account in that currency: [].
 */
export async function listStoreCredits(graphql: AdminGraphql, customerGid: string, currencyCode: string, since: Date): Promise<ShopifyStoreCredit[] | null> {
  const out: ShopifyStoreCredit[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data: CreditsPage = await runAdminQuery<CreditsPage>(graphql, STORE_CREDIT_CREDITS, { customerId: customerGid, accountQuery: `currency_code:${currencyCode}`, after });
    if (!data.customer) return null;
    const account = data.customer.storeCreditAccounts.nodes[0];
    if (!account) return out;
    let older = false;
    for (const t of account.transactions.nodes) {
      if (!t.id || !t.amount || !t.createdAt) continue;
      if (Date.parse(t.createdAt) < since.getTime()) {
        older = true;
        break;
      }
      out.push({ id: t.id, amount: t.amount.amount, currencyCode: t.amount.currencyCode, createdAt: t.createdAt, expiresAt: t.expiresAt ?? null, fromOrder: t.origin != null });
    }
    if (older || !account.transactions.pageInfo.hasNextPage) return out;
    after = account.transactions.pageInfo.endCursor;
  }
  throw new ShopifyApiError(`more than ${MAX_PAGES * 50} store credits since ${since.toISOString()}: cannot tell which is Kanta's`);
}
