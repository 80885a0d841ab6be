import type { CustomerContact, ReferralGateway } from "../loyalty/referrals/settings.server";
import { getAdminGraphqlForShop } from "./admin.server";
import { createRewardDiscount, findDiscountByCode } from "./discounts.server";
import { REFERRAL_CUSTOMER_CONTACTS } from "./documents";
import { runAdminQuery, type AdminGraphql } from "./graphql";

// Shopify for the referral program: discount codes (friend's welcome code, referrer's
// reward) and the customer facts the fraud rules compare.
// https://shopify.dev/docs/api/admin-graphql/latest/queries/nodes

interface ContactNode {
  id?: string;
  numberOfOrders?: string | number | null;
  defaultEmailAddress?: { emailAddress: string } | null;
  defaultPhoneNumber?: { phoneNumber: string } | null;
  addressesV2?: {
    nodes: { address1: string | null; address2: string | null; city: string | null; zip: string | null; countryCodeV2: string | null; phone: string | null }[];
  };
}

export async function fetchCustomerContacts(graphql: AdminGraphql, customerGids: string[]): Promise<Map<string, CustomerContact>> {
  const ids = [...new Set(customerGids)].filter((g) => /^gid:\/\/shopify\/Customer\/\d+$/.test(g));
  const contacts = new Map<string, CustomerContact>();
  if (ids.length === 0) return contacts;
  const data = await runAdminQuery<{ nodes: (ContactNode | null)[] }>(graphql, REFERRAL_CUSTOMER_CONTACTS, { ids });
  for (const node of data.nodes ?? []) {
    if (!node?.id) continue;
    const addresses = node.addressesV2?.nodes ?? [];
    const orders = node.numberOfOrders === null || node.numberOfOrders === undefined ? null : Number(node.numberOfOrders);
    contacts.set(node.id, {
      customerGid: node.id,
      emails: node.defaultEmailAddress?.emailAddress ? [node.defaultEmailAddress.emailAddress] : [],
      phones: [node.defaultPhoneNumber?.phoneNumber, ...addresses.map((a) => a.phone)].filter((p): p is string => Boolean(p)),
      addresses: addresses.map((a) => ({ address1: a.address1, address2: a.address2, city: a.city, zip: a.zip, countryCode: a.countryCodeV2 })),
      numberOfOrders: Number.isFinite(orders) ? orders : null,
    });
  }
  return contacts;
}

export function referralGateway(graphql: AdminGraphql): ReferralGateway {
  return {
    issueDiscount: (spec) => createRewardDiscount(graphql, spec),
    findDiscount: (code) => findDiscountByCode(graphql, code),
    lookupCustomers: (gids) => fetchCustomerContacts(graphql, gids),
  };
}

/** For background work (webhooks, the sweep): the shop's offline session, or the emulator in local mode. */
export async function referralGatewayForShop(shopDomain: string): Promise<ReferralGateway> {
  return referralGateway(await getAdminGraphqlForShop(shopDomain));
}
