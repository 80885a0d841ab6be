import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm test` (scripts/test.mjs) runs this twice: KANTA_TEST_DB=sqlite (unit + integration)
// and KANTA_TEST_DB=postgres (integration).
const db = process.env.KANTA_TEST_DB ?? "sqlite";

export default defineConfig({
  root: path.dirname(import.meta.dirname),
  test: {
    include:
      db === "postgres"
        ? ["tests/integration/**/*.test.ts"]
        : ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts"],
    // PostgreSQL-only files: faults-postgres drops its database's connections; faults-worker
    // runs a separate worker process (a multi-process deployment, which is PostgreSQL's);
    // pg-one-query checks the pg driver's per-connection query rule.
    // SQLite-only: sqlite-writers checks SQLite's one writer against another connection.
    exclude: db === "postgres" ? ["tests/integration/sqlite-writers.test.ts"] : ["tests/integration/faults-postgres.test.ts", "tests/integration/faults-worker.test.ts", "tests/integration/pg-one-query.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    env: { TZ: "UTC", NODE_ENV: "test" },
  },
});
