import { currencyScale, formatMinorPlain, parseMoneyToMinor } from "../loyalty/ledger/money";

// Shopify store credit for the Admin API emulator (./emulator.server.ts): accounts per
// customer and currency, balances, paged transactions, and storeCreditAccountCredit with
// the userErrors Shopify documents (docs/decisions/0028-store-credit.md).

/** One store credit transaction (credits only are made by apps; debits are checkout's). */
export interface EmulatedStoreCreditTransaction {
  id: string;
  type: "credit" | "debit";
  amountMinor: number;
  balanceAfterMinor: number;
  createdAt: Date;
  expiresAt: Date | null;
  /** Whether Shopify was asked to email the owner (the mutation's `notify`). */
  notify: boolean;
}

/** A store credit account: one per owner and currency, as Shopify keeps them. */
export interface EmulatedStoreCreditAccount {
  id: string;
  ownerId: string;
  currencyCode: string;
  balanceMinor: number;
  transactions: EmulatedStoreCreditTransaction[];
}

export class EmulatedStoreCredit {
  private byShop = new Map<string, EmulatedStoreCreditAccount[]>();
  private limitByShop = new Map<string, number>();
  private currenciesByShop = new Map<string, string[]>();

  constructor(private readonly deps: { nextId: () => number; customerExists: (id: string) => boolean }) {}

  /** A customer's store credit accounts (one per currency), as Shopify holds them. */
  accounts(shopDomain: string, ownerId?: string): EmulatedStoreCreditAccount[] {
    return (this.byShop.get(shopDomain) ?? []).filter((a) => ownerId === undefined || a.ownerId === ownerId).map((a) => ({ ...a, transactions: [...a.transactions] }));
  }

  /**
   * The most an account may hold, in the shop currency's minor units (CREDIT_LIMIT_EXCEEDED
   * beyond it). Shopify does not publish its limit; unset, none is enforced.
   */
  setLimit(shopDomain: string, maxBalanceMinor: number | null) {
    if (maxBalanceMinor === null) this.limitByShop.delete(shopDomain);
    else this.limitByShop.set(shopDomain, maxBalanceMinor);
  }

  /** The currencies store credit can be issued in (default: the shop currency); others answer UNSUPPORTED_CURRENCY. */
  setCurrencies(shopDomain: string, currencies: readonly string[]) {
    this.currenciesByShop.set(shopDomain, [...currencies]);
  }

  /**
   * storeCreditAccountCredit as Shopify documents it: `id` is a store credit account, or a
   * customer (the account for the currency is created on the first credit); the amount
   * must be positive, in a supported currency and, for an account id, the account's
   * currency; an expiry must be in the future; the balance may not pass the credit limit.
   */
  credit(shop: { myshopifyDomain: string; currencyCode: string }, args: Record<string, unknown>) {
    const id = String(args.id);
    const input = args.creditInput as { creditAmount: { amount: string; currencyCode: string }; expiresAt?: string | null; notify?: boolean };
    const fail = (code: string, message: string, field: string[]) => ({ storeCreditAccountTransaction: null, userErrors: [{ field, message, code }] });
    const accounts = this.byShop.get(shop.myshopifyDomain) ?? [];
    const currency = input.creditAmount.currencyCode;
    let account: EmulatedStoreCreditAccount | undefined;
    if (id.startsWith("gid://shopify/StoreCreditAccount/")) {
      account = accounts.find((a) => a.id === id);
      if (!account) return fail("ACCOUNT_NOT_FOUND", "Store credit account does not exist", ["id"]);
      if (account.currencyCode !== currency) return fail("MISMATCHING_CURRENCY", "The currency provided does not match the currency of the store credit account", ["creditInput", "creditAmount", "currencyCode"]);
    } else if (!this.deps.customerExists(id)) {
      return fail("OWNER_NOT_FOUND", "Owner does not exist", ["id"]);
    }
    const supported = this.currenciesByShop.get(shop.myshopifyDomain) ?? [shop.currencyCode];
    if (!supported.includes(currency)) return fail("UNSUPPORTED_CURRENCY", "The currency provided is not currently supported", ["creditInput", "creditAmount", "currencyCode"]);
    let amountMinor: number;
    try {
      amountMinor = parseMoneyToMinor(String(input.creditAmount.amount), currency);
    } catch {
      return fail("NEGATIVE_OR_ZERO_AMOUNT", "A positive amount must be used to credit a store credit account", ["creditInput", "creditAmount", "amount"]);
    }
    if (amountMinor <= 0) return fail("NEGATIVE_OR_ZERO_AMOUNT", "A positive amount must be used to credit a store credit account", ["creditInput", "creditAmount", "amount"]);
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) return fail("EXPIRES_AT_IN_PAST", "The expiry date must be in the future", ["creditInput", "expiresAt"]);
    account ??= accounts.find((a) => a.ownerId === id && a.currencyCode === currency);
    const limit = this.limitByShop.get(shop.myshopifyDomain);
    if (limit !== undefined && (account?.balanceMinor ?? 0) + amountMinor > limit) {
      return fail("CREDIT_LIMIT_EXCEEDED", "The operation would cause the account's credit limit to be exceeded", ["creditInput", "creditAmount", "amount"]);
    }
    if (!account) {
      account = { id: `gid://shopify/StoreCreditAccount/${this.deps.nextId()}`, ownerId: id, currencyCode: currency, balanceMinor: 0, transactions: [] };
      accounts.push(account);
      this.byShop.set(shop.myshopifyDomain, accounts);
    }
    account.balanceMinor += amountMinor;
    const transaction: EmulatedStoreCreditTransaction = {
      id: `gid://shopify/StoreCreditAccountCreditTransaction/${this.deps.nextId()}`,
      type: "credit",
      amountMinor,
      balanceAfterMinor: account.balanceMinor,
      createdAt: new Date(),
      expiresAt,
      notify: input.notify ?? false,
    };
    account.transactions.push(transaction);
    return { storeCreditAccountTransaction: this.transactionNode(account, transaction), userErrors: [] };
  }

  private money(minor: number, currencyCode: string) {
    // Shopify's Decimal: no trailing zeros beyond one decimal ("5.0", "12.5").
    const plain = formatMinorPlain(minor, currencyCode);
    return { amount: currencyScale(currencyCode) === 0 ? `${plain}.0` : plain.replace(/(\.\d)0$/, "$1"), currencyCode };
  }

  private node(account: EmulatedStoreCreditAccount): Record<string, unknown> {
    return {
      __typename: "StoreCreditAccount",
      id: account.id,
      balance: this.money(account.balanceMinor, account.currencyCode),
      owner: { __typename: "Customer", id: account.ownerId },
      transactions: (a: { first?: number; after?: string; query?: string; reverse?: boolean }) => {
        const types = parseStoreCreditTypeQuery(a.query);
        let list = account.transactions.filter((t) => types === null || types.includes(t.type));
        if (a.reverse) list = [...list].reverse();
        const start = a.after ? Number(Buffer.from(a.after, "base64").toString()) + 1 : 0;
        const page = list.slice(start, start + (a.first ?? 50));
        const nodes = page.map((t) => this.transactionNode(account, t));
        return {
          edges: nodes.map((node, i) => ({ node, cursor: Buffer.from(String(start + i)).toString("base64") })),
          nodes,
          pageInfo: {
            hasNextPage: start + page.length < list.length,
            hasPreviousPage: start > 0,
            startCursor: page.length ? Buffer.from(String(start)).toString("base64") : null,
            endCursor: page.length ? Buffer.from(String(start + page.length - 1)).toString("base64") : null,
          },
        };
      },
    };
  }

  private transactionNode(account: EmulatedStoreCreditAccount, t: EmulatedStoreCreditTransaction): Record<string, unknown> {
    return {
      __typename: t.type === "credit" ? "StoreCreditAccountCreditTransaction" : "StoreCreditAccountDebitTransaction",
      id: t.id,
      account: () => this.node(account),
      amount: this.money(t.type === "credit" ? t.amountMinor : -t.amountMinor, account.currencyCode),
      balanceAfterTransaction: this.money(t.balanceAfterMinor, account.currencyCode),
      remainingAmount: this.money(t.amountMinor, account.currencyCode),
      createdAt: t.createdAt.toISOString(),
      expiresAt: t.expiresAt?.toISOString() ?? null,
      event: "ADJUSTMENT",
      origin: null,
    };
  }

  /** A customer's accounts as `Customer.storeCreditAccounts(first, query: "currency_code:EUR")` lists them. */
  customerAccountNodes(shopDomain: string, ownerId: string, a: { first?: number; query?: string }): Record<string, unknown>[] {
    const currency = /currency_code:(\w+)/.exec(a.query ?? "")?.[1];
    if (a.query && !currency) throw new Error(`The emulator does not support the store credit account search ${JSON.stringify(a.query)}`);
    const list = (this.byShop.get(shopDomain) ?? []).filter((x) => x.ownerId === ownerId && (!currency || x.currencyCode === currency.toUpperCase()));
    return list.slice(0, a.first ?? 50).map((x) => this.node(x));
  }

  /** `storeCreditAccount(id)`: the account, or null. */
  accountNode(shopDomain: string, id: string): Record<string, unknown> | null {
    const account = (this.byShop.get(shopDomain) ?? []).find((a) => a.id === id);
    return account ? this.node(account) : null;
  }
}

/** A transactions `query`: `type:credit`, `type:credit OR type:debit`; null: no filter. Anything else is refused. */
function parseStoreCreditTypeQuery(query: string | undefined): string[] | null {
  if (!query?.trim()) return null;
  const terms = query.trim().split(/\s+OR\s+/);
  return terms.map((term) => {
    const m = /^type:(credit|debit|debit_revert|expiration)$/.exec(term);
    if (!m) throw new Error(`The emulator does not support the store credit transaction search ${JSON.stringify(query)}`);
    return m[1]!;
  });
}
