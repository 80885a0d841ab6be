import type { Db } from "../db.server";
import { findStalledRedemptions, recoverStalledRedemption } from "../loyalty/rewards/redemptions.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { findDiscountByCode } from "../shopify/discounts.server";

/**
 * Redemptions left pending by a process that died while Shopify was creating the code:
 * if Shopify has the code, the redemption is issued; if not, the points go back.
 */
export async function recoverStalledRedemptions(db: Db, now = new Date()): Promise<number> {
  let finished = 0;
  for (const stalled of await findStalledRedemptions(db, now)) {
    try {
      const graphql = await getAdminGraphqlForShop(stalled.shop.domain);
      const existing = stalled.code ? await findDiscountByCode(graphql, stalled.code) : null;
      const outcome = await recoverStalledRedemption(db, stalled.id, existing);
      log.info("stalled redemption finished", { shop: stalled.shop.domain, redemptionId: stalled.id, outcome });
      finished++;
    } catch (error) {
      // Shopify unreachable or the shop has no session: try again at the next sweep.
      log.warn("stalled redemption not finished yet", { shop: stalled.shop.domain, redemptionId: stalled.id, error: String(error) });
    }
  }
  return finished;
}
