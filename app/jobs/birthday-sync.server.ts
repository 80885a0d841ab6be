import type { Db } from "../db.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { METAFIELDS_PER_REQUEST, setCustomerBirthdays } from "../shopify/customers.server";
import type { AdminGraphql } from "../shopify/graphql";
import { errorText } from "./backoff";

// Members' birthdays to the customer metafield $app:kanta.birthday (0023), so Shopify's
// segments, Shopify Email and Klaviyo's Shopify sync can use them. The widget's save marks
// the member (birthdaySyncDue, indexed); this job sends up to 25 customers per metafieldsSet
// request and clears the mark only where the birthday is still the one it sent (a change
// meanwhile stays due). A failed request leaves its members due for the next run (every
// minute), so a shop whose Shopify is down costs one request a minute; a customer Shopify
// refuses (deleted) is dropped from the batch and logged, and the others are sent again.

export interface BirthdaySyncStats {
  synced: number;
  refused: number;
  failed: number;
}

export async function syncDueBirthdays(
  db: Db,
  options: { limit?: number; graphqlFor?: (shopDomain: string) => Promise<AdminGraphql> } = {},
): Promise<BirthdaySyncStats> {
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const stats: BirthdaySyncStats = { synced: 0, refused: 0, failed: 0 };
  const due = await db.member.findMany({
    where: { birthdaySyncDue: true, status: "active", birthMonth: { not: null }, shop: { uninstalledAt: null } },
    orderBy: { id: "asc" },
    take: options.limit ?? 250,
    select: { id: true, shopId: true, customerGid: true, birthMonth: true, birthDay: true, birthYear: true, birthdaySetAt: true, shop: { select: { domain: true } } },
  });
  const byShop = new Map<string, typeof due>();
  for (const m of due) byShop.set(m.shop.domain, [...(byShop.get(m.shop.domain) ?? []), m]);
  for (const [domain, members] of byShop) {
    try {
      const graphql = await graphqlFor(domain);
      for (let i = 0; i < members.length; i += METAFIELDS_PER_REQUEST) {
        let batch = members.slice(i, i + METAFIELDS_PER_REQUEST);
        // At most two rounds: the refused ones out, then the rest again.
        for (let round = 0; round < 2 && batch.length > 0; round++) {
          const { refused } = await setCustomerBirthdays(
            graphql,
            batch.map((m) => ({ customerGid: m.customerGid, birthday: { month: m.birthMonth!, day: m.birthDay!, year: m.birthYear } })),
          );
          if (refused.length === 0) {
            for (const m of batch) {
              const cleared = await db.member.updateMany({ where: { id: m.id, birthdaySetAt: m.birthdaySetAt }, data: { birthdaySyncDue: false } });
              stats.synced += cleared.count;
            }
            break;
          }
          const out = new Set(refused.map((index) => batch[index]?.id).filter(Boolean));
          for (const id of out) {
            log.warn("birthday metafield refused", { shop: domain, memberId: id });
            await db.member.updateMany({ where: { id: id! }, data: { birthdaySyncDue: false } });
            stats.refused++;
          }
          batch = batch.filter((m) => !out.has(m.id));
        }
      }
    } catch (error) {
      stats.failed++;
      log.warn("birthday metafield sync failed", { shop: domain, error: errorText(error) });
    }
  }
  return stats;
}
