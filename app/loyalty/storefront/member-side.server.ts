import { queryPreparedPg, type Db } from "../../db.server";
import type { GiftRow } from "../rewards/gifts.server";
import { SHOWN_GIFTS } from "../rewards/gifts.server";
import type { RedemptionViewRow } from "../rewards/redemptions.server";
import { Sql, isPostgres } from "../sql.server";
import { memberTierMetricSql } from "../tiers/metric.server";
import type { TierBasis, TierWindow } from "../tiers/rules";

// What the widget's view (customer-view.server.ts) reads of one member, in ONE statement: the
// member's row, their latest activity, redemptions and gifts, which of this period's earning
// keys they already have, and their tier number in the current window. Every signed-in
// shopper's page view asks for it; as six Prisma queries it was six round trips, each with
// Prisma's query compiler and a socket write (74 % of the read's CPU, docs/benchmarks.md).
// Each part is built as JSON by the database (json_build_object/json_agg on PostgreSQL,
// json_object/json_group_array on SQLite) and parsed here; tests/integration/member-side.test.ts
// holds every part to what Prisma reads of the same rows.

/** The member's latest ledger rows shown as activity, and their latest redemptions (gifts apart). */
export const RECENT_ACTIVITY = 10;
export const SHOWN_REDEMPTIONS = 10;
/** The redemptions the widget lists: a code on its way, ready or used. */
export const SHOWN_REDEMPTION_STATUSES = ["issued", "used", "pending"] as const;

export interface MemberSideRow {
  id: string;
  customerGid: string;
  firstName: string | null;
  locale: string | null;
  status: string;
  points: number;
  pendingPoints: number;
  lifetimePoints: number;
  tierId: string | null;
  lastActivityAt: Date;
  leaderboardOptInAt: Date | null;
  birthMonth: number | null;
  birthDay: number | null;
  birthYear: number | null;
  birthdaySetAt: Date | null;
}

export interface MemberSide {
  member: MemberSideRow;
  /** Newest first (createdAt, then id). */
  ledger: { createdAt: Date; kind: string; delta: number; pendingDelta: number; note: string | null }[];
  /** Newest first; not gifts. */
  redemptions: RedemptionViewRow[];
  /** Issued and unexpired gifts, newest first. */
  gifts: GiftRow[];
  /** Which of `wayKeys` the member's ledger holds. */
  paidKeys: Set<string>;
  /** The member's number in `tierWindow` (memberTierMetric's); null when they have no tier. */
  tierProgress: number | null;
}

export interface MemberSideQuery {
  shopId: string;
  customerGid: string;
  /** This period's idempotency keys of the shop's earning rules (computeWayKeys). */
  wayKeys: readonly string[];
  tier: { basis: TierBasis; window: TierWindow };
  now: Date;
}

const MEMBER_FIELDS = ["id", "customerGid", "firstName", "locale", "status", "points", "pendingPoints", "lifetimePoints", "tierId", "lastActivityAt", "leaderboardOptInAt", "birthMonth", "birthDay", "birthYear", "birthdaySetAt"] as const;
const LEDGER_FIELDS = ["id", "createdAt", "kind", "delta", "pendingDelta", "note"] as const;
const REDEMPTION_FIELDS = ["id", "requestId", "status", "rewardName", "pointsSpent", "code", "creditMinor", "expiresAt", "createdAt"] as const;
const GIFT_FIELDS = ["id", "rewardName", "code", "giftVariantGid", "giftImageUrl", "expiresAt", "createdAt"] as const;

/** The JSON functions of each database. */
function json(postgres: boolean) {
  const object = (alias: string, fields: readonly string[]) =>
    `${postgres ? "json_build_object" : "json_object"}(${fields.map((f) => `'${f}', ${alias}."${f}"`).join(", ")})`;
  /** The rows of `from` (a derived table) as a JSON array, in `orderBy`'s order; "[]" for none. */
  const array = (element: string, from: string, orderBy?: string) => {
    const order = orderBy ? ` ORDER BY ${orderBy}` : "";
    return postgres ? `(SELECT COALESCE(json_agg(${element}${order}), '[]'::json)::text FROM ${from})` : `(SELECT json_group_array(${element}${order}) FROM ${from})`;
  };
  return { object, array, text: (expr: string) => (postgres ? `${expr}::text` : expr) };
}

/** One member's side of the widget's view, or null when the shop has no such member. */
export async function loadMemberSide(db: Db, query: MemberSideQuery): Promise<MemberSide | null> {
  const postgres = isPostgres(db);
  const sql = new Sql(postgres);
  const j = json(postgres);
  const shop = sql.p(query.shopId);
  const member = `(SELECT "id" FROM m)`;
  const ledger = `(SELECT ${LEDGER_FIELDS.map((f) => `"${f}"`).join(", ")} FROM "LedgerEntry" WHERE "memberId" = ${member}
    ORDER BY "createdAt" DESC, "id" DESC LIMIT ${RECENT_ACTIVITY}) e`;
  const redemptions = `(SELECT ${REDEMPTION_FIELDS.map((f) => `"${f}"`).join(", ")} FROM "Redemption" WHERE "memberId" = ${member}
    AND "status" IN (${sql.list(SHOWN_REDEMPTION_STATUSES)}) AND "giftVariantGid" IS NULL ORDER BY "createdAt" DESC, "id" DESC LIMIT ${SHOWN_REDEMPTIONS}) r`;
  const gifts = `(SELECT ${GIFT_FIELDS.map((f) => `"${f}"`).join(", ")} FROM "Redemption" WHERE "memberId" = ${member}
    AND "status" = 'issued' AND "giftVariantGid" IS NOT NULL AND ("expiresAt" IS NULL OR "expiresAt" > ${sql.p(query.now)})
    ORDER BY "createdAt" DESC, "id" DESC LIMIT ${SHOWN_GIFTS}) g`;
  const keys = query.wayKeys.length
    ? j.array(`k."idempotencyKey"`, `"LedgerEntry" k WHERE k."shopId" = ${shop} AND k."memberId" = ${member} AND k."idempotencyKey" IN (${sql.list(query.wayKeys)})`)
    : `'[]'`;
  const metric = memberTierMetricSql(sql, query.shopId, `m."id"`, query.tier.basis, query.tier.window);
  const statement = `WITH m AS (SELECT * FROM "Member" WHERE "shopId" = ${shop} AND "customerGid" = ${sql.p(query.customerGid)})
     SELECT ${j.text(j.object("m", MEMBER_FIELDS))} AS "member",
       ${j.array(j.object("e", LEDGER_FIELDS), ledger, `e."createdAt" DESC, e."id" DESC`)} AS "ledger",
       ${j.array(j.object("r", REDEMPTION_FIELDS), redemptions, `r."createdAt" DESC, r."id" DESC`)} AS "redemptions",
       ${j.array(j.object("g", GIFT_FIELDS), gifts, `g."createdAt" DESC, g."id" DESC`)} AS "gifts",
       ${keys} AS "keys",
       CASE WHEN m."tierId" IS NULL THEN NULL ELSE ${metric} END AS "tierProgress"
     FROM m`;
  // PostgreSQL: a prepared statement, planned once per connection (planning was 85 % of it).
  const rows = ((await queryPreparedPg(db, statement, sql.params)) ?? (await db.$queryRawUnsafe<Record<string, unknown>[]>(statement, ...sql.params))) as {
    member: string;
    ledger: string;
    redemptions: string;
    gifts: string;
    keys: string;
    tierProgress: unknown;
  }[];
  const row = rows[0];
  if (!row) return null;
  const m = JSON.parse(row.member) as Record<string, unknown>;
  return {
    member: {
      id: String(m.id),
      customerGid: String(m.customerGid),
      firstName: text(m.firstName),
      locale: text(m.locale),
      status: String(m.status),
      points: Number(m.points),
      pendingPoints: Number(m.pendingPoints),
      lifetimePoints: Number(m.lifetimePoints),
      tierId: text(m.tierId),
      lastActivityAt: date(m.lastActivityAt)!,
      leaderboardOptInAt: date(m.leaderboardOptInAt),
      birthMonth: int(m.birthMonth),
      birthDay: int(m.birthDay),
      birthYear: int(m.birthYear),
      birthdaySetAt: date(m.birthdaySetAt),
    },
    ledger: parseRows(row.ledger).map((e) => ({ createdAt: date(e.createdAt)!, kind: String(e.kind), delta: Number(e.delta), pendingDelta: Number(e.pendingDelta), note: text(e.note) })),
    redemptions: parseRows(row.redemptions).map((r) => ({
      id: String(r.id),
      requestId: String(r.requestId),
      status: String(r.status),
      rewardName: String(r.rewardName),
      pointsSpent: Number(r.pointsSpent),
      code: text(r.code),
      creditMinor: r.creditMinor === null ? null : BigInt(r.creditMinor as number),
      expiresAt: date(r.expiresAt),
      createdAt: date(r.createdAt)!,
    })),
    gifts: parseRows(row.gifts).map((g) => ({
      id: String(g.id),
      rewardName: String(g.rewardName),
      code: text(g.code),
      giftVariantGid: text(g.giftVariantGid),
      giftImageUrl: text(g.giftImageUrl),
      expiresAt: date(g.expiresAt),
    })),
    paidKeys: new Set((JSON.parse(row.keys) as unknown[]).map(String)),
    tierProgress: row.tierProgress === null || row.tierProgress === undefined ? null : Number(row.tierProgress),
  };
}

function parseRows(value: string): Record<string, unknown>[] {
  return JSON.parse(value) as Record<string, unknown>[];
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function int(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * A DateTime column as JSON: PostgreSQL's timestamp(3) is UTC without a zone
 * ("2026-12-05T06:50:04.647"), SQLite's Prisma text has one ("…+00:00").
 */
function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return new Date(value);
  const s = String(value);
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`);
}
