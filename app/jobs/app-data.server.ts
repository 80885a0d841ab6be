import type { Db } from "../db.server";
import { getEnv, isLocalMode } from "../env.server";
import { log } from "../log.server";
import { DEFAULT_PROGRAM_NAME, storefrontWidgetDefaults } from "../loyalty/program/settings";
import { buildAccessAppData, parseAccessRules } from "../loyalty/tiers/access";
import { syncProgramAppData, type ProgramAppData } from "../shopify/app-data.server";
import type { AdminGraphql } from "../shopify/graphql";
import { RETRY, afterShopifyFailure, errorText, leaseUntil } from "./backoff";

// The AppDataSync outbox (rows marked dirty by app/loyalty/program/app-data.server.ts): the storefront's app-data metafields (kanta.program: status and
// widget defaults, app/shopify/app-data.server.ts; kanta.access: members-only products, 0034) follow the Program row. Every change
// the metafield shows marks the shop's row dirty in the same transaction (launch, pause,
// resume, Settings saves, install); this job sends the Program as it is now, then clears
// the row only if nothing changed meanwhile (`version`). Failures are classified once
// (app/shopify/errors.ts): a terminal one makes the row dead at once (`deadAt`), a
// retryable one backs off (app/jobs/backoff.ts: 1 s, 4 s, 16 s … 1 h) until RETRY.appData's
// attempts are used up, then the row is dead too. A dead row stays dirty, with its error,
// for the Home warning; the next change marks it again. A crash leaves it dirty. Uninstalled
// shops are skipped until a reinstall marks them again (their metafields went with the
// old installation).

export const APP_DATA_MAX_ATTEMPTS = RETRY.appData.maxAttempts;

/** The metafield's value for a Program row (the same widget defaults the app proxy gives). */
export function buildProgramAppData(program: { status: string; programName: string; widgetSettings: string }): ProgramAppData {
  const status = program.status === "live" || program.status === "paused" ? program.status : "draft";
  const name = program.programName.trim();
  const widget = storefrontWidgetDefaults(program.widgetSettings);
  return {
    status,
    programName: name && name !== DEFAULT_PROGRAM_NAME ? name : null,
    widget: { accent: widget.accent, onAccent: widget.onAccent, position: widget.position, label: widget.label },
  };
}

export interface AppDataSyncStats {
  synced: number;
  retrying: number;
  /** Given up: a terminal error, or the last attempt. */
  dead: number;
  /** Synced, but changed again meanwhile: stays dirty for the next sweep. */
  superseded: number;
}

export interface AppDataSyncOptions {
  now?: Date;
  limit?: number;
}

/** Sends every due dirty row. Never throws for one shop's failure. */
export async function syncDueAppData(
  db: Db,
  gatewayFor: (shopDomain: string) => Promise<AdminGraphql>,
  options: AppDataSyncOptions = {},
): Promise<AppDataSyncStats> {
  const now = options.now ?? new Date();
  const stats: AppDataSyncStats = { synced: 0, retrying: 0, dead: 0, superseded: 0 };
  const due = await db.appDataSync.findMany({
    where: { dirty: true, deadAt: null, nextAttemptAt: { lte: now }, shop: { uninstalledAt: null } },
    orderBy: { nextAttemptAt: "asc" },
    take: options.limit ?? 50,
    select: { shopId: true, version: true, attempts: true, nextAttemptAt: true, shop: { select: { domain: true } } },
  });
  for (const row of due) {
    const fields = { shop: row.shop.domain, attempt: row.attempts + 1 };
    try {
      // Claim the row (another process's sweep may have found it too); a change since we read it un-claims it.
      const claimed = await db.appDataSync.updateMany({
        where: { shopId: row.shopId, version: row.version, dirty: true, deadAt: null, nextAttemptAt: row.nextAttemptAt },
        data: { nextAttemptAt: leaseUntil(now) },
      });
      if (claimed.count === 0) continue;
      // Read after the version: any later change has a higher version and keeps the row dirty.
      const program = await db.program.findUnique({
        where: { shopId: row.shopId },
        select: { status: true, programName: true, widgetSettings: true, memberAccess: true, excludedTags: true, shop: { select: { ianaTimezone: true, tiers: { select: { name: true, rank: true } } } } },
      });
      if (!program) {
        await db.appDataSync.updateMany({ where: { shopId: row.shopId, version: row.version }, data: { dirty: false } });
        continue;
      }
      try {
        // kanta.access (members-only rules, 0034) goes with it: the tier tags it names follow the ladder.
        const access = buildAccessAppData(parseAccessRules(program.memberAccess), program.shop.tiers, program.shop.ianaTimezone, program.excludedTags);
        await syncProgramAppData(await gatewayFor(row.shop.domain), buildProgramAppData(program), access);
      } catch (error) {
        const attempts = row.attempts + 1;
        const verdict = afterShopifyFailure({ error, attempts, now, policy: RETRY.appData });
        if (verdict.status === "dead") log.error("app-data sync dead", { ...fields, kind: verdict.kind, error: verdict.error });
        else log.warn("app-data sync failed, will retry", { ...fields, kind: verdict.kind, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
        const backedOff = await db.appDataSync.updateMany({
          where: { shopId: row.shopId, version: row.version },
          data:
            verdict.status === "dead"
              ? { attempts, lastError: verdict.error, deadAt: now }
              : { attempts, lastError: verdict.error, nextAttemptAt: verdict.nextAttemptAt },
        });
        // Changed meanwhile: the change already made it due now; keep the error for support.
        if (backedOff.count === 0) await db.appDataSync.updateMany({ where: { shopId: row.shopId }, data: { lastError: verdict.error } });
        if (verdict.status === "dead") stats.dead++;
        else stats.retrying++;
        continue;
      }
      const cleared = await db.appDataSync.updateMany({
        where: { shopId: row.shopId, version: row.version },
        data: { dirty: false, attempts: 0, lastError: null, deadAt: null, syncedAt: new Date() },
      });
      if (cleared.count === 1) stats.synced++;
      else stats.superseded++;
    } catch (error) {
      // The database failed us: the row stays dirty and its lease runs out.
      log.error("app-data sync crashed", { ...fields, error: errorText(error) });
    }
  }
  return stats;
}

/** KANTA_APP_DATA_JOBS=0 turns the background sync off; tests call it directly, so it is
 * off under NODE_ENV=test unless KANTA_APP_DATA_JOBS=1. */
export function appDataJobsEnabled(): boolean {
  return getEnv().KANTA_APP_DATA_JOBS === "1";
}

let localResent = false;

/**
 * One run of the sweep's app-data task (app/jobs/tasks.server.ts runs it in the background,
 * one run at a time per process). Local mode's emulator starts empty with each process, so
 * its first run sends every shop again.
 */
export async function runAppDataSync(db: Db, gatewayFor: (shopDomain: string) => Promise<AdminGraphql>): Promise<AppDataSyncStats> {
  if (isLocalMode() && !localResent) {
    await db.appDataSync.updateMany({ data: { dirty: true, deadAt: null, nextAttemptAt: new Date(), version: { increment: 1 } } });
    localResent = true;
  }
  const stats = await syncDueAppData(db, gatewayFor);
  if (stats.synced || stats.retrying || stats.dead) log.info("app-data sync", { ...stats });
  return stats;
}
