import { getDb } from "../db.server";
import { ensureInstallEnrolment } from "../loyalty/members/existing-customers.server";
import { ensureShop } from "../loyalty/program/shops.server";
import { SHOP_DETAILS } from "./documents";
import { runAdminQuery, type AdminGraphql } from "./graphql";

interface ShopDetailsData {
  shop: { name: string; myshopifyDomain: string; currencyCode: string; ianaTimezone: string };
}

/**
 * Reads the shop's name, currency and time zone from Shopify and saves them (on install:
 * a new program with its starter reward), then asks for the enrolment of the shop's
 * existing customers once per shop (app/jobs/enrolment.server.ts runs it).
 */
export async function syncShopDetails(domain: string, admin: { graphql: AdminGraphql }) {
  const data = await runAdminQuery<ShopDetailsData>(admin.graphql, SHOP_DETAILS);
  const db = getDb();
  const shop = await ensureShop(db, { domain, name: data.shop.name, currencyCode: data.shop.currencyCode, ianaTimezone: data.shop.ianaTimezone }, { starter: true });
  await ensureInstallEnrolment(db, domain);
  return shop;
}
