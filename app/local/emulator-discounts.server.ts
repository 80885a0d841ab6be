import type { EmulatedAutomaticDiscount, EmulatedDiscount, EmulatedSegment, EmulatedShop, Resolver } from "./emulator-types.server";

// Discounts for the Admin API emulator (./emulator.server.ts): code discounts (basic and
// free shipping, limited to some customers or for all, deactivated), customer segments by
// tag and automatic free shipping discounts on segments, with the userErrors Shopify gives
// for what Kanta relies on (docs/decisions/0029-checkout-discounts.md).

export class EmulatedDiscounts {
  private discountsByShop = new Map<string, EmulatedDiscount[]>();
  private segmentsByShop = new Map<string, EmulatedSegment[]>();
  private automaticByShop = new Map<string, EmulatedAutomaticDiscount[]>();

  /** Ids come from the emulator's one sequence; `customerExists` is the emulator's (deleted customers do not). */
  constructor(private readonly deps: { nextId: () => number; customerExists: (id: unknown) => id is string }) {}

  /** Whether a customer (null: a guest) may use a code at checkout: only the customers its context names. */
  canUseDiscount(shopDomain: string, code: string, customerGid: string | null): boolean {
    const discount = (this.discountsByShop.get(shopDomain) ?? []).find((d) => d.code.toUpperCase() === code.toUpperCase());
    if (!discount) return false;
    return discount.customerGids === null || (customerGid !== null && discount.customerGids.includes(customerGid));
  }

  /** Discounts created for a shop (tests inspect what Kanta asked Shopify for). */
  discounts(shopDomain: string): EmulatedDiscount[] {
    return [...(this.discountsByShop.get(shopDomain) ?? [])];
  }

  private createDiscount(
    shop: EmulatedShop,
    typename: EmulatedDiscount["typename"],
    input: Record<string, unknown>,
  ) {
    // The checks Shopify makes that Kanta relies on; the schema already checked the shape.
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    const code = typeof input.code === "string" ? input.code : "";
    const list = this.discountsByShop.get(shop.myshopifyDomain) ?? [];
    if (!code) userErrors.push({ field: ["basicCodeDiscount", "code"], message: "Code can't be blank", code: "BLANK" });
    if (list.some((d) => d.code.toUpperCase() === code.toUpperCase())) {
      userErrors.push({ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" });
    }
    const startsAt = input.startsAt ? Date.parse(String(input.startsAt)) : Date.now();
    if (input.endsAt && Date.parse(String(input.endsAt)) <= startsAt) {
      userErrors.push({ field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID" });
    }
    const value = (input.customerGets as { value?: Record<string, unknown> } | undefined)?.value;
    if (value && typeof value.percentage === "number" && (value.percentage <= 0 || value.percentage > 1)) {
      userErrors.push({ field: ["basicCodeDiscount", "customerGets", "value", "percentage"], message: "Value must be between 0.0 and 1.0", code: "VALUE_OUTSIDE_RANGE" });
    }
    const context = input.context as { customers?: { add?: string[] } } | undefined;
    const customerGids = context?.customers ? [...(context.customers.add ?? [])] : null;
    if (customerGids && (customerGids.length === 0 || customerGids.some((gid) => !this.deps.customerExists(gid)))) {
      userErrors.push({ field: ["basicCodeDiscount", "context", "customers", "add"], message: "Customer does not exist", code: "INVALID" });
    }
    if (userErrors.length) return { codeDiscountNode: null, userErrors };
    const id = `gid://shopify/DiscountCodeNode/${this.deps.nextId()}`;
    const discount: EmulatedDiscount = { id, typename, code, title: String(input.title ?? ""), input, customerGids, createdAt: new Date() };
    list.push(discount);
    this.discountsByShop.set(shop.myshopifyDomain, list);
    return { codeDiscountNode: this.discountNode(discount), userErrors: [] };
  }

  /** Customer segments of a shop (tests inspect what Kanta asked for). */
  segments(shopDomain: string): EmulatedSegment[] {
    return [...(this.segmentsByShop.get(shopDomain) ?? [])];
  }

  /** The merchant deletes a segment or an automatic discount in Shopify's admin (tests). */
  deleteSegmentOrDiscount(shopDomain: string, id: string) {
    this.segmentsByShop.set(shopDomain, this.segments(shopDomain).filter((s) => s.id !== id));
    this.automaticByShop.set(shopDomain, this.automaticDiscounts(shopDomain).filter((d) => d.id !== id));
  }

  /** Automatic discounts of a shop. */
  automaticDiscounts(shopDomain: string): EmulatedAutomaticDiscount[] {
    return [...(this.automaticByShop.get(shopDomain) ?? [])];
  }

  /**
   * segmentCreate / segmentUpdate. Shopify's segment query language, reduced to what Kanta
   * sends: `customer_tags CONTAINS '<tag>'`; anything else is refused as Shopify refuses an
   * invalid query. Names are unique per shop.
   */
  private saveSegment(shop: EmulatedShop, args: Record<string, unknown>, update: boolean) {
    const list = this.segmentsByShop.get(shop.myshopifyDomain) ?? [];
    this.segmentsByShop.set(shop.myshopifyDomain, list);
    const found = update ? list.find((s) => s.id === args.id) : undefined;
    if (update && !found) return { segment: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
    const name = typeof args.name === "string" ? args.name.trim() : (found?.name ?? "");
    const query = typeof args.query === "string" ? args.query.trim() : (found?.query ?? "");
    const userErrors: { field: string[]; message: string }[] = [];
    if (!name) userErrors.push({ field: ["name"], message: "Name can't be blank" });
    if (list.some((s) => s !== found && s.name.toLowerCase() === name.toLowerCase())) userErrors.push({ field: ["name"], message: "Name has already been taken" });
    if (!/^customer_tags CONTAINS '[^']+'$/.test(query)) userErrors.push({ field: ["query"], message: `Query is invalid: ${query}` });
    if (userErrors.length) return { segment: null, userErrors };
    const segment = found ?? { id: `gid://shopify/Segment/${this.deps.nextId()}`, name, query };
    segment.name = name;
    segment.query = query;
    if (!found) list.push(segment);
    return { segment: { ...segment }, userErrors: [] };
  }

  private automaticNode(d: EmulatedAutomaticDiscount) {
    return { id: d.id, automaticDiscount: { __typename: "DiscountAutomaticFreeShipping", title: d.title, status: d.status } };
  }

  /** discountAutomaticFreeShippingCreate / Update: the checks Shopify makes that Kanta relies on. */
  private saveAutomaticFreeShipping(shop: EmulatedShop, args: Record<string, unknown>, update: boolean) {
    const list = this.automaticByShop.get(shop.myshopifyDomain) ?? [];
    this.automaticByShop.set(shop.myshopifyDomain, list);
    const input = args.freeShippingAutomaticDiscount as Record<string, unknown>;
    const found = update ? list.find((d) => d.id === args.id) : undefined;
    if (update && !found) return { automaticDiscountNode: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    const title = typeof input.title === "string" ? input.title : (found?.title ?? "");
    const context = input.context as { customerSegments?: { add?: string[] }; all?: string } | undefined;
    const segmentGids = context?.customerSegments ? [...(context.customerSegments.add ?? [])] : (found?.segmentGids ?? []);
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    if (!title.trim()) userErrors.push({ field: ["freeShippingAutomaticDiscount", "title"], message: "Title can't be blank", code: "BLANK" });
    const segments = this.segmentsByShop.get(shop.myshopifyDomain) ?? [];
    if (segmentGids.some((gid) => !segments.some((s) => s.id === gid))) {
      userErrors.push({ field: ["freeShippingAutomaticDiscount", "context", "customerSegments", "add"], message: "Customer segment does not exist", code: "INVALID" });
    }
    if (userErrors.length) return { automaticDiscountNode: null, userErrors };
    const discount = found ?? { id: `gid://shopify/DiscountAutomaticNode/${this.deps.nextId()}`, title, input, segmentGids, status: "ACTIVE" as const, createdAt: new Date() };
    discount.title = title;
    discount.input = input;
    discount.segmentGids = segmentGids;
    if (!found) list.push(discount);
    return { automaticDiscountNode: this.automaticNode(discount), userErrors: [] };
  }

  private setAutomaticStatus(shop: EmulatedShop, id: unknown, status: EmulatedAutomaticDiscount["status"]) {
    const found = (this.automaticByShop.get(shop.myshopifyDomain) ?? []).find((d) => d.id === id);
    if (!found) return { automaticDiscountNode: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    found.status = status;
    return { automaticDiscountNode: this.automaticNode(found), userErrors: [] };
  }

  private discountNode(discount: EmulatedDiscount) {
    return {
      id: discount.id,
      codeDiscount: {
        __typename: discount.typename,
        title: discount.title,
        codes: () => ({ nodes: [{ code: discount.code }] }),
      },
    };
  }

  resolvers(): Record<string, Resolver> {
    return {
      discountCodeBasicCreate: (args, shop) =>
        this.createDiscount(shop, "DiscountCodeBasic", args.basicCodeDiscount as Record<string, unknown>),
      discountCodeFreeShippingCreate: (args, shop) =>
        this.createDiscount(shop, "DiscountCodeFreeShipping", args.freeShippingCodeDiscount as Record<string, unknown>),
      codeDiscountNodeByCode: (args, shop) => {
        const found = (this.discountsByShop.get(shop.myshopifyDomain) ?? []).find(
          (d) => d.code.toUpperCase() === String(args.code).toUpperCase(),
        );
        return found ? this.discountNode(found) : null;
      },
      segmentCreate: (args, shop) => this.saveSegment(shop, args, false),
      segmentUpdate: (args, shop) => this.saveSegment(shop, args, true),
      discountAutomaticFreeShippingCreate: (args, shop) => this.saveAutomaticFreeShipping(shop, args, false),
      discountAutomaticFreeShippingUpdate: (args, shop) => this.saveAutomaticFreeShipping(shop, args, true),
      discountAutomaticActivate: (args, shop) => this.setAutomaticStatus(shop, args.id, "ACTIVE"),
      discountAutomaticDeactivate: (args, shop) => this.setAutomaticStatus(shop, args.id, "EXPIRED"),
      discountCodeDeactivate: (args, shop) => {
        const found = (this.discountsByShop.get(shop.myshopifyDomain) ?? []).find((d) => d.id === args.id);
        if (!found) return { codeDiscountNode: null, userErrors: [{ field: ["id"], message: "Code discount does not exist.", code: "INVALID" }] };
        found.deactivatedAt ??= new Date();
        return { codeDiscountNode: this.discountNode(found), userErrors: [] };
      },
    };
  }
}
