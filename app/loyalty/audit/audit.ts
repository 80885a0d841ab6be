// The audit log's pure half: who acts, the catalogue of actions, and what changed.
// Persistence is in record.server.ts (the one writer) and log.server.ts (the page, export,
// erasure). See docs/decisions/0021-audit-log-and-export.md.

/** The staff member behind a change, as the admin session identifies them. */
export interface AuditActor {
  /** Shopify's user id (the session token's `sub`), or "local-demo" in local mode; null for Kanta itself. */
  id: string | null;
  name: string | null;
  email?: string | null;
}

/** What Kanta records when it acts on its own (never a staff member). */
export const SYSTEM_ACTOR: AuditActor = { id: null, name: null, email: null };

export const AUDIT_SUBJECT_TYPES = {
  member: "Member",
  earn_rule: "Way to earn",
  campaign: "Campaign",
  reward: "Reward",
  tiers: "VIP tiers",
  program: "Program",
  referral: "Referral",
  referral_settings: "Referral settings",
  data_request: "Data request",
  attention: "Needs attention",
  import: "Import",
  export: "Export",
  enrolment: "Enrolment",
} as const;
export type AuditSubjectType = keyof typeof AUDIT_SUBJECT_TYPES;

/** Every action Kanta records, with the label the Activity log shows. Other actions (a new room's) show their raw name. */
export const AUDIT_ACTIONS = {
  "member.points_adjusted": "Points adjusted",
  "member.tier_changed": "Tier changed",
  "member.excluded": "Member excluded",
  "member.included": "Member included",
  "member.reward_redeemed_pos": "Reward redeemed at POS",
  "members.excluded_by_tag": "Members excluded by tag",
  "earn_rule.created": "Way to earn created",
  "earn_rule.updated": "Way to earn updated",
  "earn_rule.deleted": "Way to earn deleted",
  "earn_rule.enabled": "Way to earn turned on",
  "earn_rule.disabled": "Way to earn turned off",
  "campaign.created": "Campaign created",
  "campaign.updated": "Campaign updated",
  "campaign.deleted": "Campaign deleted",
  "campaign.enabled": "Campaign turned on",
  "campaign.disabled": "Campaign turned off",
  "reward.created": "Reward created",
  "reward.updated": "Reward updated",
  "reward.deleted": "Reward deleted",
  "reward.enabled": "Reward enabled",
  "reward.disabled": "Reward disabled",
  "tiers.updated": "VIP tiers updated",
  "tiers.discounts_retried": "Tier free-shipping discounts retried",
  "program.settings_updated": "Settings updated",
  "program.launched": "Program launched",
  "program.paused": "Program paused",
  "program.resumed": "Program resumed",
  "program.member_access_updated": "Members-only products updated",
  "referral.settings_updated": "Referral settings updated",
  "referral.friend_cap_updated": "Daily welcome-code cap changed",
  "referral.approved": "Referral approved",
  "referral.rejected": "Referral rejected",
  "data_request.viewed": "Data request viewed",
  "attention.webhooks_retried": "Failed events retried",
  "attention.tier_syncs_retried": "Tier syncs retried",
  "attention.deliveries_retried": "Flow or Klaviyo deliveries retried",
  "export.members": "Members exported",
  "export.ledger": "Points history exported",
  "export.activity": "Activity log exported",
  "import.check_requested": "Import file checked",
  "import.started": "Import started",
  "import.retried": "Import tried again",
  "enrolment.requested": "Existing customers enrolled",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function auditActionLabel(action: string): string {
  return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
}

export function auditSubjectLabel(type: string): string {
  return (AUDIT_SUBJECT_TYPES as Record<string, string>)[type] ?? type;
}

/** How the Activity log names the actor. */
export function actorLabel(actor: { actorId: string | null; actorName: string | null; actorEmail: string | null }): string {
  if (actor.actorName && actor.actorEmail) return `${actor.actorName} (${actor.actorEmail})`;
  if (actor.actorName) return actor.actorName;
  if (actor.actorEmail) return actor.actorEmail;
  if (actor.actorId) return `Staff member ${actor.actorId}`;
  return "Kanta";
}

/** JSON-safe copy: BigInt as a number when exact (else a string), Dates as ISO text, undefined dropped. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = toJsonValue(v);
    }
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Only what changed: for two objects, the fields whose JSON differs (a field missing on one
 * side counts as null), recursing into nested objects; anything else is kept whole (a
 * creation has no before, a deletion no after).
 */
export function changedFields(before: unknown, after: unknown): { before: unknown; after: unknown } {
  const b = toJsonValue(before);
  const a = toJsonValue(after);
  if (!isPlainObject(b) || !isPlainObject(a)) return { before: b, after: a };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const outBefore: Record<string, unknown> = {};
  const outAfter: Record<string, unknown> = {};
  for (const key of keys) {
    const vb = b[key] ?? null;
    const va = a[key] ?? null;
    if (JSON.stringify(vb) === JSON.stringify(va)) continue;
    if (isPlainObject(vb) && isPlainObject(va)) {
      const inner = changedFields(vb, va);
      outBefore[key] = inner.before;
      outAfter[key] = inner.after;
    } else {
      outBefore[key] = vb;
      outAfter[key] = va;
    }
  }
  return { before: outBefore, after: outAfter };
}

export interface DiffLine {
  field: string;
  before: string;
  after: string;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value === "" ? "(empty)" : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Before → after as readable lines, one per field (nested objects flattened with dots). */
export function diffLines(before: unknown, after: unknown): DiffLine[] {
  const flat = (value: unknown, prefix: string, out: Map<string, unknown>) => {
    if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) flat(v, prefix ? `${prefix}.${k}` : k, out);
      if (Object.keys(value).length === 0 && prefix) out.set(prefix, null);
    } else {
      out.set(prefix || "value", value);
    }
    return out;
  };
  const b = before === null || before === undefined ? new Map<string, unknown>() : flat(before, "", new Map());
  const a = after === null || after === undefined ? new Map<string, unknown>() : flat(after, "", new Map());
  const fields = [...new Set([...b.keys(), ...a.keys()])];
  return fields
    .filter((f) => JSON.stringify(b.get(f) ?? null) !== JSON.stringify(a.get(f) ?? null))
    .map((field) => ({ field, before: show(b.get(field)), after: show(a.get(field)) }));
}
