import { getDb, type Db } from "../db.server";
import { claimGift, findDueGifts, markGiftIssued, markGiftRevoked } from "../loyalty/rewards/gifts.server";
import { recordRedemptionFailure } from "../loyalty/rewards/stalled.server";
import { log } from "../log.server";
import { ShopUninstalledError } from "../shopify/errors";
import { giftGatewayForShop, type GiftGateway } from "../shopify/gifts.server";
import { RETRY, afterShopifyFailure, errorText, leaseUntil } from "./backoff";

// The gift outbox (docs/decisions/0031-gifts.md): gifts granted in the transaction of what
// earned them (Redemption rows in `issuing`) get their code in Shopify here, and gifts taken
// back (`revoking`) have it deactivated. Run by the sweep's "gifts-due" task. The code is
// derived from the gift, so a retry after a crash asks Shopify for that exact code before
// creating it; Shopify's errors are classified once (app/shopify/errors.ts): terminal ones
// make the row `dead`, retryable ones back off (app/jobs/backoff.ts RETRY.gift).

export interface GiftStats {
  issued: number;
  revoked: number;
  retrying: number;
  dead: number;
}

export type GiftGatewayFor = (shopDomain: string) => Promise<GiftGateway>;

/** Every gift due for an attempt. Never throws: what fails stays for the next sweep. */
export async function runDueGifts(db: Db = getDb(), options: { now?: Date; gatewayFor?: GiftGatewayFor } = {}): Promise<GiftStats> {
  const now = options.now ?? new Date();
  const gatewayFor = options.gatewayFor ?? giftGatewayForShop;
  const stats: GiftStats = { issued: 0, revoked: 0, retrying: 0, dead: 0 };
  for (const id of await findDueGifts(db, now)) {
    try {
      const outcome = await attemptGift(db, id, now, gatewayFor);
      if (outcome) stats[outcome]++;
    } catch (error) {
      // The database failed us: the row keeps its status and is due again when its lease runs out.
      log.error("gift crashed", { redemptionId: id, error: errorText(error) });
    }
  }
  return stats;
}

async function attemptGift(db: Db, id: string, now: Date, gatewayFor: GiftGatewayFor): Promise<keyof GiftStats | null> {
  const attempt = await claimGift(db, id, now, leaseUntil(now));
  if (!attempt) return null;
  const fields = { shop: attempt.shopDomain, redemptionId: id, attempt: attempt.attempts, action: attempt.action };
  try {
    if (attempt.shopUninstalled) throw new ShopUninstalledError(attempt.shopDomain);
    const gateway = await gatewayFor(attempt.shopDomain);
    const existing = await gateway.findDiscount(attempt.code);
    if (attempt.action === "revoke") {
      const gid = attempt.discountGid ?? existing;
      if (gid) await gateway.deactivateDiscount(gid);
      await markGiftRevoked(db, id);
      return "revoked";
    }
    const discountGid = existing ?? (await gateway.issueDiscount(attempt.spec)).discountGid;
    if (await markGiftIssued(db, id, discountGid)) return "issued";
    // Taken back while Shopify made the code: it must not stay usable.
    await gateway.deactivateDiscount(discountGid);
    log.warn("gift code made after the gift was taken back; deactivated", fields);
    return "revoked";
  } catch (error) {
    const verdict = afterShopifyFailure({ error, attempts: attempt.attempts, now, policy: RETRY.gift });
    if (verdict.status === "dead") log.error("gift dead", { ...fields, kind: verdict.kind, error: verdict.error });
    else log.warn("gift failed, will retry", { ...fields, kind: verdict.kind, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
    await recordRedemptionFailure(db, id, attempt.action === "revoke" ? "revoking" : "issuing", verdict);
    return verdict.status === "dead" ? "dead" : "retrying";
  }
}
