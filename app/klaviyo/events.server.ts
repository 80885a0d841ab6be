import { getEnv } from "../env.server";

// The one gateway to Klaviyo: occasions as Klaviyo events with a shop's private API key.
// `POST /api/events` (Create Event), JSON:API: the event's metric by name ("Kanta Points
// Earned"), the profile by email with Kanta's balance and tier as profile properties,
// `unique_id` = the occasion's key (Klaviyo deduplicates on it: a retried send never
// counts twice), `time` = when it happened. Headers: `Authorization: Klaviyo-API-Key <key>`
// and `revision`. Create Event's published rate limit is 350/s burst, 3,500/min steady
// per account (XL); a 429 carries Retry-After (seconds).
// https://developers.klaviyo.com/en/v2026-07-15/reference/create_event
// https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling

export const KLAVIYO_BASE_URL = "https://a.klaviyo.com";
/** The API revision Kanta's request shape follows. */
export const KLAVIYO_REVISION = "2026-07-15";
/** Create Event's steady limit per account, per minute; Kanta stays under it (app/jobs/klaviyo.server.ts). */
export const KLAVIYO_EVENTS_PER_MINUTE = 3500;

/** A private API key as Klaviyo issues them: "pk_" and 30-odd letters and digits. */
export function isKlaviyoPrivateKey(value: string): boolean {
  return /^pk_[A-Za-z0-9]{20,80}$/.test(value.trim());
}

/** What Settings shows of a saved key: never the key itself. */
export function klaviyoKeyHint(key: string): string {
  return `pk_…${key.trim().slice(-4)}`;
}

export interface KlaviyoEvent {
  metricName: string;
  /** The occasion key: Klaviyo's `unique_id`. */
  uniqueId: string;
  time: Date;
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  /** The Shopify customer id, as Klaviyo's external_id. */
  externalId?: string | null;
  properties: Record<string, unknown>;
  /** Set on the profile (Kanta's balance and tier). */
  profileProperties: Record<string, unknown>;
}

/** The request body Create Event documents. */
export function klaviyoEventBody(event: KlaviyoEvent) {
  const profile: Record<string, unknown> = { email: event.email, properties: event.profileProperties };
  if (event.firstName) profile.first_name = event.firstName;
  if (event.lastName) profile.last_name = event.lastName;
  if (event.externalId) profile.external_id = event.externalId;
  return {
    data: {
      type: "event",
      attributes: {
        properties: event.properties,
        time: event.time.toISOString(),
        unique_id: event.uniqueId,
        metric: { data: { type: "metric", attributes: { name: event.metricName } } },
        profile: { data: { type: "profile", attributes: profile } },
      },
    },
  };
}

export type KlaviyoErrorKind = "rate_limited" | "auth" | "invalid" | "retryable";

export class KlaviyoError extends Error {
  override name = "KlaviyoError";
  constructor(
    readonly kind: KlaviyoErrorKind,
    message: string,
    readonly status: number | null = null,
    /** For rate_limited: how long Klaviyo asked to wait. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Retry-After in seconds (or an HTTP date) as milliseconds; 60 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header) {
    const seconds = Number(header.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return 60_000;
}

export interface KlaviyoClientOptions {
  fetch?: typeof fetch;
  baseUrl?: string;
  timeoutMs?: number;
}

function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { detail?: string; title?: string }[] };
    return body.errors?.map((e) => e.detail ?? e.title ?? "").filter(Boolean).join("; ") ?? "";
  } catch {
    return "";
  }
}

/** Sends one event; resolves when Klaviyo accepted it (202). Throws KlaviyoError otherwise. */
export async function sendKlaviyoEvent(apiKey: string, event: KlaviyoEvent, options: KlaviyoClientOptions = {}): Promise<void> {
  const base = options.baseUrl ?? getEnv().KANTA_KLAVIYO_BASE_URL ?? KLAVIYO_BASE_URL;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${base.replace(/\/$/, "")}/api/events`, {
      method: "POST",
      headers: {
        Authorization: `Klaviyo-API-Key ${apiKey}`,
        revision: KLAVIYO_REVISION,
        accept: "application/vnd.api+json",
        "content-type": "application/vnd.api+json",
      },
      body: JSON.stringify(klaviyoEventBody(event)),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
  } catch (error) {
    throw new KlaviyoError("retryable", `Klaviyo did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 202 || response.status === 200 || response.status === 201) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const text = await response.text().catch(() => "");
  const detail = errorDetail(text);
  const message = `Klaviyo answered ${response.status}${detail ? `: ${detail}` : ""}`;
  if (response.status === 429) throw new KlaviyoError("rate_limited", message, 429, retryAfterMs(response.headers.get("retry-after")));
  if (response.status === 401 || response.status === 403) throw new KlaviyoError("auth", message, response.status);
  if (response.status >= 400 && response.status < 500 && response.status !== 408) throw new KlaviyoError("invalid", message, response.status);
  throw new KlaviyoError("retryable", message, response.status);
}
