import type { Db, Tx } from "../../db.server";

// The storefront's app-data metafield (kanta.program: program status and widget defaults)
// follows the Program row through the AppDataSync outbox. Every change the metafield shows
// marks the shop's row dirty in the same transaction as the change; app/jobs/app-data.server.ts
// sends it. docs/decisions/0010-app-data-metafield.md

/** The app embed's metafield must be sent again (call in the transaction of the change). */
export async function markAppDataDirty(db: Db | Tx, shopId: string, now = new Date()): Promise<void> {
  await db.appDataSync.upsert({
    where: { shopId },
    create: { shopId, dirty: true, nextAttemptAt: now },
    // A row that was given up on (deadAt) starts over with the change.
    update: { dirty: true, nextAttemptAt: now, attempts: 0, deadAt: null, version: { increment: 1 } },
  });
}
