#!/usr/bin/env node
// Applies Kanta's migrations to the database DATABASE_URL names.
//
// SQLite: `prisma migrate deploy` through the libsql adapter (prisma/prisma.config.ts).
// PostgreSQL: the Prisma JS engine cannot run `migrate deploy` against PostgreSQL offline
// ("Column type 'name' could not be deserialized", MACHINE.md), so this script applies
// prisma/postgres/migrations/*/migration.sql itself, in order, each in a transaction, and
// records them in Prisma's own `_prisma_migrations` table with Prisma's checksum (sha256
// of the file), so a later `prisma migrate deploy` with the native engine agrees with it.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prisma } from "./prisma-offline.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export async function migratePostgres(url, { log = console.log } = {}) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One migrator at a time (several test workers or app instances may start together).
    await client.query("SELECT pg_advisory_lock(724120)");
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const dir = path.join(root, "prisma", "postgres", "migrations");
    const names = readdirSync(dir).filter((n) => existsSync(path.join(dir, n, "migration.sql"))).sort();
    const applied = new Set(
      (await client.query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map((r) => r.migration_name),
    );
    for (const name of names) {
      if (applied.has(name)) continue;
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query("COMMIT");
        log(`applied ${name}`);
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${error.message}`);
      }
    }
    await client.query("SELECT pg_advisory_unlock(724120)");
  } finally {
    await client.end();
  }
}

export function migrateSqlite(url, { quiet = false } = {}) {
  const r = prisma(["migrate", "deploy", "--config", "prisma/prisma.config.ts"], {
    env: { DATABASE_URL: url },
    quiet,
  });
  if (r.status !== 0) throw new Error(`prisma migrate deploy failed for ${url}`);
}

/**
 * Write-ahead logging: readers never wait for the writer and each commit appends to the log
 * instead of rewriting pages. The mode is stored in the database file, so setting it once
 * here applies to every later connection.
 */
export async function enableSqliteWal(url) {
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url });
  try {
    await client.execute("PRAGMA journal_mode = WAL");
  } finally {
    client.close();
  }
}

export async function migrate(url, options = {}) {
  if (/^postgres(ql)?:/.test(url)) return migratePostgres(url, options);
  migrateSqlite(url, options);
  await enableSqliteWal(url);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const url = process.env.DATABASE_URL ?? "file:./prisma/kanta.db";
  migrate(url).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
