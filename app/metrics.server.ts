import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { getDb } from "./db.server";

// Prometheus metrics (GET /metrics, behind METRICS_TOKEN: app/routes/metrics.tsx), with
// prom-client. Counters count what happened in THIS process since it started (webhooks
// received by a web process, processed by whichever process runs the jobs); the inbox's
// backlog, age and processing rate are read from the database at every scrape, so they are
// the same whichever process answers. docs/decisions/0017-reconciliation-and-operations.md

interface KantaMetrics {
  registry: Registry;
  webhooksReceived: Counter<"topic">;
  webhooksProcessed: Counter<"outcome">;
  webhooksRetried: Counter;
  ordersSettledAsSet: Counter;
  webhooksDead: Counter;
  redemptions: Counter<"outcome">;
  shopifyErrors: Counter<"type">;
  shopifyThrottled: Counter;
}

declare global {
  var kantaMetrics: KantaMetrics | undefined;
}

function create(): KantaMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "kanta_" });
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        try {
          await collect(this);
        } catch {
          // The database is down: the scrape still answers (with the last values); /readyz says why.
        }
      },
    });
  const db = getDb;
  gauge("kanta_webhook_backlog", "Inbox events not finished, by status (dead: given up, waiting for the merchant)", ["status"], async (g) => {
    const rows = await db().webhookEvent.groupBy({ by: ["status"], where: { status: { in: BACKLOG_STATUSES } }, _count: { _all: true } });
    for (const status of BACKLOG_STATUSES) g.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
  });
  gauge("kanta_webhook_backlog_age_seconds", "Age of the oldest inbox event waiting to be processed (0: none)", [], async (g) => {
    const oldest = await db().webhookEvent.findFirst({ where: { status: { in: ["pending", "retrying", "processing"] } }, orderBy: { receivedAt: "asc" }, select: { receivedAt: true } });
    g.set(oldest ? Math.max(0, (Date.now() - oldest.receivedAt.getTime()) / 1000) : 0);
  });
  gauge("kanta_webhooks_processed_per_minute", "Inbox events finished in the last 5 minutes, per minute (every process)", [], async (g) => {
    const n = await db().webhookEvent.count({ where: { processedAt: { gte: new Date(Date.now() - 5 * 60_000) } } });
    g.set(n / 5);
  });
  return {
    registry,
    webhooksReceived: counter("kanta_webhooks_received_total", "Verified webhook deliveries stored in the inbox (duplicates not counted)", ["topic"]),
    webhooksProcessed: counter("kanta_webhooks_processed_total", "Inbox events finished by this process: done, or invalid (can never be processed)", ["outcome"]),
    webhooksRetried: counter("kanta_webhooks_retried_total", "Inbox event attempts that failed and will be retried"),
    ordersSettledAsSet: counter("kanta_orders_settled_as_set_total", "Order events the webhook batch settled as a set (plain orders, docs/decisions/0038)"),
    webhooksDead: counter("kanta_webhooks_dead_total", "Inbox events given up after their last attempt"),
    redemptions: counter("kanta_redemptions_total", "Storefront redemptions by outcome (issued, pending, or the refusal's code)", ["outcome"]),
    shopifyErrors: counter("kanta_shopify_api_errors_total", "Failed Admin API calls: http (an error status), graphql (errors in the body), other (no answer, or the client library's own error)", ["type"]),
    shopifyThrottled: counter("kanta_shopify_api_throttled_total", "Admin API calls Shopify refused as throttled (HTTP 429 or THROTTLED)"),
  };
}

const BACKLOG_STATUSES = ["pending", "retrying", "processing", "dead"];

/** The process' metrics (one set per process, kept across dev reloads). */
export function metrics(): KantaMetrics {
  globalThis.kantaMetrics ??= create();
  return globalThis.kantaMetrics;
}

/** The scrape: Prometheus' text format (the inbox gauges read the database now). */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
