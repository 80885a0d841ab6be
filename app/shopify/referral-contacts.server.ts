import type { CustomerContact, FriendCustomer, ReferralGateway } from "../loyalty/referrals/settings.server";
import { getAdminGraphqlForShop } from "./admin.server";
import { createRewardDiscount, findDiscountByCode } from "./discounts.server";
import { CUSTOMER_BY_EMAIL, CUSTOMER_CREATE, REFERRAL_CUSTOMER_CONTACTS } from "./documents";
import { requireNoUserErrors, runAdminQuery, ShopifyApiError, type AdminGraphql } from "./graphql";

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

type CustomerFacts = { id: string; numberOfOrders: string | number | null } | null;

async function customerByEmail(graphql: AdminGraphql, email: string): Promise<CustomerFacts> {
  const data = await runAdminQuery<{ customerByIdentifier: CustomerFacts }>(graphql, CUSTOMER_BY_EMAIL, { email });
  return data.customerByIdentifier ?? null;
}

function toFriend(node: NonNullable<CustomerFacts>, created: boolean): FriendCustomer {
  const orders = Number(node.numberOfOrders ?? 0);
  return { customerGid: node.id, numberOfOrders: Number.isFinite(orders) ? orders : 0, created };
}

/**
 * The customer with this email in Shopify, or a new one (no marketing consent, tagged so the
 * merchant can tell where it came from). Two claims racing for one email: the second
 * create is refused as taken, and the customer the first made is found again.
 * https://shopify.dev/docs/api/admin-graphql/latest/queries/customerByIdentifier
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/customerCreate
 */
export async function findOrCreateCustomer(graphql: AdminGraphql, email: string): Promise<FriendCustomer> {
  const found = await customerByEmail(graphql, email);
  if (found) return toFriend(found, false);
  const data = await runAdminQuery<{ customerCreate: { customer: CustomerFacts; userErrors: { field?: string[] | null; message: string }[] } | null }>(
    graphql,
    CUSTOMER_CREATE,
    { input: { email, tags: ["kanta-referral"] } },
  );
  const payload = data.customerCreate;
  if (payload?.customer) return toFriend(payload.customer, true);
  const again = await customerByEmail(graphql, email);
  if (again) return toFriend(again, false);
  requireNoUserErrors("customerCreate", payload?.userErrors);
  throw new ShopifyApiError("customerCreate created no customer");
}

export function referralGateway(graphql: AdminGraphql): ReferralGateway {
  return {
    findOrCreateCustomer: (email) => findOrCreateCustomer(graphql, email),
    issueDiscount: (spec) => createRewardDiscount(graphql, spec),
    findDiscount: (code) => findDiscountByCode(graphql, code),
    lookupCustomers: (gids) => fetchCustomerContacts(graphql, gids),
  };
}

/** For background work (webhooks, the sweep): the shop's offline session, or the emulator in local mode. */
export async function referralGatewayForShop(shopDomain: string): Promise<ReferralGateway> {
  return referralGateway(await getAdminGraphqlForShop(shopDomain));
}
