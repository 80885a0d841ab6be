import type { EmulatedCustomer, EmulatedShop, Resolver } from "./emulator-types.server";
import { connection } from "./emulator-helpers.server";

// Customers for the Admin API emulator (./emulator.server.ts): the customers Shopify knows
// (with addresses, phones and order counts for the referral rules), customers deleted in
// Shopify, customerCreate, and customer tags (tagsAdd / tagsRemove, as tier sync sends them).

export class EmulatedCustomers {
  private customersByShop = new Map<string, Map<string, EmulatedCustomer>>();
  private tagsByShop = new Map<string, Map<string, string[]>>();
  private deletedCustomers = new Set<string>();

  /**
   * Ids come from the emulator's one sequence; a customer node reads the shop's currency,
   * its store credit accounts (./emulator-store-credit.server.ts) and its orders
   * (./emulator-bulk.server.ts) through the emulator.
   */
  constructor(
    private readonly deps: {
      nextId: () => number;
      currencyCode: (shopDomain: string) => string | undefined;
      storeCreditAccounts: (shopDomain: string, ownerId: string) => (a: { first?: number; query?: string }) => unknown;
      orders: (shopDomain: string, customerId: string, query: string | undefined) => unknown;
    },
  ) {}

  /** Customers Shopify knows (the referral rules ask for addresses, phones and order counts). */
  addCustomer(shopDomain: string, customer: EmulatedCustomer) {
    const map = this.customersByShop.get(shopDomain) ?? new Map<string, EmulatedCustomer>();
    map.set(customer.id, customer);
    this.customersByShop.set(shopDomain, map);
    if (customer.tags?.length) {
      const byCustomer = this.tagsByShop.get(shopDomain) ?? new Map<string, string[]>();
      byCustomer.set(customer.id, [...customer.tags]);
      this.tagsByShop.set(shopDomain, byCustomer);
    }
  }

  /** A customer's tags in Shopify (as tagsAdd / tagsRemove left them). */
  customerTags(shopDomain: string, customerGid: string): string[] {
    return [...(this.tagsByShop.get(shopDomain)?.get(customerGid) ?? [])];
  }

  /** The customer no longer exists in Shopify: mutations on it answer with userErrors. */
  deleteCustomer(customerGid: string) {
    this.deletedCustomers.add(customerGid);
  }

  customerExists(id: unknown): id is string {
    // Every well-formed customer id exists in the emulated store unless deleted.
    return typeof id === "string" && /^gid:\/\/shopify\/Customer\/\d+$/.test(id) && !this.deletedCustomers.has(id);
  }

  private changeTags(shop: EmulatedShop, args: Record<string, unknown>, add: boolean) {
    const id = args.id;
    if (!this.customerExists(id)) return { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] };
    const tags = (args.tags as string[]).map((t) => t.trim()).filter(Boolean);
    if (add && tags.length === 0) return { node: null, userErrors: [{ field: ["tags"], message: "Tags can't be blank" }] };
    if (tags.some((t) => t.length > 255)) return { node: null, userErrors: [{ field: ["tags"], message: "Tags is invalid" }] };
    const byCustomer = this.tagsByShop.get(shop.myshopifyDomain) ?? new Map<string, string[]>();
    const current = byCustomer.get(id) ?? [];
    // Shopify compares tags without regard to case.
    const lower = new Set(tags.map((t) => t.toLowerCase()));
    const next = add
      ? [...current, ...tags.filter((t, i) => !current.some((c) => c.toLowerCase() === t.toLowerCase()) && tags.findIndex((x) => x.toLowerCase() === t.toLowerCase()) === i)]
      : current.filter((c) => !lower.has(c.toLowerCase()));
    byCustomer.set(id, next);
    this.tagsByShop.set(shop.myshopifyDomain, byCustomer);
    return { node: { __typename: "Customer", id }, userErrors: [] };
  }

  private customerByEmail(shop: EmulatedShop, email: string): EmulatedCustomer | null {
    const wanted = email.trim().toLowerCase();
    for (const c of this.customersByShop.get(shop.myshopifyDomain)?.values() ?? []) {
      if (c.email?.toLowerCase() === wanted && !this.deletedCustomers.has(c.id)) return c;
    }
    return null;
  }

  private createCustomer(shop: EmulatedShop, input: Record<string, unknown>) {
    const email = typeof input.email === "string" ? input.email.trim() : "";
    if (!email && !input.phone && !input.firstName && !input.lastName) {
      return { customer: null, userErrors: [{ field: ["email"], message: "A name, phone number or email address must be present" }] };
    }
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { customer: null, userErrors: [{ field: ["email"], message: "Email is invalid" }] };
    if (email && this.customerByEmail(shop, email)) return { customer: null, userErrors: [{ field: ["email"], message: "Email has already been taken" }] };
    const customer: EmulatedCustomer = { id: `gid://shopify/Customer/${this.deps.nextId()}`, email: email || null, phone: null, numberOfOrders: 0, addresses: [] };
    this.addCustomer(shop.myshopifyDomain, customer);
    return { customer: { id: customer.id, numberOfOrders: "0" }, userErrors: [] };
  }

  private customerNode(shopDomain: string, c: EmulatedCustomer) {
    return {
      __typename: "Customer",
      id: c.id,
      firstName: c.firstName ?? null,
      lastName: c.lastName ?? null,
      defaultEmailAddress: c.email ? { emailAddress: c.email } : null,
      tags: this.customerTags(shopDomain, c.id),
      locale: c.locale ?? "en",
      createdAt: (c.createdAt ?? new Date("2024-01-01T00:00:00Z")).toISOString(),
      updatedAt: (c.createdAt ?? new Date("2024-01-01T00:00:00Z")).toISOString(),
      numberOfOrders: String(c.numberOfOrders),
      amountSpent: { amount: c.amountSpent ?? "0.0", currencyCode: this.deps.currencyCode(shopDomain) ?? "USD" },
      storeCreditAccounts: this.deps.storeCreditAccounts(shopDomain, c.id),
      orders: (a: { query?: string }) => this.deps.orders(shopDomain, c.id, a.query),
    };
  }

  /** `node(id)` when the id is a customer's: null for one unknown or deleted. */
  node(shopDomain: string, id: unknown) {
    const c = this.customersByShop.get(shopDomain)?.get(String(id));
    return c && !this.deletedCustomers.has(c.id) ? this.customerNode(shopDomain, c) : null;
  }

  resolvers(): Record<string, Resolver> {
    return {
      customers: (args, shop) =>
        connection(
          [...(this.customersByShop.get(shop.myshopifyDomain)?.values() ?? [])]
            .filter((c) => !this.deletedCustomers.has(c.id))
            .slice(0, typeof args.first === "number" ? args.first : undefined)
            .map((c) => this.customerNode(shop.myshopifyDomain, c)),
        ),
      // Only customers are emulated; other ids answer null, as unknown ids do in Shopify.
      nodes: (args, shop) =>
        (args.ids as string[]).map((id) => {
          const c = this.customersByShop.get(shop.myshopifyDomain)?.get(id);
          if (!c) return null;
          return {
            __typename: "Customer",
            id: c.id,
            numberOfOrders: String(c.numberOfOrders),
            defaultEmailAddress: c.email ? { emailAddress: c.email, marketingState: c.marketingState ?? "NOT_SUBSCRIBED" } : null,
            defaultPhoneNumber: c.phone ? { phoneNumber: c.phone } : null,
            addressesV2: () => ({
              nodes: c.addresses.map((a) => ({
                address1: a.address1,
                address2: a.address2 ?? null,
                city: a.city ?? null,
                zip: a.zip ?? null,
                countryCodeV2: a.countryCode ?? null,
                phone: a.phone ?? null,
              })),
            }),
          };
        }),
      customerByIdentifier: (args, shop) => {
        const identifier = args.identifier as { emailAddress?: string; id?: string };
        const c = identifier.emailAddress
          ? this.customerByEmail(shop, identifier.emailAddress)
          : identifier.id && !this.deletedCustomers.has(identifier.id)
            ? (this.customersByShop.get(shop.myshopifyDomain)?.get(identifier.id) ?? null)
            : null;
        return c ? { id: c.id, numberOfOrders: String(c.numberOfOrders) } : null;
      },
      // Every well-formed customer id exists in the emulated store unless deleted (as for mutations).
      customer: (args, shop) => {
        const id = String(args.id);
        if (!this.customerExists(id)) return null;
        const known = this.customersByShop.get(shop.myshopifyDomain)?.get(id);
        return known ? this.customerNode(shop.myshopifyDomain, known) : { __typename: "Customer", id, storeCreditAccounts: this.deps.storeCreditAccounts(shop.myshopifyDomain, id) };
      },
      customerCreate: (args, shop) => this.createCustomer(shop, args.input as Record<string, unknown>),
      tagsAdd: (args, shop) => this.changeTags(shop, args, true),
      tagsRemove: (args, shop) => this.changeTags(shop, args, false),
    };
  }
}
