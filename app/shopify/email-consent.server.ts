import { CUSTOMER_EMAIL_MARKETING_STATES } from "./documents";
import { runAdminQuery, type AdminGraphql } from "./graphql";

// Shopify's email marketing state of customers, for loyalty emails that go only to
// subscribed customers (app/jobs/email-job.server.ts). A customer Shopify does not know, or
// without an email address, reads as null.
// https://shopify.dev/docs/api/admin-graphql/latest/objects/CustomerEmailAddress

export async function fetchEmailMarketingStates(graphql: AdminGraphql, customerGids: readonly string[]): Promise<Map<string, string | null>> {
  const ids = [...new Set(customerGids)].filter((g) => /^gid:\/\/shopify\/Customer\/\d+$/.test(g));
  const states = new Map<string, string | null>(ids.map((id) => [id, null]));
  if (ids.length === 0) return states;
  const data = await runAdminQuery<{ nodes: ({ id?: string; defaultEmailAddress?: { marketingState?: string | null } | null } | null)[] }>(graphql, CUSTOMER_EMAIL_MARKETING_STATES, { ids });
  for (const node of data.nodes ?? []) if (node?.id) states.set(node.id, node.defaultEmailAddress?.marketingState ?? null);
  return states;
}
