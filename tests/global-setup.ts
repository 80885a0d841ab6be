import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { findChromium } from "../scripts/chromium.mjs";
import { migrate } from "../scripts/migrate.mjs";
import { pgAdminUrl, pgDatabaseUrl, pgTestPrefix, testTmpDir } from "./db-urls";

// Migrates one template database; each test worker then gets its own copy
// (a SQLite file copy, or CREATE DATABASE … TEMPLATE on PostgreSQL).
export default async function setup() {
  const tmp = testTmpDir();
  const prefix = pgTestPrefix();
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  if ((process.env.KANTA_TEST_DB ?? "sqlite") === "postgres") {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: pgAdminUrl() });
    await admin.connect();
    // starts_with, not LIKE: "_" in the prefix would match any character (another run's databases).
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE starts_with(datname, $1) AND pid <> pg_backend_pid()`, [prefix]);
    const existing = await admin.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
    for (const row of existing.rows as { datname: string }[]) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}"`);
    await admin.query(`CREATE DATABASE ${prefix}template`);
    await admin.end();
    await migrate(pgDatabaseUrl(`${prefix}template`), { log: () => {} });
  } else {
    await migrate(`file:${path.join(tmp, "template.db")}`, { quiet: true });
    // The browser tests run local mode on the current code: build it once for all of them,
    // into build-local/ with NODE_ENV=test (KANTA_TEST_NO_BUILD=1 skips it for runs without
    // browser tests).
    if (process.env.KANTA_TEST_NO_BUILD === "1") return;
    const build = spawnSync(process.execPath, [path.join("scripts", "build.mjs"), "--local"], {
      cwd: process.cwd(),
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`local-mode build failed:\n${build.stdout}\n${build.stderr}`);
    // Unpack the npm-shipped Chromium now if it is the one to use, not in each test worker.
    await findChromium();
  }
}
