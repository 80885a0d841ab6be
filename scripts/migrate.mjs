#!/usr/bin/env node
// Applies Kanta's migrations to the database DATABASE_URL names.
//
// Prisma 7's CLI runs migrations only through its native schema engine, which it downloads
// from Prisma's binary host (unreachable here; Prisma 6's `engine: "js"` + adapter path is
// gone). So this script applies the migration SQL itself, for both databases, in name order,
// and records each one in Prisma's own `_prisma_migrations` table with Prisma's checksum
// (sha256 of the file), so a later `prisma migrate deploy` with the native engine (where the
// network allows it) agrees with it:
// - PostgreSQL: prisma/postgres/migrations/*/migration.sql, each in a transaction, under an
//   advisory lock.
// - SQLite: prisma/migrations/*/migration.sql through @libsql/client, each as one script
//   outside a transaction, as Prisma's schema engine runs them (their table rebuilds switch
//   `PRAGMA foreign_keys`, which a transaction would ignore). A migration that fails is left
//   recorded as failed (finished_at empty, the error in logs), and a later run refuses to go
//   on until it is resolved, as `prisma migrate deploy` does (P3009).
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

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

export async function migrateSqlite(url, { log = console.log, quiet = false } = {}) {
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url, timeout: 5000 }); // waits for another writer, as app/db.server.ts SQLITE_BUSY_MS
  try {
    // Prisma's own SQLite migrations table (as its schema engine creates it).
    await client.execute(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`);
    const rows = (await client.execute(`SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`)).rows;
    const failed = rows.filter((r) => r.finished_at === null).map((r) => r.migration_name);
    if (failed.length > 0) throw new Error(`migration ${failed.join(", ")} failed earlier: resolve it first (prisma migrate resolve)`);
    const applied = new Set(rows.map((r) => r.migration_name));
    const dir = path.join(root, "prisma", "migrations");
    const names = readdirSync(dir).filter((n) => existsSync(path.join(dir, n, "migration.sql"))).sort();
    const now = () => new Date().toISOString().replace("Z", "+00:00");
    for (const name of names) {
      if (applied.has(name)) continue;
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const id = randomUUID();
      await client.execute({
        sql: `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)`,
        args: [id, checksum, name, now()],
      });
      try {
        await client.executeMultiple(sql);
      } catch (error) {
        await client.execute({ sql: `UPDATE "_prisma_migrations" SET logs = ? WHERE id = ?`, args: [String(error?.message ?? error), id] });
        throw new Error(`migration ${name} failed: ${error.message}`);
      }
      await client.execute({ sql: `UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`, args: [now(), id] });
      if (!quiet) log(`applied ${name}`);
    }
  } finally {
    client.close();
  }
}

/**
 * Write-ahead logging: readers never wait for the writer and each commit appends to the log
 * instead of rewriting pages. The mode is stored in the database file, so setting it once
 * here applies to every later connection.
 */
export async function enableSqliteWal(url) {
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url, timeout: 5000 }); // waits for another writer, as app/db.server.ts SQLITE_BUSY_MS
  try {
    await client.execute("PRAGMA journal_mode = WAL");
  } finally {
    client.close();
  }
}

export async function migrate(url, options = {}) {
  if (/^postgres(ql)?:/.test(url)) return migratePostgres(url, options);
  await migrateSqlite(url, options);
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
