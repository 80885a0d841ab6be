import { getDb } from "../db.server";
import { ensureShop } from "../loyalty/program/shops.server";
import { SHOP_DETAILS } from "./documents";
import { runAdminQuery, type AdminGraphql } from "./graphql";

interface ShopDetailsData {
  shop: { name: string; myshopifyDomain: string; currencyCode: string; ianaTimezone: string };
}

/** Reads the shop's name, currency and time zone from Shopify and saves them (on install). */
export async function syncShopDetails(domain: string, admin: { graphql: AdminGraphql }) {
  const data = await runAdminQuery<ShopDetailsData>(admin.graphql, SHOP_DETAILS);
  return ensureShop(getDb(), {
    domain,
    name: data.shop.name,
    currencyCode: data.shop.currencyCode,
    ianaTimezone: data.shop.ianaTimezone,
  });
}
