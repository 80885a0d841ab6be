import type { Db, Tx } from "../../db.server";
import { parseReferralSettings, type ReferralSettings } from "./settings";
import { type AddressFacts } from "./fraud";
import { type ReferralDiscountSpec } from "./lifecycle";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { UnknownShopError } from "../program/shops.server";
import { log } from "../../log.server";


// Referrals, shared by the rooms below: the shop's referral settings, the Shopify gateway
// referrals need, and their errors.
// docs/decisions/0009-referrals.md

/** Shopify, as far as referrals need it (app/shopify/referral-contacts.server.ts, or a test double). */
export interface ReferralGateway {
  issueDiscount(spec: ReferralDiscountSpec): Promise<{ discountGid: string; code: string }>;
  /** The discount's id if a code exists in Shopify, else null. */
  findDiscount(code: string): Promise<string | null>;
  /** Contact details and order counts of customers (the fraud rules), by GID; unknown ones are absent. */
  lookupCustomers(customerGids: string[]): Promise<Map<string, CustomerContact>>;
  /** The Shopify customer with this email, created when there is none (a friend's welcome code belongs to one). */
  findOrCreateCustomer(email: string): Promise<FriendCustomer>;
}

export interface FriendCustomer {
  customerGid: string;
  /** Shopify's count of the customer's orders: above 0, the friend is not new to the shop. */
  numberOfOrders: number;
  created: boolean;
}

export interface CustomerContact {
  customerGid: string;
  emails: string[];
  phones: string[];
  addresses: AddressFacts[];
  /** Shopify's count of the customer's orders (numberOfOrders). */
  numberOfOrders: number | null;
}

export type GatewayFor = (shopDomain: string) => Promise<ReferralGateway>;

export type ReferralErrorCode =
  | "not_found"
  | "program_inactive"
  | "invalid_email"
  | "own_link"
  | "already_claimed"
  | "existing_customer"
  | "closed"
  | "daily_cap"
  | "shopify_failed";

export class ReferralError extends Error {
  override name = "ReferralError";
  constructor(
    readonly code: ReferralErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type ReferralRow = Awaited<ReturnType<Tx["referral"]["findUniqueOrThrow"]>>;

export async function loadReferralSettings(db: Db | Tx, shopId: string): Promise<ReferralSettings> {
  const program = await db.program.findUnique({ where: { shopId }, select: { referralSettings: true } });
  return parseReferralSettings(program?.referralSettings);
}

export async function requireLiveReferrals(db: Db | Tx, shopDomain: string): Promise<{ shop: ShopConfig; settings: ReferralSettings } | null> {
  let shop: ShopConfig;
  try {
    shop = await requireShopConfig(db, shopDomain);
  } catch (error) {
    if (!(error instanceof UnknownShopError)) throw error;
    // A storefront call for a shop Kanta does not know (never installed, or erased): no referrals there.
    log.debug("referrals for an unknown shop", { shop: shopDomain });
    return null;
  }
  if (shop.uninstalled || shop.program.status !== "live") return null;
  const settings = await loadReferralSettings(db, shop.id);
  return settings.enabled ? { shop, settings } : null;
}
