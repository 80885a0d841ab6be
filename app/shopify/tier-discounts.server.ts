import { requireNoUserErrors, runAdminQuery, ShopifyApiError, type AdminGraphql } from "./graphql";
import {
  AUTOMATIC_DISCOUNT_ACTIVATE,
  AUTOMATIC_DISCOUNT_DEACTIVATE,
  TIER_FREE_SHIPPING_CREATE,
  TIER_FREE_SHIPPING_UPDATE,
  TIER_SEGMENT_CREATE,
  TIER_SEGMENT_UPDATE,
} from "./tier-discount-documents";

// A tier's free-shipping perk as Shopify objects: a customer segment (the tier's members, by
// Kanta's tier tag) and an automatic free shipping discount for that segment. Every call is
// idempotent given the ids Kanta keeps: create when there is no id yet, update otherwise.
// Called by app/jobs/tier-discounts.server.ts. docs/decisions/0029-checkout-discounts.md

interface UserErrors {
  userErrors: { field?: string[] | null; message: string }[];
}

interface SegmentPayload extends UserErrors {
  segment: { id: string; name: string; query: string } | null;
}

interface AutomaticPayload extends UserErrors {
  automaticDiscountNode: { id: string; automaticDiscount: { __typename: string; title?: string; status?: string } } | null;
}

export interface TierSegmentSpec {
  name: string;
  query: string;
}

/** An update refused because its id is unknown: the merchant deleted the object in Shopify. */
function unknownId(userErrors: UserErrors["userErrors"]): boolean {
  return userErrors.length > 0 && userErrors.every((e) => e.field?.length === 1 && e.field[0] === "id");
}

/**
 * Creates the tier's segment (segmentGid null) or updates its name and query; returns its
 * id. A segment the merchant deleted in Shopify is created again.
 */
export async function saveTierSegment(graphql: AdminGraphql, segmentGid: string | null, spec: TierSegmentSpec): Promise<string> {
  const field = segmentGid ? "segmentUpdate" : "segmentCreate";
  const data = segmentGid
    ? await runAdminQuery<Record<string, SegmentPayload | null>>(graphql, TIER_SEGMENT_UPDATE, { id: segmentGid, ...spec })
    : await runAdminQuery<Record<string, SegmentPayload | null>>(graphql, TIER_SEGMENT_CREATE, { ...spec });
  const payload = data[field];
  if (!payload) throw new ShopifyApiError(`${field} returned nothing`);
  if (segmentGid && unknownId(payload.userErrors)) return saveTierSegment(graphql, null, spec);
  requireNoUserErrors(field, payload.userErrors);
  if (!payload.segment) throw new ShopifyApiError(`${field} returned no segment`);
  return payload.segment.id;
}

export interface TierFreeShippingSpec {
  title: string;
  segmentGid: string;
  startsAt: Date;
}

function freeShippingInput(spec: TierFreeShippingSpec) {
  return {
    title: spec.title,
    startsAt: spec.startsAt.toISOString(),
    endsAt: null,
    context: { customerSegments: { add: [spec.segmentGid] } },
    destination: { all: true },
    appliesOnOneTimePurchase: true,
    appliesOnSubscription: false,
    // A member's reward codes (product or order discounts) still apply with free shipping.
    combinesWith: { productDiscounts: true, orderDiscounts: true, shippingDiscounts: false },
  };
}

/**
 * Creates the tier's automatic free shipping discount (discountGid null) or updates it;
 * returns its id. A discount the merchant deleted in Shopify is created again.
 */
export async function saveTierFreeShipping(graphql: AdminGraphql, discountGid: string | null, spec: TierFreeShippingSpec): Promise<string> {
  const field = discountGid ? "discountAutomaticFreeShippingUpdate" : "discountAutomaticFreeShippingCreate";
  const input = freeShippingInput(spec);
  // An update leaves startsAt as it was (the discount started when the perk was first turned on).
  const data = discountGid
    ? await runAdminQuery<Record<string, AutomaticPayload | null>>(graphql, TIER_FREE_SHIPPING_UPDATE, { id: discountGid, discount: { ...input, startsAt: undefined } })
    : await runAdminQuery<Record<string, AutomaticPayload | null>>(graphql, TIER_FREE_SHIPPING_CREATE, { discount: input });
  const payload = data[field];
  if (!payload) throw new ShopifyApiError(`${field} returned nothing`);
  if (discountGid && unknownId(payload.userErrors)) return saveTierFreeShipping(graphql, null, spec);
  requireNoUserErrors(field, payload.userErrors);
  if (!payload.automaticDiscountNode) throw new ShopifyApiError(`${field} returned no discount`);
  return payload.automaticDiscountNode.id;
}

/** Turns an automatic discount on (a perk turned on again, a program resumed) or off; one deleted in Shopify is already off. */
export async function setAutomaticDiscountActive(graphql: AdminGraphql, discountGid: string, active: boolean): Promise<void> {
  const field = active ? "discountAutomaticActivate" : "discountAutomaticDeactivate";
  const data = await runAdminQuery<Record<string, AutomaticPayload | null>>(graphql, active ? AUTOMATIC_DISCOUNT_ACTIVATE : AUTOMATIC_DISCOUNT_DEACTIVATE, { id: discountGid });
  const payload = data[field];
  if (!payload) throw new ShopifyApiError(`${field} returned nothing`);
  if (!active && unknownId(payload.userErrors)) return;
  requireNoUserErrors(field, payload.userErrors);
}
