import type { DiscountSpec } from "../loyalty/rewards/rewards";
import { DISCOUNT_BY_CODE, DISCOUNT_CODE_BASIC_CREATE, DISCOUNT_CODE_DEACTIVATE, DISCOUNT_CODE_FREE_SHIPPING_CREATE } from "./documents";
import { requireNoUserErrors, runAdminQuery, ShopifyApiError, type AdminGraphql } from "./graphql";

// Reward codes as Shopify discount codes: for one customer, one use, optionally with an end
// date and a minimum order. https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountCodeBasicCreate

interface CreatePayload {
  codeDiscountNode: { id: string } | null;
  userErrors: { field?: string[] | null; message: string; code?: string | null }[];
}

export interface CreatedDiscount {
  discountGid: string;
  code: string;
}

/** A reward's spec, or a referral friend's welcome code (customerGid null: anyone with the code, still single use). */
export type CodeDiscountSpec = Omit<DiscountSpec, "customerGid"> & { customerGid: string | null };

function commonInput(spec: CodeDiscountSpec) {
  return {
    title: spec.title,
    code: spec.code,
    startsAt: spec.startsAt.toISOString(),
    endsAt: spec.endsAt ? spec.endsAt.toISOString() : null,
    context: spec.customerGid ? { customers: { add: [spec.customerGid] } } : { all: "ALL" },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    minimumRequirement: spec.minimumSubtotal ? { subtotal: { greaterThanOrEqualToSubtotal: spec.minimumSubtotal } } : null,
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
  };
}

export function discountInput(spec: CodeDiscountSpec): { document: string; variables: Record<string, unknown>; field: string } {
  if (spec.kind === "free_shipping") {
    return {
      document: DISCOUNT_CODE_FREE_SHIPPING_CREATE,
      variables: { discount: { ...commonInput(spec), destination: { all: true } } },
      field: "discountCodeFreeShippingCreate",
    };
  }
  // free_product: `discountOnQuantity` is the buy-X-get-Y value (customerGets of a BXGY
  // discount); an amount-off code takes a percentage or an amount. 100 % off the variant
  // would free every unit in the cart, so the code takes one unit's price off the variant,
  // split across its units (`appliesOnEachItem: false`): exactly one unit free.
  // https://shopify.dev/docs/api/admin-graphql/latest/input-objects/DiscountAmountInput
  // docs/decisions/0031-gifts.md
  const value =
    spec.kind === "amount" || spec.kind === "free_product"
      ? { discountAmount: { amount: spec.amount, appliesOnEachItem: false } }
      : { percentage: spec.percentage };
  const items = spec.kind === "free_product" ? { products: { productVariantsToAdd: [spec.productVariantGid] } } : { all: true };
  return {
    document: DISCOUNT_CODE_BASIC_CREATE,
    variables: { discount: { ...commonInput(spec), customerGets: { value, items } } },
    field: "discountCodeBasicCreate",
  };
}

export async function createRewardDiscount(graphql: AdminGraphql, spec: CodeDiscountSpec): Promise<CreatedDiscount> {
  const { document, variables, field } = discountInput(spec);
  const data = await runAdminQuery<Record<string, CreatePayload>>(graphql, document, variables);
  const payload = data[field];
  if (!payload) throw new ShopifyApiError(`${field} returned nothing`);
  requireNoUserErrors(field, payload.userErrors);
  if (!payload.codeDiscountNode) throw new ShopifyApiError(`${field} created no discount`);
  return { discountGid: payload.codeDiscountNode.id, code: spec.code };
}

export async function findDiscountByCode(graphql: AdminGraphql, code: string): Promise<string | null> {
  const data = await runAdminQuery<{ codeDiscountNodeByCode: { id: string } | null }>(graphql, DISCOUNT_BY_CODE, { code });
  return data.codeDiscountNodeByCode?.id ?? null;
}

/** Stops a code from working (a redemption whose code came too late: its points were already returned). */
export async function deactivateDiscount(graphql: AdminGraphql, discountGid: string): Promise<void> {
  const data = await runAdminQuery<{ discountCodeDeactivate: { userErrors: { field?: string[] | null; message: string }[] } | null }>(graphql, DISCOUNT_CODE_DEACTIVATE, { id: discountGid });
  if (!data.discountCodeDeactivate) throw new ShopifyApiError("discountCodeDeactivate returned nothing");
  requireNoUserErrors("discountCodeDeactivate", data.discountCodeDeactivate.userErrors);
}
