#!/usr/bin/env node
// npm run db:migration -- <name> [--from <git revision>]
// Writes the SQLite and PostgreSQL migrations for the change to prisma/schema.prisma since
// the last commit (git HEAD, or the revision given: to fold several unreleased migrations
// made on parallel branches into one, whose SQLite table rebuilds would drop each other's
// columns), with the same folder name in prisma/migrations and
// prisma/postgres/migrations. Offline: `prisma migrate diff` between two schema files needs
// no database, but Prisma 7 runs it only through its native schema engine, which this
// machine cannot download (scripts/prisma-offline.mjs): set PRISMA_SCHEMA_ENGINE_BINARY to
// a real schema-engine binary, or run this where Prisma's binary host is reachable.
// Review both SQL files before committing them with the schema change.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { derivePostgresSchema, postgresSchema, prisma, sqliteSchema } from "./prisma-offline.mjs";
import { root } from "./env.mjs";

const name = process.argv[2];
const fromIndex = process.argv.indexOf("--from");
const fromRev = fromIndex > 0 ? process.argv[fromIndex + 1] : "HEAD";
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name_in_snake_case>");
  process.exit(1);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "kanta-migration-"));
const previousSqlite = path.join(tmp, "previous.prisma");
// Revisions before Prisma 7 name the URL in the schema, which Prisma 7 refuses.
writeFileSync(previousSqlite, execFileSync("git", ["show", `${fromRev}:prisma/schema.prisma`], { cwd: root, encoding: "utf8" }).replace(/^\s*url\s*=\s*env\("DATABASE_URL"\)\s*\n/m, ""));
const previousPostgres = path.join(tmp, "previous-pg.prisma");
writeFileSync(previousPostgres, (await import("node:fs")).readFileSync(previousSqlite, "utf8").replace('provider = "sqlite"', 'provider = "postgresql"'));
derivePostgresSchema();

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = `${stamp}_${name}`;
for (const [from, to, dir] of [
  [previousSqlite, sqliteSchema, path.join(root, "prisma", "migrations", folder)],
  [previousPostgres, postgresSchema, path.join(root, "prisma", "postgres", "migrations", folder)],
]) {
  const r = prisma(
    ["migrate", "diff", "--config", "prisma/prisma.config.ts", "--from-schema", from, "--to-schema", to, "--script"],
    { quiet: true },
  );
  if (r.status !== 0) {
    if (/EACCES|ENOENT|schema-engine/i.test(`${r.stderr}${r.stdout}`)) console.error("prisma migrate diff needs the native schema engine: set PRISMA_SCHEMA_ENGINE_BINARY (see the top of this file)");
    process.exit(r.status ?? 1);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), r.stdout);
  console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
}
