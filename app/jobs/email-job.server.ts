import nodemailer, { type Transporter } from "nodemailer";
import { yieldToEventLoop, type Db } from "../db.server";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { renderEmail } from "../loyalty/notify/email-render.server";
import { previewEmail } from "../loyalty/notify/emails-admin.server";
import {
  claimEmailDelivery,
  findDueEmailDeliveries,
  finishEmailDelivery,
  recordMarketingState,
  sentInLastHour,
  suppressAddress,
  type EmailDeliveryItem,
  type EmailDeliveryOutcome,
} from "../loyalty/notify/email.server";
import { isEmailOccasionKind } from "../loyalty/notify/email-settings";
import { unsubscribeUrl } from "../loyalty/notify/unsubscribe";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { fetchEmailMarketingStates } from "../shopify/email-consent.server";
import { classifyShopifyError } from "../shopify/errors";
import type { AdminGraphql } from "../shopify/graphql";
import { RETRY, afterFailure, errorText, leaseUntil } from "./backoff";

// The email channel of occasions: each due OccasionDelivery row of channel "email" becomes
// one email (SMTP through nodemailer, SMTP_URL), or is skipped with the reason (occasion off,
// no address, unsubscribed, suppressed, not subscribed to marketing when the occasion asks
// for it). A failure backs off (app/jobs/backoff.ts) and the row ends `dead` after
// RETRY.email's attempts with the SMTP error kept (the Emails page shows it). A permanent
// rejection of the address (5xx to RCPT TO, or 550/551/553) makes it dead at once and adds
// the address to the shop's suppression list. Over the shop's hourly cap a row waits for
// the hour to free up without using an attempt. At least once: a crash between the SMTP
// server's answer and marking the row sent sends it again after the lease.
// docs/decisions/0022-loyalty-emails.md

export interface OutgoingEmail {
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  sendMail(mail: OutgoingEmail): Promise<unknown>;
}

export interface EmailJobOptions {
  now?: Date;
  limit?: number;
  /** Tests: the SMTP transport (else nodemailer on SMTP_URL). */
  transport?: MailTransport | null;
  graphqlFor?: (shopDomain: string) => Promise<AdminGraphql>;
  hourlyCap?: number;
  /** Only this shop's rows (tests, and the Emails page's test send). */
  shopId?: string;
}

export interface EmailJobStats {
  sent: number;
  skipped: number;
  retrying: number;
  deferred: number;
  dead: number;
}

/** Shopify's marketing state is asked again after this long. */
export const MARKETING_STATE_TTL_MS = 24 * 60 * 60_000;
/** Without SMTP_URL rows wait this long between looks. */
const NO_SMTP_WAIT_MS = 5 * 60_000;

let cachedTransport: { url: string; transport: Transporter } | null = null;

function defaultTransport(): MailTransport | null {
  const url = getEnv().SMTP_URL;
  if (!url) return null;
  if (cachedTransport?.url !== url) cachedTransport = { url, transport: nodemailer.createTransport(url) };
  return cachedTransport.transport as unknown as MailTransport;
}

export function emailJobsEnabled(): boolean {
  return getEnv().KANTA_EMAIL_JOBS === "1";
}

/** The From header: the shop's sender name (else the shop's name) in front of the operator's address. */
export function fromHeader(senderName: string | null, shopName: string, address: string): string {
  const name = (senderName ?? shopName).replace(/["\\\r\n]/g, "").trim();
  return name ? `"${name}" <${address}>` : address;
}

/** An SMTP error that says this address will never take mail: suppress it. */
export function isPermanentRecipientRejection(error: unknown): boolean {
  const e = error as { responseCode?: number; command?: string } | null;
  const code = typeof e?.responseCode === "number" ? e.responseCode : null;
  if (code === null || code < 500 || code > 599) return false;
  return e?.command === "RCPT TO" || code === 550 || code === 551 || code === 553;
}

/** Shopify did not answer the marketing state: its own classification decides retry or dead. */
class ConsentLookupError extends Error {
  override name = "ConsentLookupError";
  readonly terminal: boolean;
  constructor(readonly original: unknown) {
    super(`Shopify's email marketing state: ${errorText(original)}`);
    this.terminal = classifyShopifyError(original).kind === "terminal";
  }
}

async function subscribed(db: Db, item: EmailDeliveryItem, now: Date, graphqlFor: (shop: string) => Promise<AdminGraphql>): Promise<boolean> {
  const m = item.member!;
  const fresh = m.marketingCheckedAt && now.getTime() - m.marketingCheckedAt.getTime() < MARKETING_STATE_TTL_MS;
  let state = m.marketingState;
  if (!fresh) {
    let states: Map<string, string | null>;
    try {
      states = await fetchEmailMarketingStates(await graphqlFor(item.shopDomain), [m.customerGid]);
    } catch (error) {
      throw new ConsentLookupError(error);
    }
    state = states.get(m.customerGid) ?? null;
    await recordMarketingState(db, m.id, state, now);
  }
  return state === "SUBSCRIBED";
}

/** Why this row is not sent, or null to send it. */
async function skipReason(db: Db, item: EmailDeliveryItem, now: Date, graphqlFor: (shop: string) => Promise<AdminGraphql>): Promise<string | null> {
  if (item.shopUninstalled) return "the shop uninstalled Kanta";
  if (!isEmailOccasionKind(item.kind) || !item.occasionOn) return "this occasion's email is turned off";
  if (!item.data) return "the occasion's data no longer reads";
  if (!item.to) return "no email address";
  if (item.member && item.member.status !== "active") return `the member is ${item.member.status}`;
  if (item.member?.unsubscribed) return "the member unsubscribed from loyalty emails";
  if (item.suppressed) return "the address is on the suppression list (bounce, complaint, rejection or unsubscribe)";
  if (item.audience === "subscribed") {
    if (!item.member) return "only for customers subscribed to email marketing; this recipient is not a member";
    if (!(await subscribed(db, item, now, graphqlFor))) return "only for customers subscribed to email marketing; this customer is not";
  }
  return null;
}

export async function sendOne(item: EmailDeliveryItem, transport: MailTransport): Promise<void> {
  const env = getEnv();
  const target = item.member ? { shopId: item.shopId, memberId: item.member.id } : { shopId: item.shopId, email: item.to! };
  const unsubscribe = unsubscribeUrl(env.SHOPIFY_APP_URL, env.SHOPIFY_API_SECRET, target);
  if (!isEmailOccasionKind(item.kind) || !item.data) throw new Error("not an email occasion");
  const email = await renderEmail({ kind: item.kind, data: item.data as never, language: item.language, text: item.text, brand: item.brand, member: item.emailMember, unsubscribeUrl: unsubscribe });
  await transport.sendMail({
    from: fromHeader(item.senderName, item.brand.shopName, env.MAIL_FROM),
    ...(item.replyTo ? { replyTo: item.replyTo } : {}),
    to: item.to!,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: {
      "List-Unsubscribe": `<${unsubscribe}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "X-Kanta-Occasion": item.kind,
      "X-Kanta-Delivery": item.id,
    },
  });
}

export async function runDueEmails(db: Db, options: EmailJobOptions = {}): Promise<EmailJobStats> {
  const now = options.now ?? new Date();
  const transport = options.transport === undefined ? defaultTransport() : options.transport;
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const cap = options.hourlyCap ?? getEnv().MAIL_HOURLY_CAP;
  const stats: EmailJobStats = { sent: 0, skipped: 0, retrying: 0, deferred: 0, dead: 0 };
  const capped = new Map<string, Date>();
  for (const id of await findDueEmailDeliveries(db, now, options.limit ?? 100, options.shopId)) {
    // Each delivery is a few queries: between them, the process's requests get their turn.
    await yieldToEventLoop();
    const item = await claimEmailDelivery(db, id, now, leaseUntil(now));
    if (!item) continue;
    const fields = { shop: item.shopDomain, deliveryId: item.id, kind: item.kind, attempt: item.attempts };
    let outcome: EmailDeliveryOutcome;
    try {
      const reason = await skipReason(db, item, now, graphqlFor);
      if (reason) {
        outcome = { status: "skipped", reason, recipient: item.to };
      } else if (!transport) {
        outcome = { status: "deferred", reason: "SMTP_URL is not set: emails wait until it is", nextAttemptAt: new Date(now.getTime() + NO_SMTP_WAIT_MS) };
      } else {
        const until = capped.get(item.shopId) ?? (await hourFull(db, item.shopId, now, cap));
        if (until) {
          capped.set(item.shopId, until);
          outcome = { status: "deferred", reason: `the shop's hourly cap of ${cap} emails is reached; waiting for the next hour`, nextAttemptAt: until };
        } else {
          await sendOne(item, transport);
          outcome = { status: "sent", recipient: item.to!, now };
        }
      }
    } catch (error) {
      if (isPermanentRecipientRejection(error)) {
        await suppressAddress(db, item.shopId, item.to!, "rejected", errorText(error));
        outcome = { status: "dead", error: `${errorText(error)} (address suppressed)`, recipient: item.to };
      } else {
        const terminal = error instanceof ConsentLookupError && error.terminal;
        const verdict = afterFailure({ error, attempts: item.attempts, now, policy: RETRY.email, terminal });
        outcome = verdict.status === "dead" ? { status: "dead", error: verdict.error, recipient: item.to } : { status: "retry", error: verdict.error, nextAttemptAt: verdict.nextAttemptAt };
      }
    }
    await finishEmailDelivery(db, id, outcome);
    if (outcome.status === "dead") log.error("email dead", { ...fields, error: outcome.error });
    else if (outcome.status === "retry") log.warn("email failed, will retry", { ...fields, error: outcome.error, nextAttemptAt: outcome.nextAttemptAt.toISOString() });
    stats[outcome.status === "retry" ? "retrying" : outcome.status]++;
  }
  return stats;
}

/** When the shop's hour frees up, or null when it may send now. */
async function hourFull(db: Db, shopId: string, now: Date, cap: number): Promise<Date | null> {
  const { count, oldest } = await sentInLastHour(db, shopId, now);
  if (count < cap) return null;
  return new Date((oldest ?? now).getTime() + 60 * 60_000 + 1);
}

/** The Emails page's "send a test": the preview, now, to the address the merchant typed. Not counted in the cap. */
export async function sendTestEmail(
  input: { shopDomain: string; kind: Parameters<typeof previewEmail>[1]; language: Parameters<typeof previewEmail>[2]; text: Parameters<typeof previewEmail>[3]; to: string },
  transport: MailTransport | null = defaultTransport(),
): Promise<{ ok: true } | { ok: false; error: string }> {
  if (!transport) return { ok: false, error: "SMTP_URL is not set: Kanta cannot send email yet." };
  const email = await previewEmail(input.shopDomain, input.kind, input.language, input.text);
  const unsubscribe = /href="([^"]*\/email\/unsubscribe[^"]*)"/.exec(email.html)?.[1]?.replace(/&amp;/g, "&") ?? "";
  try {
    await transport.sendMail({
      from: email.from,
      ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      to: input.to,
      subject: `[Test] ${email.subject}`,
      html: email.html,
      text: email.text,
      headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "X-Kanta-Occasion": input.kind, "X-Kanta-Test": "1" },
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}
