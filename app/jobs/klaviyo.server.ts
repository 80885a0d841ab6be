import type { Db } from "../db.server";
import { KLAVIYO_EVENTS_PER_MINUTE, KlaviyoError, sendKlaviyoEvent, type KlaviyoClientOptions, type KlaviyoEvent } from "../klaviyo/events.server";
import { log } from "../log.server";
import { claimDueDeliveries, finishDeliveries, type ClaimedDelivery, type DeliveryOutcome } from "../loyalty/notify/channel-outbox.server";
import { realClock, type Clock } from "../shopify/throttle";
import { RETRY, afterFailure, errorText, leaseUntil } from "./backoff";
import { countOutcomes, type ChannelStats } from "./flow-occasions.server";

// The `klaviyo` channel of the occasion outbox: each occasion as a Klaviyo event (metric
// "Kanta Points Earned" etc., the member's email, balance and tier as profile properties,
// unique_id = the occasion key, so a resend is deduplicated by Klaviyo). Per shop, one event
// at a time, paced under Create Event's published steady limit (3,500/min per account:
// Kanta sends at most 3,000/min, one every 20 ms). A 429 stops the shop's run; its rows go
// again after Retry-After. Klaviyo refusing the key (401/403) turns the integration off
// with the error for Settings, and the rows are dead; a 4xx about one event makes it dead;
// 5xx and network failures back off (app/jobs/backoff.ts). No key, or the integration off:
// `skipped`. A member without an email: `skipped`.
// docs/decisions/0024-shopify-flow-klaviyo-bulk-sync.md

/** Kanta's own pace: under Klaviyo's 3,500/min, with room for the merchant's other integrations. */
export const KLAVIYO_SEND_INTERVAL_MS = Math.ceil(60_000 / (KLAVIYO_EVENTS_PER_MINUTE - 500));

export interface KlaviyoJobOptions {
  now?: Date;
  limit?: number;
  clock?: Clock;
  client?: KlaviyoClientOptions;
}

/** "points_earned" -> "Kanta Points Earned". */
export function klaviyoMetricName(kind: string): string {
  return `Kanta ${kind
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ")}`;
}

function eventFor(row: ClaimedDelivery): KlaviyoEvent | null {
  const email = row.member?.email ?? row.email;
  if (!email) return null;
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    data = {};
  }
  const balance = row.member?.points ?? null;
  const tier = row.member?.tierName ?? null;
  return {
    metricName: klaviyoMetricName(row.kind),
    uniqueId: row.occasionKey,
    time: row.occurredAt,
    email,
    firstName: row.member?.firstName ?? null,
    lastName: row.member?.lastName ?? null,
    externalId: row.member?.customerGid ?? null,
    properties: { ...data, balance, tier },
    profileProperties: row.member ? { "Kanta Points Balance": balance, "Kanta Tier": tier ?? "" } : {},
  };
}

export async function sendDueKlaviyoEvents(db: Db, options: KlaviyoJobOptions = {}): Promise<ChannelStats> {
  const now = options.now ?? new Date();
  const clock = options.clock ?? realClock;
  const rows = await claimDueDeliveries(db, "klaviyo", now, leaseUntil(now), options.limit ?? 500);
  const outcomes = new Map<string, DeliveryOutcome>();
  const byShop = new Map<string, ClaimedDelivery[]>();
  for (const row of rows) byShop.set(row.shopId, [...(byShop.get(row.shopId) ?? []), row]);
  for (const [shopId, list] of byShop) {
    const integration = await db.klaviyoIntegration.findUnique({ where: { shopId } });
    if (!integration?.enabled || list.some((r) => r.shopUninstalled)) {
      for (const r of list) outcomes.set(r.id, { status: "skipped", reason: "Klaviyo is not connected" });
      continue;
    }
    let stop: DeliveryOutcome | null = null;
    let lastSentAt: number | null = null;
    for (const row of list) {
      if (stop) {
        outcomes.set(row.id, stop);
        continue;
      }
      const event = eventFor(row);
      if (!event) {
        outcomes.set(row.id, { status: "skipped", reason: "no email address" });
        continue;
      }
      if (lastSentAt !== null) {
        const wait = lastSentAt + KLAVIYO_SEND_INTERVAL_MS - clock.now();
        if (wait > 0) await clock.sleep(wait);
      }
      lastSentAt = clock.now();
      const fields = { shopId, deliveryId: row.id, kind: row.kind, attempt: row.attempts };
      try {
        await sendKlaviyoEvent(integration.privateKey, event, options.client);
        outcomes.set(row.id, { status: "sent", recipient: event.email });
      } catch (error) {
        const text = errorText(error);
        if (error instanceof KlaviyoError && error.kind === "rate_limited") {
          // Not the row's fault: it and the shop's other rows go again after Retry-After.
          stop = { status: "retry", error: text, nextAttemptAt: new Date(now.getTime() + (error.retryAfterMs ?? 60_000)) };
          log.warn("klaviyo rate limited, will retry", { ...fields, retryAfterMs: error.retryAfterMs });
          outcomes.set(row.id, stop);
        } else if (error instanceof KlaviyoError && error.kind === "auth") {
          log.error("klaviyo refused the key", { ...fields, error: text });
          await db.klaviyoIntegration.update({ where: { shopId }, data: { enabled: false, lastError: text } });
          stop = { status: "dead", error: text };
          outcomes.set(row.id, stop);
        } else {
          const verdict = afterFailure({ error, attempts: row.attempts, now, policy: RETRY.tierSync, terminal: error instanceof KlaviyoError && error.kind === "invalid" });
          if (verdict.status === "dead") log.error("klaviyo event dead", { ...fields, error: verdict.error });
          else log.warn("klaviyo event failed, will retry", { ...fields, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
          outcomes.set(row.id, verdict.status === "dead" ? { status: "dead", error: verdict.error } : { status: "retry", error: verdict.error, nextAttemptAt: verdict.nextAttemptAt });
        }
      }
    }
  }
  await finishDeliveries(db, outcomes, now);
  return countOutcomes(outcomes);
}
