#!/usr/bin/env node
// Runs the Prisma CLI without its engine download, and keeps the PostgreSQL schema derived.
//
// Prisma 7's client is Rust-free (a wasm query compiler + driver adapters) and `prisma
// generate` executes no native engine; the CLI still tries to download the schema engine at
// start, and this machine cannot reach Prisma's binary host. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download (../shared/MACHINE.md,
// docs/decisions/0001-stack-and-offline-prisma.md). Commands that need the schema engine
// (`migrate …`, `db push`, `migrate diff`) then fail here; set PRISMA_SCHEMA_ENGINE_BINARY
// to a real schema-engine binary to run them. scripts/migrate.mjs applies migrations without it.
//
//   node scripts/prisma-offline.mjs generate      both clients (SQLite and PostgreSQL)
//   node scripts/prisma-offline.mjs <args…>       any other Prisma CLI call
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const placeholder = path.join(root, "package.json");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");

export const sqliteSchema = path.join(root, "prisma", "schema.prisma");
export const postgresSchema = path.join(root, "prisma", "postgres", "schema.prisma");

/** prisma/postgres/schema.prisma: the SQLite schema with the PostgreSQL provider. */
export function derivePostgresSchema() {
  const source = readFileSync(sqliteSchema, "utf8");
  const derived = source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(
      'provider = "prisma-client-js"',
      'provider = "prisma-client-js"\n  output   = "../../node_modules/.prisma/client-pg"',
    );
  if (derived === source) throw new Error("could not derive the PostgreSQL schema");
  mkdirSync(path.dirname(postgresSchema), { recursive: true });
  writeFileSync(
    postgresSchema,
    "// GENERATED from prisma/schema.prisma by scripts/prisma-offline.mjs. Do not edit.\n" + derived,
  );
}

export function prisma(args, options = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    stdio: options.quiet ? "pipe" : "inherit",
    encoding: "utf8",
    env: { ...env, ...(options.env ?? {}) },
    cwd: root,
  });
  if (options.quiet && result.status !== 0) {
    process.stderr.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
  }
  return result;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === "generate" && args.length === 1) {
    derivePostgresSchema();
    for (const schema of [sqliteSchema, postgresSchema]) {
      const r = prisma(["generate", "--no-hints", "--schema", schema]);
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    process.exit(0);
  }
  const r = prisma(args);
  process.exit(r.status ?? 1);
}
