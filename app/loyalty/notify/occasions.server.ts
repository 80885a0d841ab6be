import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Tx } from "../../db.server";
import { insertRows } from "../sql.server";
import { enabledChannels } from "./channels.server";
import { OccasionError, parseOccasionData, type OccasionChannel, type OccasionDataInput, type OccasionKind } from "./occasions";

// Recording an occasion: in the caller's transaction (the order, the review, the referral
// that caused it), once per (shop, key), with one pending delivery row per channel the shop
// has on for its kind. Raw INSERT … ON CONFLICT DO NOTHING on both databases: a key already
// recorded is skipped without an error, which on PostgreSQL would abort the caller's
// transaction. docs/decisions/0022-loyalty-emails.md

export interface RecordOccasionInput<K extends OccasionKind> {
  shopId: string;
  /** null for a friend who is not a member yet: then `email` is where it goes. */
  memberId: string | null;
  kind: K;
  /** Unique per shop; see occasionKey(). */
  key: string;
  data: OccasionDataInput<K>;
  /** The address when there is no member (a referred friend). */
  email?: string | null;
  occurredAt?: Date;
}

export interface RecordedOccasion {
  /** False when the key was already recorded (a replay): nothing was written. */
  recorded: boolean;
  /** The occasion's id, also for a replay. */
  id: string;
  /** The channels a delivery row was written for (empty for a replay). */
  channels: OccasionChannel[];
}

const quiet = new AsyncLocalStorage<true>();

/**
 * Runs `work` with occasions recorded but delivered nowhere: the enrolment of a shop's
 * existing customers and member imports bring in people who did not just join, reach a tier
 * or earn on an order today, so they get no welcome, tier or points emails (nor Flow or
 * Klaviyo events) for it. The occasions are still recorded, so their keys are used: a later
 * replay of the same order or move does not message them either (0022).
 */
export function quietly<T>(work: () => Promise<T>): Promise<T> {
  return quiet.run(true, work);
}

interface OccasionRow {
  id: string;
  input: RecordOccasionInput<OccasionKind>;
  data: unknown;
  now: Date;
}

/** An occasion checked (its data against its kind, its key, a member or an email) and given an id. */
function occasionRow(input: RecordOccasionInput<OccasionKind>): OccasionRow {
  const data = parseOccasionData(input.kind, input.data);
  if (!input.key || input.key.length > 300) throw new OccasionError("an occasion needs a key of 1 to 300 characters");
  if (!input.memberId && !input.email) throw new OccasionError(`${input.kind}: an occasion without a member needs an email address`);
  return { id: randomUUID(), input, data, now: input.occurredAt ?? new Date() };
}

/** INSERT … ON CONFLICT DO NOTHING RETURNING the ids of the rows that were new (insertRows: one prepared statement on PostgreSQL). */
async function insertOccasions(tx: Tx, rows: readonly OccasionRow[]): Promise<{ id: string }[]> {
  return insertRows<{ id: string }>(
    tx,
    "Occasion",
    rows.map(({ id, input, data, now }) => ({
      id,
      shopId: input.shopId,
      memberId: input.memberId,
      email: input.email?.trim().toLowerCase() || null,
      kind: input.kind,
      key: input.key,
      data: JSON.stringify(data),
      occurredAt: now,
    })),
    { onConflict: `("shopId", "key") DO NOTHING`, returning: ["id"] },
  );
}

/** Pending delivery rows, ON CONFLICT DO NOTHING: a channel that already has one keeps it. */
function insertDeliveries(tx: Tx, rows: readonly { occasionId: string; shopId: string; channel: OccasionChannel; now: Date }[]): Promise<unknown> {
  return insertRows(
    tx,
    "OccasionDelivery",
    rows.map(({ occasionId, shopId, channel, now }) => ({
      id: randomUUID(),
      occasionId,
      shopId,
      channel,
      status: "pending",
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    })),
    { onConflict: `("occasionId", "channel") DO NOTHING`, returning: ["id"] },
  );
}

export async function recordOccasion<K extends OccasionKind>(tx: Tx, input: RecordOccasionInput<K>): Promise<RecordedOccasion> {
  const row = occasionRow(input);
  const { id, now } = row;
  const inserted = await insertOccasions(tx, [row]);
  if (inserted.length === 0) {
    const existing = await tx.occasion.findUniqueOrThrow({ where: { shopId_key: { shopId: input.shopId, key: input.key } }, select: { id: true } });
    return { recorded: false, id: existing.id, channels: [] };
  }
  const channels = quiet.getStore() ? [] : await enabledChannels(tx, input.shopId, input.kind);
  if (channels.length > 0) await createDeliveries(tx, { occasionId: id, shopId: input.shopId, channels, now });
  return { recorded: true, id, channels };
}

/** Pending delivery rows for an occasion; a channel that already has one keeps it. Returns how many were new. */
export async function createDeliveries(tx: Tx, input: { occasionId: string; shopId: string; channels: readonly OccasionChannel[]; now?: Date }): Promise<number> {
  const now = input.now ?? new Date();
  const inserted = await insertDeliveries(tx, input.channels.map((channel) => ({ occasionId: input.occasionId, shopId: input.shopId, channel, now })));
  return (inserted as unknown[]).length;
}

/**
 * Many occasions at once (the plain orders of a webhook batch, 0038): one multi-row INSERT …
 * ON CONFLICT DO NOTHING for the occasions, one for their deliveries. The same rows as
 * recordOccasion for each input in turn (a key already recorded is skipped); returns how
 * many were new.
 */
export async function recordOccasions(tx: Tx, inputs: readonly RecordOccasionInput<OccasionKind>[]): Promise<number> {
  if (inputs.length === 0) return 0;
  const rows = inputs.map(occasionRow);
  const inserted = await insertOccasions(tx, rows);
  if (quiet.getStore()) return inserted.length;
  const recorded = new Set(inserted.map((r) => r.id));
  const deliveries: { occasionId: string; shopId: string; channel: OccasionChannel; now: Date }[] = [];
  for (const { id, input, now } of rows) {
    if (!recorded.has(id)) continue;
    for (const channel of await enabledChannels(tx, input.shopId, input.kind)) deliveries.push({ occasionId: id, shopId: input.shopId, channel, now });
  }
  await insertDeliveries(tx, deliveries);
  return inserted.length;
}
