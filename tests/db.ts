import { copyFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { createPrismaClient, setDb, type Db } from "../app/db.server";
import { resetEnvCache } from "../app/env.server";
import { stopJobRunner } from "../app/jobs/queue.server";
import { ensureShop } from "../app/loyalty/program/shops.server";
import { LOCAL_SHOP } from "../app/shopify/admin.server";
import { pgAdminUrl, pgDatabaseUrl, pgTestPrefix, testTmpDir } from "./db-urls";

export const TEST_DB = (process.env.KANTA_TEST_DB ?? "sqlite") as "sqlite" | "postgres";

/** A fresh database for this test file (copy of the migrated template), set as the app's db. */
export function useTestDatabase(): { db: () => Db } {
  let db: Db | undefined;
  let pgName: string | undefined;
  beforeAll(async () => {
    let url: string;
    if (TEST_DB === "postgres") {
      pgName = `${pgTestPrefix()}${randomUUID().replace(/-/g, "").slice(0, 12)}`;
      const { default: pg } = await import("pg");
      const admin = new pg.Client({ connectionString: pgAdminUrl() });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${pgName} TEMPLATE ${pgTestPrefix()}template`);
      await admin.end();
      url = pgDatabaseUrl(pgName);
    } else {
      const tmp = testTmpDir();
      const file = path.join(tmp, `${randomUUID()}.db`);
      copyFileSync(path.join(tmp, "template.db"), file);
      url = `file:${file}`;
    }
    process.env.DATABASE_URL = url;
    resetEnvCache();
    db = createPrismaClient(url);
    setDb(db);
  });
  afterAll(async () => {
    await stopJobRunner();
    await db?.$disconnect();
    setDb(undefined);
    if (pgName) {
      const { default: pg } = await import("pg");
      const admin = new pg.Client({ connectionString: pgAdminUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
      await admin.end();
    }
  });
  return {
    db: () => {
      if (!db) throw new Error("database not ready");
      return db;
    },
  };
}

let shopCounter = 0;
/** A new shop (with the default program) for one test; shops isolate tests from each other. */
export async function createTestShop(db: Db, overrides: { currencyCode?: string; pendingDays?: number; domain?: string } = {}) {
  const domain = overrides.domain ?? `test-${process.pid}-${++shopCounter}-${randomUUID().slice(0, 6)}.myshopify.com`;
  const shop = await ensureShop(db, {
    domain,
    name: "Test shop",
    currencyCode: overrides.currencyCode ?? "EUR",
    ianaTimezone: "Europe/Helsinki",
  });
  await db.program.update({ where: { shopId: shop.id }, data: { status: "live", pendingDays: overrides.pendingDays ?? 0 } });
  return shop;
}

/**
 * Route tests of the /app pages: local mode (the demo shop is signed in) for this file,
 * with the demo shop created on its database; `onReady` gets its id for further set-up.
 */
export function useLocalAdminShop(db: () => Db, onReady: (shopId: string) => Promise<void> | void): void {
  beforeAll(async () => {
    process.env.KANTA_LOCAL = "1";
    resetEnvCache();
    const shop = await createTestShop(db(), { domain: LOCAL_SHOP });
    await onReady(shop.id);
  });
  afterAll(() => {
    delete process.env.KANTA_LOCAL;
    resetEnvCache();
  });
}
