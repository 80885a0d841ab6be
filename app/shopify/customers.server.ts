import { MEMBER_TAG, tierTag } from "../loyalty/tiers/rules";
import {
  APP_DATA_METAFIELDS_SET,
  CUSTOMER_METAFIELDS_SET,
  CUSTOMER_POINTS_METAFIELDS_SET,
  CUSTOMER_TAGS_REMOVE,
  CUSTOMER_TIER_SYNC,
  FLOW_TRIGGER_RECEIVE,
  customerTierBatchDocument,
  flowTriggerBatchDocument,
} from "./documents";
import { ShopifyApiError, ShopifyInputError, requireNoUserErrors, runAdminQuery, type AdminGraphql, type RunOptions } from "./graphql";
import { MAX_QUERY_COST, MUTATION_COST } from "./throttle";

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
      add: [keep, MEMBER_TAG],
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

// ---------------------------------------------------------------------------------------
// Bulk: many customers per request (app/jobs/points-sync.server.ts, tier-sync.server.ts).

/** The app-owned customer metafield with the member's spendable balance (shopify.app.toml declares its definition). */
export const POINTS_METAFIELD = { namespace: "$app:kanta", key: "points", type: "number_integer" } as const;

/** Shopify's limit on one metafieldsSet call. */
export const METAFIELDS_PER_CALL = 25;

interface IndexedUserErrors {
  userErrors: { field?: string[] | null; message: string; elementIndex?: number | null }[];
}

/** A refused input's error as the outboxes keep it: the text ShopifyUserError would carry (requireNoUserErrors). */
export function userErrorText(operation: string, userErrors: readonly { field?: string[] | null; message: string }[]): string {
  return `ShopifyUserError: ${operation}: ${userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ` : "") + e.message).join("; ")}`;
}

/** What became of each input of a bulk call: done, or refused for this input alone (a terminal userError). */
export type BulkOutcome = { ok: true } | { ok: false; error: string };

/**
 * Sets up to 25 customers' balance metafields in one call. metafieldsSet is atomic (no
 * change is kept when any input errs): inputs Shopify refused are returned as failed, the
 * others are sent again in a second call, so one deleted customer does not hold up 24
 * others. A userError that names no input fails the whole call (ShopifyUserError: terminal).
 */
export async function setCustomerPointsMetafields(
  graphql: AdminGraphql,
  items: readonly { customerGid: string; points: number }[],
  options: RunOptions = {},
): Promise<BulkOutcome[]> {
  if (items.length > METAFIELDS_PER_CALL) throw new ShopifyInputError(`metafieldsSet takes at most ${METAFIELDS_PER_CALL} metafields`);
  const outcomes: BulkOutcome[] = items.map(() => ({ ok: true }));
  let pending = items.map((item, index) => ({ item, index }));
  // At most two rounds: the refused inputs found in the first are left out of the second.
  for (let round = 0; round < 2 && pending.length > 0; round++) {
    const metafields = pending.map(({ item }) => ({ ownerId: item.customerGid, ...POINTS_METAFIELD, value: String(item.points) }));
    const data = await runAdminQuery<{ metafieldsSet: IndexedUserErrors | null }>(graphql, CUSTOMER_POINTS_METAFIELDS_SET, { metafields }, options);
    if (!data.metafieldsSet) throw new ShopifyApiError("metafieldsSet returned nothing");
    const errors = data.metafieldsSet.userErrors;
    if (errors.length === 0) return outcomes;
    const named = errors.flatMap((e) => {
      const at = typeof e.elementIndex === "number" ? pending[e.elementIndex] : undefined;
      return at ? [{ at, e }] : [];
    });
    if (named.length !== errors.length || round === 1) requireNoUserErrors("metafieldsSet", errors);
    for (const { at, e } of named) outcomes[at.index] = { ok: false, error: userErrorText("metafieldsSet", [e]) };
    const refused = new Set(named.map(({ at }) => at.index));
    pending = pending.filter(({ index }) => !refused.has(index));
  }
  return outcomes;
}

/** One member of a batched tier sync. */
export interface TierBatchItem {
  customerGid: string;
  tierName: string | null;
  otherTierNames: readonly string[];
}

/** What a batch of tier items costs in Shopify points (tagsAdd, tagsRemove and one metafieldsSet each 10). */
export function tierBatchCost(items: readonly TierBatchItem[]): number {
  const plan = planTierBatch(items);
  return MUTATION_COST * (plan.shape.customers.reduce((n, c) => n + (c.add ? 1 : 0) + (c.remove ? 1 : 0), 0) + (plan.shape.metafields ? 1 : 0));
}

function planTierBatch(items: readonly TierBatchItem[]) {
  const perCustomer = items.map((item) => {
    const keep = item.tierName ? tierTag(item.tierName) : null;
    const remove = [...new Set(item.otherTierNames.map(tierTag))].filter((t) => t !== keep);
    return { customerGid: item.customerGid, keep, remove };
  });
  const metafields = items.flatMap((item, index) => (item.tierName ? [{ item: index, input: { ownerId: item.customerGid, ...TIER_METAFIELD, value: item.tierName } }] : []));
  return {
    perCustomer,
    metafields,
    shape: { customers: perCustomer.map((c) => ({ add: c.keep !== null, remove: c.remove.length > 0 })), metafields: metafields.length > 0 },
  };
}

/**
 * Puts many members' tiers on their customers in ONE request: each customer's tier tag
 * added and other tier tags removed (aliased tagsAdd/tagsRemove), every tier metafield in
 * one metafieldsSet (at most 25 items). Per item: done, or refused by a userError about it
 * alone. A metafieldsSet userError fails the items it names (it is atomic, so the others'
 * metafields were not kept either: they fail retryably by throwing when no index is given).
 */
export async function syncCustomerTiersBatch(graphql: AdminGraphql, items: readonly TierBatchItem[], options: RunOptions = {}): Promise<BulkOutcome[]> {
  if (items.length > METAFIELDS_PER_CALL) throw new ShopifyInputError(`a tier batch takes at most ${METAFIELDS_PER_CALL} customers`);
  const plan = planTierBatch(items);
  const errors: (string | null)[] = items.map(() => null);
  const toOutcomes = (): BulkOutcome[] => errors.map((error) => (error === null ? { ok: true } : { ok: false, error }));
  if (!plan.shape.metafields && plan.shape.customers.every((c) => !c.add && !c.remove)) return toOutcomes();
  const variables: Record<string, unknown> = {};
  plan.perCustomer.forEach((c, i) => {
    if (!c.keep && c.remove.length === 0) return;
    variables[`id${i}`] = c.customerGid;
    // The member tag rides along with the tier tag (members-only products read it, 0034).
    if (c.keep) variables[`add${i}`] = [c.keep, MEMBER_TAG];
    if (c.remove.length > 0) variables[`remove${i}`] = c.remove;
  });
  if (plan.shape.metafields) variables.metafields = plan.metafields.map((m) => m.input);
  const data = await runAdminQuery<Record<string, IndexedUserErrors | null>>(graphql, customerTierBatchDocument(plan.shape), variables, options);
  const fail = (i: number, error: string) => {
    if (errors[i] === null) errors[i] = error;
  };
  plan.perCustomer.forEach((c, i) => {
    for (const [alias, op, wanted] of [[`a${i}`, "tagsAdd", !!c.keep], [`r${i}`, "tagsRemove", c.remove.length > 0]] as const) {
      if (!wanted) continue;
      const result = data[alias];
      if (!result) throw new ShopifyApiError(`${op} returned nothing`);
      if (result.userErrors.length) fail(i, userErrorText(op, result.userErrors));
    }
  });
  if (plan.shape.metafields) {
    const result = data.m;
    if (!result) throw new ShopifyApiError("metafieldsSet returned nothing");
    if (result.userErrors.length) {
      // Atomic: nothing was kept. Inputs named by an error fail; the rest are sent again.
      const named = result.userErrors.flatMap((e) => {
        const input = typeof e.elementIndex === "number" ? plan.metafields[e.elementIndex] : undefined;
        return input ? [{ input, e }] : [];
      });
      if (named.length !== result.userErrors.length) requireNoUserErrors("metafieldsSet", result.userErrors);
      for (const { input, e } of named) fail(input.item, userErrorText("metafieldsSet", [e]));
      const refused = new Set(named.map(({ input }) => input));
      const retry = plan.metafields.filter((m) => !refused.has(m)).map((m) => m.input);
      if (retry.length > 0) {
        // Any metafieldsSet document takes them (this one selects no owner-specific fields).
        const again = await runAdminQuery<{ metafieldsSet: IndexedUserErrors | null }>(graphql, APP_DATA_METAFIELDS_SET, { metafields: retry }, options);
        if (!again.metafieldsSet) throw new ShopifyApiError("metafieldsSet returned nothing");
        requireNoUserErrors("metafieldsSet", again.metafieldsSet.userErrors);
      }
    }
  }
  return toOutcomes();
}

/** One Flow trigger to fire: its handle and payload (already shaped for its TOML). */
export interface FlowTriggerItem {
  handle: string;
  payload: Record<string, unknown>;
}

/** Fires many Flow triggers in one request (aliased flowTriggerReceive); per item: done, or refused by its userErrors. */
export async function fireFlowTriggersBatch(graphql: AdminGraphql, items: readonly FlowTriggerItem[], options: RunOptions = {}): Promise<BulkOutcome[]> {
  if (items.length === 0) return [];
  if (items.length * MUTATION_COST > MAX_QUERY_COST) throw new ShopifyInputError(`at most ${MAX_QUERY_COST / MUTATION_COST} Flow triggers per request`);
  const variables: Record<string, unknown> = {};
  items.forEach((item, i) => {
    variables[`handle${i}`] = item.handle;
    variables[`payload${i}`] = item.payload;
  });
  const data = await runAdminQuery<Record<string, UserErrors | null>>(graphql, flowTriggerBatchDocument(items.length), variables, options);
  return items.map((_, i) => {
    const result = data[`f${i}`];
    if (!result) throw new ShopifyApiError("flowTriggerReceive returned nothing");
    return result.userErrors.length ? { ok: false, error: userErrorText("flowTriggerReceive", result.userErrors) } : { ok: true };
  });
}
