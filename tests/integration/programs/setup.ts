// Shared set-up for the program tests (tests/integration/programs/*.test.ts): each file
// configures one real shop's program on the demo shop, the way its merchant would, through
// the admin pages' actions, and plays its customers through signed webhooks.
import { getJobRunner } from "../../../app/jobs/queue.server";
import { redeemReward } from "../../../app/loyalty/rewards/redemptions.server";
import type { DiscountSpec, StoreCreditSpec } from "../../../app/loyalty/rewards/rewards";
import { getCustomerView } from "../../../app/loyalty/storefront/customer-view.server";
import { LOCAL_SHOP } from "../../../app/shopify/admin.server";
import { action as rewardAction } from "../../../app/routes/app.rewards.$id";
import { action as ruleAction } from "../../../app/routes/app.earn.$id";
import { action as memberAction } from "../../../app/routes/app.members.$id";
import { action as tiersAction, loader as tiersLoader } from "../../../app/routes/app.tiers";
import { action as membershipAction } from "../../../app/routes/app.tiers.membership";
import type { Db } from "../../../app/db.server";
import { customerPayload, orderPayload, refundPayload, type LineSpec } from "../../fixtures/payloads";
import { sendWebhook } from "../../http";
import { randomUUID } from "node:crypto";

export function form(url: string, fields: Record<string, string | string[]>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const v of value) body.append(key, v);
    else body.set(key, value);
  }
  return new Request(`http://localhost${url}`, { method: "POST", body });
}

export async function saveRule(id: string, fields: Record<string, string>) {
  const result = await ruleAction({ request: form(`/app/earn/${id}`, { intent: "save", ...fields }), params: { id }, context: {} });
  if (!result.ok || result.intent !== "save") throw new Error(`rule not saved: ${JSON.stringify(result)}`);
  return result;
}

export async function saveReward(id: string, fields: Record<string, string>) {
  const result = await rewardAction({ request: form(`/app/rewards/${id}`, { intent: "save", ...fields }), params: { id }, context: {} });
  if (!result.ok || result.intent !== "save") throw new Error(`reward not saved: ${JSON.stringify(result)}`);
  return result.id;
}

/** The tier editor's ladder replaced by `tiers` (name, threshold, multiplier, entry points), saved as the page does. */
export async function saveLadder(tiers: { name: string; threshold: string; multiplier: string; entryPoints?: string }[], program: { basis?: string; period?: string; keepNextPeriod?: boolean } = {}) {
  const { editor } = await tiersLoader({ request: new Request("http://localhost/app/tiers"), params: {}, context: {} });
  const settings = {
    basis: program.basis ?? editor!.basis,
    period: program.period ?? editor!.period,
    keepNextPeriod: program.keepNextPeriod ?? editor!.keepNextPeriod,
    tiers: tiers.map((t, i) => ({ id: editor!.tiers[i]?.id ?? null, name: t.name, threshold: t.threshold, multiplier: t.multiplier, entryPoints: t.entryPoints ?? "", birthdayPoints: "", freeShipping: false })),
  };
  const result = await tiersAction({ request: form("/app/tiers", { intent: "save", settings: JSON.stringify(settings) }), params: {}, context: {} });
  if (!result.ok) throw new Error(`tiers not saved: ${JSON.stringify(result)}`);
}

export async function saveMembership(fields: Record<string, string | string[]>) {
  return membershipAction({ request: form("/app/tiers/membership", fields), params: {}, context: {} });
}

/** Staff adjusting a member's points on the member page (how review points are given: no review app integration yet). */
export async function adjustPoints(memberId: string, points: number, reason: string) {
  const result = await memberAction({ request: form(`/app/members/${memberId}`, { intent: "adjust", points: String(points), reason, requestId: randomUUID() }), params: { id: memberId }, context: {} });
  if (!("ok" in result) || !result.ok) throw new Error(`not adjusted: ${JSON.stringify(result)}`);
}

export async function webhook(base: string, topic: string, payload: unknown) {
  const response = await sendWebhook(base, topic, LOCAL_SHOP, payload);
  if (response.status !== 200) throw new Error(`${topic}: ${response.status}`);
  await getJobRunner().idle();
}

export const gidOf = (customerId: string) => `gid://shopify/Customer/${customerId}`;

export function customerCreated(base: string, customerId: string) {
  return webhook(base, "customers/create", customerPayload({ id: customerId }));
}

export function orderPaid(base: string, spec: { id: string; customerId: string; lines: LineSpec[]; at?: string; currency?: string }) {
  const at = spec.at ?? new Date().toISOString();
  return webhook(base, "orders/paid", orderPayload({ id: spec.id, customerId: spec.customerId, lines: spec.lines, currency: spec.currency ?? "USD", updatedAt: at, processedAt: at }));
}

export function refundCreated(base: string, spec: { id: string; orderId: string; lineItemId: string; subtotal: string; currency?: string }) {
  return webhook(base, "refunds/create", refundPayload({ id: spec.id, orderId: spec.orderId, createdAt: new Date().toISOString(), currency: spec.currency ?? "USD", lines: [{ lineItemId: spec.lineItemId, quantity: 1, subtotal: spec.subtotal }] }));
}

export async function member(db: Db, customerId: string) {
  return db.member.findFirstOrThrow({ where: { shop: { domain: LOCAL_SHOP }, customerGid: gidOf(customerId) }, include: { tier: true } });
}

/** What the widget shows this customer (the app proxy's /customer answer). */
export function widget(db: Db, customerId: string | null) {
  return getCustomerView(LOCAL_SHOP, customerId === null ? null : gidOf(customerId), db);
}

/** Redeems as the widget does; returns what Kanta asked Shopify for (the discount, or the store credit). */
export async function redeem(db: Db, customerId: string, rewardId: string) {
  const asked: { discount?: DiscountSpec; credit?: StoreCreditSpec } = {};
  const view = await redeemReward(
    { shopDomain: LOCAL_SHOP, customerGid: gidOf(customerId), rewardId, requestId: randomUUID() },
    async (spec) => {
      asked.discount = spec;
      return { discountGid: `gid://shopify/DiscountCodeNode/${Date.now()}`, code: spec.code };
    },
    db,
    {
      issueStoreCredit: async (spec) => {
        asked.credit = spec;
        return { transactionGid: `gid://shopify/StoreCreditAccountCreditTransaction/${Date.now()}` };
      },
    },
  );
  return { view, ...asked };
}
