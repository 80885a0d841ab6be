import type { Db } from "../db.server";
import { eraseCustomer, eraseShop, exportCustomerData } from "../loyalty/members/compliance.server";
import { enrollMember } from "../loyalty/members/enrol.server";
import { applyOrderSnapshot, applyRefund } from "../loyalty/orders/orders.server";
import { refreshOrderFact } from "../loyalty/analytics/facts.server";
import { applyReferralForOrder, applyReferralForRefund } from "../loyalty/referrals/completion.server";
import { requireShopConfig } from "../loyalty/program/shop-config.server";
import { markShopUninstalled } from "../loyalty/program/shops.server";
import { inTransaction } from "../loyalty/tx.server";
import { issueReferrerRewardCodes } from "../jobs/referral-rewards.server";
import { referralGatewayForShop } from "../shopify/referral-contacts.server";
import { refreshCatalogCollection, refreshCatalogProduct } from "../jobs/catalog-sync.server";
import { removeCatalogCollection, removeCatalogProduct, upsertCatalogCollections, upsertCatalogProducts } from "../loyalty/catalog/catalog.server";
import { toCatalogCollection, toCatalogProduct, toDeletedCollectionGid, toDeletedProductGid } from "./catalog-payloads";
import {
  PayloadError,
  toComplianceCustomer,
  toCustomerFacts,
  toOrderSnapshot,
  toRefundSnapshot,
  toShopRedact,
} from "./payloads";

// One handler per topic: payload -> domain call. Handlers are idempotent and converge, so
// the inbox may run any of them more than once.

export interface WebhookContext {
  db: Db;
  shopDomain: string;
  topic: string;
  payload: unknown;
  now: Date;
  /**
   * Set by the batch path (app/jobs/webhook-batch.server.ts), whose `db` is its open
   * transaction: work that must wait for the commit (calls to Shopify) is pushed here and
   * run after it. Unset, such work runs at once (after the handler's own commits).
   */
  afterCommit?: ((db: Db) => Promise<unknown>)[];
}

/** Runs `work` after the batch commits, or now on the per-event path. */
async function whenCommitted(ctx: WebhookContext, work: (db: Db) => Promise<unknown>): Promise<void> {
  if (ctx.afterCommit) ctx.afterCommit.push(work);
  else await work(ctx.db);
}

type Handler = (ctx: WebhookContext) => Promise<unknown>;

function requireSameShop(ctx: WebhookContext, payloadShop: string): void {
  if (payloadShop !== ctx.shopDomain) {
    throw new PayloadError(`payload is for ${payloadShop}, delivered for ${ctx.shopDomain}`);
  }
}

export const HANDLERS: Record<string, Handler> = {
  "orders/paid": (ctx) => applyOrder(ctx, true),
  "orders/updated": (ctx) => applyOrder(ctx, false),
  "orders/cancelled": (ctx) => applyOrder(ctx, false),
  "refunds/create": async (ctx) => {
    const refund = toRefundSnapshot(ctx.payload);
    const result = await applyRefund(ctx.db, ctx.shopDomain, refund, { now: ctx.now });
    const referral = await applyReferralForRefund(ctx.db, ctx.shopDomain, refund, ctx.now);
    const codes = referral?.rewardCodes ?? [];
    if (codes.length) await whenCommitted(ctx, (db) => issueReferrerRewardCodes(codes, { db, now: ctx.now, gatewayFor: referralGatewayForShop }));
    return result;
  },
  // The catalogue (app/loyalty/catalog, 0033): the fields now, membership from Shopify after the commit.
  "products/update": async (ctx) => {
    const product = toCatalogProduct(ctx.payload);
    const shop = await requireShopConfig(ctx.db, ctx.shopDomain);
    await upsertCatalogProducts(ctx.db, shop.id, [product], ctx.now);
    await whenCommitted(ctx, (db) => refreshCatalogProduct(db, shop, product.productGid, ctx.now));
  },
  "products/delete": async (ctx) => {
    const shop = await requireShopConfig(ctx.db, ctx.shopDomain);
    await inTransaction(ctx.db, (tx) => removeCatalogProduct(tx, shop.id, toDeletedProductGid(ctx.payload)));
  },
  "collections/update": async (ctx) => {
    const collection = toCatalogCollection(ctx.payload);
    const shop = await requireShopConfig(ctx.db, ctx.shopDomain);
    await upsertCatalogCollections(ctx.db, shop.id, [collection], ctx.now);
    await whenCommitted(ctx, (db) => refreshCatalogCollection(db, shop, collection.collectionGid, ctx.now));
  },
  "collections/delete": async (ctx) => {
    const shop = await requireShopConfig(ctx.db, ctx.shopDomain);
    await inTransaction(ctx.db, (tx) => removeCatalogCollection(tx, shop.id, toDeletedCollectionGid(ctx.payload)));
  },
  "customers/create": upsertCustomer,
  "customers/update": upsertCustomer,
  "app/uninstalled": (ctx) => markShopUninstalled(ctx.db, ctx.shopDomain),
  "app/scopes_update": (ctx) => updateSessionScopes(ctx),
  "customers/data_request": async (ctx) => {
    const request = toComplianceCustomer(ctx.payload);
    requireSameShop(ctx, request.shopDomain);
    return exportCustomerData(ctx.db, request);
  },
  "customers/redact": async (ctx) => {
    const request = toComplianceCustomer(ctx.payload);
    requireSameShop(ctx, request.shopDomain);
    return eraseCustomer(ctx.db, request);
  },
  "shop/redact": async (ctx) => {
    const request = toShopRedact(ctx.payload);
    requireSameShop(ctx, request.shopDomain);
    return eraseShop(ctx.db, request.shopDomain);
  },
};

export const HANDLED_TOPICS = Object.keys(HANDLERS);

/**
 * Points first (their own transaction), then the referral the order may complete. Both
 * converge, so a retry after a failure in the second step changes nothing in the first.
 */
async function applyOrder(ctx: WebhookContext, paidSignal: boolean) {
  const snapshot = toOrderSnapshot(ctx.payload);
  const result = await applyOrderSnapshot(ctx.db, ctx.shopDomain, snapshot, { paidSignal, now: ctx.now });
  const referral = await applyReferralForOrder(ctx.db, ctx.shopDomain, snapshot, ctx.now, referralGatewayForShop);
  // Analytics counts the order as referred once the referral knows it.
  if (referral) await refreshOrderFact(ctx.db, ctx.shopDomain, snapshot.orderGid);
  // The referrer's discount code, after commit; what fails here the sweep retries from its row.
  const codes = referral?.rewardCodes ?? [];
  if (codes.length) await whenCommitted(ctx, (db) => issueReferrerRewardCodes(codes, { db, now: ctx.now, gatewayFor: referralGatewayForShop }));
  return result;
}

async function upsertCustomer(ctx: WebhookContext) {
  const facts = toCustomerFacts(ctx.payload);
  return inTransaction(ctx.db, async (tx) => {
    const shop = await requireShopConfig(tx, ctx.shopDomain);
    return enrollMember(tx, shop, facts);
  });
}

async function updateSessionScopes(ctx: WebhookContext) {
  const payload = ctx.payload as { current?: unknown };
  if (!Array.isArray(payload.current)) throw new PayloadError("app/scopes_update: current must be a list");
  const scope = payload.current.map(String).join(",");
  await ctx.db.session.updateMany({ where: { shop: ctx.shopDomain }, data: { scope } });
}
