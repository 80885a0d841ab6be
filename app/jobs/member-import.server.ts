import type { Db } from "../db.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { runImportApply } from "../loyalty/import/apply.server";
import { runImportCheck } from "../loyalty/import/check.server";
import { claimDueImport, recordImportFailure } from "../loyalty/import/import.server";
import { ImportError, type ImportRunOptions, type ShopCustomer } from "../loyalty/import/state.server";
import { LEASE_MS, RETRY, afterShopifyFailure, errorText, leaseUntil } from "./backoff";
import { requestTierPass } from "./tier-review.server";
import { streamShopCustomers } from "../shopify/bulk.server";

// Member imports, run by the sweep's "member-imports" task (app/jobs/tasks.server.ts): the
// check (dry run) of an import whose mapping was saved, and the import of one the merchant
// started. A claimed import holds a lease that each batch renews; a worker that dies leaves
// it to run out, and the next sweep resumes the import where its committed batches ended
// (the check starts over: it writes only its own staging rows). A failure backs off and,
// after RETRY.memberImport's attempts, leaves the import `failed` with its error for the
// page. docs/decisions/0019-member-import.md

/** Streams a shop's Shopify customers for the check (Shopify's bulk operation). */
export type CustomerSource = (shopDomain: string) => AsyncIterable<ShopCustomer>;

/** Shopify's bulk operation over the shop's customers (one query, its JSONL streamed). */
export const defaultCustomerSource: CustomerSource = (shopDomain) => streamShopCustomers(shopDomain);

export function importJobsEnabled(): boolean {
  return getEnv().KANTA_IMPORT_JOBS === "1";
}

export interface ImportJobOptions extends Pick<ImportRunOptions, "batchSize"> {
  customers?: CustomerSource;
  leaseMs?: number;
}

/** Runs due imports one after another until none is due. Returns how many ran. */
export async function runDueImports(db: Db, now = new Date(), options: ImportJobOptions = {}): Promise<number> {
  let ran = 0;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  for (;;) {
    const imp = await claimDueImport(db, now, leaseUntil(now, leaseMs));
    if (!imp) return ran;
    ran++;
    const shop = await db.shop.findUniqueOrThrow({ where: { id: imp.shopId }, select: { domain: true } });
    const renew = async () => {
      await db.memberImport.update({ where: { id: imp.id }, data: { leaseUntil: leaseUntil(new Date(), leaseMs) } });
    };
    try {
      if (imp.status === "checking") {
        const counts = await runImportCheck(db, imp.id, (options.customers ?? defaultCustomerSource)(shop.domain), { onProgress: renew });
        log.info("member import checked", { shop: shop.domain, importId: imp.id, ...counts });
      } else {
        const counts = await runImportApply(db, imp.id, { onProgress: renew, batchSize: options.batchSize });
        if (imp.tierMode === "rules") requestTierPass(shop.domain);
        log.info("member import done", { shop: shop.domain, importId: imp.id, ...counts });
      }
    } catch (error) {
      const verdict = afterShopifyFailure({ attempts: imp.attempts, now: new Date(), error, policy: RETRY.memberImport });
      log.error("member import failed", { shop: shop.domain, importId: imp.id, status: imp.status, attempt: imp.attempts, error: errorText(error), verdict: verdict.status });
      // A file the check refuses (too many rows) is the merchant's to fix: failed at once, with the reason.
      await recordImportFailure(db, imp.id, error instanceof ImportError ? { status: "dead", error: error.message } : verdict);
    }
  }
}
