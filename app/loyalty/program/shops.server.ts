import type { Db, Tx } from "../../db.server";
import { DEFAULT_SIGNUP_POINTS, DEFAULT_TIERS, STARTER_REWARD, defaultEarnRate, scaledDefaultMinor, tierThresholdMinor } from "./defaults";
import { inTransaction } from "../tx.server";
import { markAppDataDirty } from "./app-data.server";
import { requestCatalogSync } from "../catalog/catalog.server";

export interface ShopDetails {
  domain: string;
  name: string;
  currencyCode: string;
  ianaTimezone: string;
  primaryLocale?: string;
}

export class UnknownShopError extends Error {
  override name = "UnknownShopError";
}

/**
 * Creates the shop with a default program (draft), the default tier ladder (thresholds
 * scaled to the currency) and the purchase and sign-up earning rules; on a reinstall or
 * detail sync, updates the details. `starter` (an install from Shopify, not a test's or the
 * seeds' shop) also adds a starter reward, so a new program can launch as it is.
 */
export async function ensureShop(db: Db, details: ShopDetails, options: { starter?: boolean } = {}) {
  return inTransaction(db, async (tx) => {
    const existing = await tx.shop.findUnique({ where: { domain: details.domain } });
    if (existing) {
      // A reinstall is a new app installation, without the old one's app-data metafields.
      if (existing.uninstalledAt) await markAppDataDirty(tx, existing.id);
      return tx.shop.update({
        where: { id: existing.id },
        data: {
          name: details.name,
          currencyCode: details.currencyCode,
          ianaTimezone: details.ianaTimezone,
          primaryLocale: details.primaryLocale ?? existing.primaryLocale,
          uninstalledAt: null,
        },
      });
    }
    const shop = await tx.shop.create({
      data: {
        domain: details.domain,
        name: details.name,
        currencyCode: details.currencyCode,
        ianaTimezone: details.ianaTimezone,
        primaryLocale: details.primaryLocale ?? "en",
      },
    });
    await createDefaults(tx, shop.id, details.currencyCode);
    if (options.starter) {
      await tx.reward.create({
        data: { shopId: shop.id, type: "amount_off", name: STARTER_REWARD.name, pointsCost: STARTER_REWARD.pointsCost, valueMinor: BigInt(scaledDefaultMinor(STARTER_REWARD.euros, details.currencyCode)) },
      });
      // The catalogue the earning rules by product and collection read (0033).
      await requestCatalogSync(tx, shop.id, new Date());
    }
    await markAppDataDirty(tx, shop.id);
    return shop;
  });
}

async function createDefaults(tx: Tx, shopId: string, currencyCode: string) {
  const rate = defaultEarnRate(currencyCode);
  await tx.program.create({ data: { shopId } });
  for (const tier of DEFAULT_TIERS) {
    await tx.tier.create({
      data: {
        shopId,
        name: tier.name,
        rank: tier.rank,
        thresholdMinor: BigInt(tierThresholdMinor(tier, currencyCode)),
        multiplierPermille: tier.multiplierPermille,
      },
    });
  }
  await tx.earningRule.create({
    data: {
      shopId,
      type: "purchase",
      name: "Place an order",
      points: rate.points,
      spendMinor: BigInt(rate.spendMinor),
      limit: "unlimited",
    },
  });
  await tx.earningRule.create({
    data: { shopId, type: "signup", name: "Join the program", points: DEFAULT_SIGNUP_POINTS, limit: "once" },
  });
}

export async function findShopByDomain(db: Db | Tx, domain: string) {
  return db.shop.findUnique({ where: { domain }, include: { program: true } });
}

export async function requireShopByDomain(db: Db | Tx, domain: string) {
  const shop = await findShopByDomain(db, domain);
  if (!shop || !shop.program) throw new UnknownShopError(`unknown shop ${domain}`);
  return { ...shop, program: shop.program };
}

export type ShopWithProgram = Awaited<ReturnType<typeof requireShopByDomain>>;

/**
 * app/uninstalled: the shop's sessions are deleted (its tokens are dead) and the shop is
 * marked uninstalled; its loyalty data stays until shop/redact, so a reinstall within 48
 * hours finds its program intact.
 */
export async function markShopUninstalled(db: Db, domain: string) {
  return inTransaction(db, async (tx) => {
    await tx.session.deleteMany({ where: { shop: domain } });
    const updated = await tx.shop.updateMany({ where: { domain }, data: { uninstalledAt: new Date() } });
    return { uninstalled: updated.count };
  });
}
