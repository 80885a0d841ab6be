import { tierTag } from "../loyalty/tiers/rules";
import { CUSTOMER_METAFIELDS_SET, CUSTOMER_TAGS_REMOVE, CUSTOMER_TIER_SYNC, FLOW_TRIGGER_RECEIVE } from "./documents";
import { ShopifyApiError, ShopifyInputError, requireNoUserErrors, runAdminQuery, type AdminGraphql } from "./graphql";

// A member's tier in Shopify, where merchants use it: a customer tag (segments, discounts,
// Flow conditions), a customer metafield in the app's namespace, and the "Kanta tier
// changed" Flow trigger. Called by the TierChange outbox job (app/jobs/tier-sync.server.ts),
// never from accrual: Shopify being slow or down never holds up points.
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/tagsAdd
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet
// https://shopify.dev/docs/apps/build/flow/triggers/reference

/** The app-owned customer metafield with the member's tier name. */
export const TIER_METAFIELD = { namespace: "$app:kanta", key: "tier", type: "single_line_text_field" } as const;

/** extensions/kanta-tier-flow/shopify.extension.toml, as Flow receives it (a test keeps them equal). */
export const KANTA_TIER_FLOW_TRIGGER = {
  handle: "kanta-tier-changed",
  fields: [
    { type: "customer_reference" },
    { type: "single_line_text_field", key: "Old tier" },
    { type: "single_line_text_field", key: "New tier" },
    { type: "single_line_text_field", key: "Reason" },
  ],
} as const;

/** The app-owned customer metafield with the member's birthday: "1990-03-14", or "--03-14" (ISO 8601) without a year. */
export const BIRTHDAY_METAFIELD = { namespace: "$app:kanta", key: "birthday", type: "single_line_text_field" } as const;

export function birthdayMetafieldValue(b: { month: number; day: number; year: number | null }): string {
  const md = `${String(b.month).padStart(2, "0")}-${String(b.day).padStart(2, "0")}`;
  return b.year === null ? `--${md}` : `${String(b.year).padStart(4, "0")}-${md}`;
}

/** At most this many customers per metafieldsSet request (Shopify's limit). */
export const METAFIELDS_PER_REQUEST = 25;

/**
 * Sets the birthday metafield of up to 25 customers in one request. Returns the indexes
 * Shopify refused (e.g. a customer deleted meanwhile): then nothing was saved (metafieldsSet
 * is atomic) and the caller sends the others again without them.
 */
export async function setCustomerBirthdays(
  graphql: AdminGraphql,
  items: readonly { customerGid: string; birthday: { month: number; day: number; year: number | null } }[],
): Promise<{ refused: number[] }> {
  if (items.length === 0) return { refused: [] };
  if (items.length > METAFIELDS_PER_REQUEST) throw new ShopifyInputError(`at most ${METAFIELDS_PER_REQUEST} metafields per request`);
  const data = await runAdminQuery<{ metafieldsSet: { userErrors: { field?: string[] | null; message: string; elementIndex?: number | null }[] } | null }>(
    graphql,
    CUSTOMER_METAFIELDS_SET,
    { metafields: items.map((i) => ({ ownerId: i.customerGid, ...BIRTHDAY_METAFIELD, value: birthdayMetafieldValue(i.birthday) })) },
  );
  if (!data.metafieldsSet) throw new ShopifyApiError("metafieldsSet returned nothing");
  const errors = data.metafieldsSet.userErrors;
  if (errors.length === 0) return { refused: [] };
  const refused = [...new Set(errors.map((e) => e.elementIndex).filter((i): i is number => typeof i === "number"))];
  // A userError that names no input is about the request as a whole: terminal for all.
  if (refused.length === 0) requireNoUserErrors("metafieldsSet", errors);
  return { refused };
}

interface UserErrors {
  userErrors: { field?: string[] | null; message: string }[];
}

/**
 * Puts the member's tier on the customer: `tierName`'s tag added, every other tier's tag
 * removed (tags of tiers renamed or deleted since included, by name), the metafield set.
 * With no tier, only removes. Idempotent.
 */
export async function syncCustomerTier(
  graphql: AdminGraphql,
  input: { customerGid: string; tierName: string | null; otherTierNames: readonly string[] },
): Promise<void> {
  const keep = input.tierName ? tierTag(input.tierName) : null;
  const remove = [...new Set(input.otherTierNames.map(tierTag))].filter((t) => t !== keep);
  if (!keep) {
    if (remove.length === 0) return;
    const data = await runAdminQuery<{ tagsRemove: UserErrors | null }>(graphql, CUSTOMER_TAGS_REMOVE, { id: input.customerGid, tags: remove });
    if (!data.tagsRemove) throw new ShopifyApiError("tagsRemove returned nothing");
    requireNoUserErrors("tagsRemove", data.tagsRemove.userErrors);
    return;
  }
  const data = await runAdminQuery<{ tagsAdd: UserErrors | null; tagsRemove?: UserErrors | null; metafieldsSet: UserErrors | null }>(
    graphql,
    CUSTOMER_TIER_SYNC,
    {
      id: input.customerGid,
      add: [keep],
      remove,
      hasRemove: remove.length > 0,
      metafields: [{ ownerId: input.customerGid, ...TIER_METAFIELD, value: input.tierName }],
    },
  );
  if (!data.tagsAdd || !data.metafieldsSet) throw new ShopifyApiError("customer tier sync returned nothing");
  requireNoUserErrors("tagsAdd", data.tagsAdd.userErrors);
  if (data.tagsRemove) requireNoUserErrors("tagsRemove", data.tagsRemove.userErrors);
  requireNoUserErrors("metafieldsSet", data.metafieldsSet.userErrors);
}

/** Flow wants the customer's numeric id for a customer_reference field. */
export function customerNumericId(customerGid: string): number {
  const match = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(customerGid);
  const id = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new ShopifyInputError(`not a customer id Flow can take: ${customerGid}`);
  return id;
}

export function tierFlowPayload(change: { customerGid: string; fromTier: string | null; toTier: string | null; reason: string }) {
  return {
    customer_id: customerNumericId(change.customerGid),
    "Old tier": change.fromTier ?? "",
    "New tier": change.toTier ?? "",
    Reason: change.reason,
  };
}

/** Fires "Kanta tier changed" for one change. */
export async function fireTierChangedFlow(
  graphql: AdminGraphql,
  change: { customerGid: string; fromTier: string | null; toTier: string | null; reason: string },
): Promise<void> {
  const data = await runAdminQuery<{ flowTriggerReceive: UserErrors | null }>(graphql, FLOW_TRIGGER_RECEIVE, {
    handle: KANTA_TIER_FLOW_TRIGGER.handle,
    payload: tierFlowPayload(change),
  });
  if (!data.flowTriggerReceive) throw new ShopifyApiError("flowTriggerReceive returned nothing");
  requireNoUserErrors("flowTriggerReceive", data.flowTriggerReceive.userErrors);
}
