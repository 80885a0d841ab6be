// What Home's "Needs attention" card shows (app/components/NeedsAttention.tsx). Pure: the
// data comes from ./attention.server.ts.

/** Days a dead event and a data-request export are kept before they are deleted with their customer data. */
export const ATTENTION_RETENTION_DAYS = 30;
/** Dead events listed on Home; the rest are counted and retried with "Retry all". */
export const DEAD_EVENTS_SHOWN = 10;

export interface DeadEventView {
  id: string;
  topic: string;
  receivedAt: string;
  attempts: number;
  error: string | null;
}

export interface DataRequestView {
  id: string;
  customerGid: string;
  createdAt: string;
  /** When it is deleted. */
  expiresAt: string;
}

/** The channels whose dead deliveries Home shows (emails have their own log on the Emails page). */
export const ATTENTION_CHANNELS = ["flow", "klaviyo"] as const;
export type AttentionChannel = (typeof ATTENTION_CHANNELS)[number];

export interface DeadDeliveriesView {
  channel: AttentionChannel;
  count: number;
  /** The most recent failure's error. */
  error: string | null;
}

export interface Attention {
  deadEvents: DeadEventView[];
  deadEventCount: number;
  tierSyncDead: number;
  rewardCodesDead: number;
  dataRequests: DataRequestView[];
  /** Occasions that never reached Shopify Flow or Klaviyo after their retries, by channel. */
  deliveriesDead: DeadDeliveriesView[];
  /** The balance metafield sync gave up (Shopify refused every try): its last error. */
  balanceSyncDead: { error: string | null } | null;
  /** Anything to show at all. */
  any: boolean;
}
