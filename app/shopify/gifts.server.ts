import type { DiscountSpec } from "../loyalty/rewards/rewards";
import { getAdminGraphqlForShop } from "./admin.server";
import { createRewardDiscount, deactivateDiscount, findDiscountByCode, type CreatedDiscount } from "./discounts.server";
import type { AdminGraphql } from "./graphql";

// Shopify for the gift outbox (app/jobs/gifts.server.ts, docs/decisions/0031-gifts.md): a
// gift's code made (after asking whether a crashed attempt already made it), or deactivated
// when the gift is taken back.

export interface GiftGateway {
  issueDiscount(spec: DiscountSpec): Promise<CreatedDiscount>;
  findDiscount(code: string): Promise<string | null>;
  deactivateDiscount(discountGid: string): Promise<void>;
}

export function giftGateway(graphql: AdminGraphql): GiftGateway {
  return {
    issueDiscount: (spec) => createRewardDiscount(graphql, spec),
    findDiscount: (code) => findDiscountByCode(graphql, code),
    deactivateDiscount: (gid) => deactivateDiscount(graphql, gid),
  };
}

/** For background work: the shop's offline session, or the emulator in local mode. */
export async function giftGatewayForShop(shopDomain: string): Promise<GiftGateway> {
  return giftGateway(await getAdminGraphqlForShop(shopDomain));
}
