import { randomUUID } from "node:crypto";
import type { Tx } from "../../db.server";
import { isPostgres, Sql } from "../sql.server";
import { enabledChannels } from "./channels.server";
import { occasionKey, parseOccasionData, type OccasionDataInput, type OccasionKind } from "./occasions";

// One occasion for each of many members, with the same data, set-based: the tier review's
// reached / kept / lowered for thousands of members per batch (docs/decisions/0023). The
// same rule as recordOccasion (./occasions.server.ts): once per (shop, key), ON CONFLICT DO
// NOTHING, a pending delivery row per channel the shop has on for the kind (asked once per
// call), in the caller's transaction. The key is occasionKey(kind, memberId, ...suffix).
// On PostgreSQL one statement per call (the ids as one array parameter, the deliveries from
// the inserted rows in the same statement); on SQLite multi-row inserts of 500.

const ROWS_PER_INSERT = 500;

export async function recordMemberOccasions<K extends OccasionKind>(
  tx: Tx,
  input: { shopId: string; kind: K; memberIds: readonly string[]; keySuffix: readonly (string | number)[]; data: OccasionDataInput<K>; now?: Date },
): Promise<void> {
  if (input.memberIds.length === 0) return;
  const now = input.now ?? new Date();
  const data = JSON.stringify(parseOccasionData(input.kind, input.data));
  const channels = await enabledChannels(tx, input.shopId, input.kind);
  // The key's shape, checked once: occasionKey(kind, <member>, ...suffix).
  const sample = occasionKey(input.kind, "\u0000", ...input.keySuffix);
  const [prefix, suffix] = sample.split("\u0000") as [string, string];
  if (isPostgres(tx)) {
    const sql = new Sql(true);
    const shop = sql.p(input.shopId);
    const at = sql.p(now);
    await tx.$executeRawUnsafe(
      `WITH occ AS (
         INSERT INTO "Occasion" ("id", "shopId", "memberId", "kind", "key", "data", "occurredAt")
         SELECT gen_random_uuid()::text, ${shop}, m, ${sql.p(input.kind)}, ${sql.p(prefix)} || m || ${sql.p(suffix)}, ${sql.p(data)}, ${at}
         FROM unnest(${sql.p(input.memberIds)}::text[]) AS m
         ON CONFLICT ("shopId", "key") DO NOTHING
         RETURNING "id"
       )
       INSERT INTO "OccasionDelivery" ("id", "occasionId", "shopId", "channel", "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid()::text, occ."id", ${shop}, c, 'pending', 0, ${at}, ${at}, ${at}
       FROM occ CROSS JOIN unnest(${sql.p(channels)}::text[]) AS c`,
      ...sql.params,
    );
    return;
  }
  for (let i = 0; i < input.memberIds.length; i += ROWS_PER_INSERT) {
    const sql = new Sql(false);
    const values = input.memberIds
      .slice(i, i + ROWS_PER_INSERT)
      .map((memberId) => `(${sql.list([randomUUID(), input.shopId, memberId, input.kind, prefix + memberId + suffix, data, now])})`);
    const inserted = await tx.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO "Occasion" ("id", "shopId", "memberId", "kind", "key", "data", "occurredAt") VALUES ${values.join(", ")}
       ON CONFLICT ("shopId", "key") DO NOTHING RETURNING "id"`,
      ...sql.params,
    );
    const rows = inserted.flatMap((r) => channels.map((channel) => [r.id, channel] as const));
    for (let j = 0; j < rows.length; j += ROWS_PER_INSERT) {
      const dsql = new Sql(false);
      const dvalues = rows.slice(j, j + ROWS_PER_INSERT).map(([id, channel]) => `(${dsql.list([randomUUID(), id, input.shopId, channel, "pending", 0, now, now, now])})`);
      await tx.$executeRawUnsafe(
        `INSERT INTO "OccasionDelivery" ("id", "occasionId", "shopId", "channel", "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
         VALUES ${dvalues.join(", ")} ON CONFLICT ("occasionId", "channel") DO NOTHING`,
        ...dsql.params,
      );
    }
  }
}
