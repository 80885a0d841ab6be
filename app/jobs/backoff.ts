import { classifyShopifyError, type ShopifyErrorKind } from "../shopify/errors";

// One retry schedule and one lease for every outbox Kanta keeps: the webhook inbox
// (WebhookEvent), the tier sync (TierChange), the app-data sync (AppDataSync), referrer
// reward codes, stalled redemptions (Redemption) and occasion deliveries (OccasionDelivery). Each row records its attempts, its
// last error and when it is next due; a terminal error or the last attempt makes it dead.
// Pure: no database, no clock of its own. docs/decisions/0004-inbox-and-queues.md

export interface RetryPolicy {
  /** The attempt that fails at this count makes the row dead. */
  readonly maxAttempts: number;
  readonly firstDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
}

/** 1 s, 4 s, 16 s, 64 s, 256 s, 17 min, then 1 h: eight attempts over about an hour and a half. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, firstDelayMs: 1_000, factor: 4, maxDelayMs: 60 * 60_000 };

/** Each outbox's policy. */
export const RETRY = {
  webhook: DEFAULT_RETRY,
  tierSync: DEFAULT_RETRY,
  // The storefront's program status rides out a longer outage (about six hours): a stale
  // "live" or "paused" is what shoppers see. Any later change marks the row again.
  appData: { ...DEFAULT_RETRY, maxAttempts: 12 },
  referrerReward: DEFAULT_RETRY,
  // A surprise run (draw, prizes in batches) and its reward codes (0037).
  surprise: { ...DEFAULT_RETRY, maxAttempts: 6 },
  surpriseCode: DEFAULT_RETRY,
  // Gift codes and their deactivation (docs/decisions/0031-gifts.md).
  gift: DEFAULT_RETRY,
  stalledRedemption: DEFAULT_RETRY,
  // A member import's check or import: a crash or a lost lease resumes it; Shopify's bulk lookup may be retried.
  memberImport: { ...DEFAULT_RETRY, maxAttempts: 6 },
  // Loyalty emails (OccasionDelivery, channel email): an SMTP server away for an hour and a half.
  email: DEFAULT_RETRY,
} as const satisfies Record<string, RetryPolicy>;

/** A claimed row is left to other workers this long; a worker that dies gives it back when it runs out. */
export const LEASE_MS = 5 * 60_000;

/** The wait after failed attempt number `attempt` (1 = the first). */
export function retryDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * policy.factor ** (n - 1));
}

/** Until when a row claimed at `now` is held. */
export function leaseUntil(now: Date, leaseMs: number = LEASE_MS): Date {
  return new Date(now.getTime() + leaseMs);
}

/** What an outbox row becomes after a failed attempt. */
export type RetryVerdict = { status: "dead"; error: string } | { status: "retry"; error: string; nextAttemptAt: Date };

/**
 * The error as a row keeps it (and Home shows it): "Name: message", at most 1,000 characters.
 * Prisma's messages open with "Invalid `…` invocation in <file>" and a code frame (minified
 * code, in a build) and end with the cause: only the cause is kept, with Prisma's code.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 1000);
  let message = error.message;
  if (/^\s*Invalid `[^`]*` invocation/.test(message)) {
    const paragraphs = message.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    const code = (error as { code?: unknown }).code;
    message = `${typeof code === "string" ? `${code} ` : ""}${paragraphs[paragraphs.length - 1] ?? message}`;
  }
  return `${error.name}: ${message}`.slice(0, 1000);
}

/**
 * After attempt `attempts` (counting the one that failed): dead when the error is terminal
 * or the policy's attempts are used up, otherwise due again after the backoff.
 */
export function afterFailure(input: { attempts: number; now: Date; error: unknown; terminal?: boolean; policy?: RetryPolicy }): RetryVerdict {
  const policy = input.policy ?? DEFAULT_RETRY;
  const error = errorText(input.error);
  if (input.terminal || input.attempts >= policy.maxAttempts) return { status: "dead", error };
  return { status: "retry", error, nextAttemptAt: new Date(input.now.getTime() + retryDelayMs(input.attempts, policy)) };
}

/** afterFailure for a job that called Shopify: its error classified once (app/shopify/errors.ts). */
export function afterShopifyFailure(input: { attempts: number; now: Date; error: unknown; policy?: RetryPolicy }): RetryVerdict & { kind: ShopifyErrorKind } {
  const kind = classifyShopifyError(input.error).kind;
  return { ...afterFailure({ ...input, terminal: kind === "terminal" }), kind };
}
