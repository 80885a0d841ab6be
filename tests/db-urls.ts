import path from "node:path";

// Where the PostgreSQL test databases live. KANTA_TEST_PG_URL names the server (any
// database on it); the default is the trust-auth local server of ../shared/MACHINE.md.
export function pgAdminUrl(): string {
  return process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

export function pgDatabaseUrl(database: string): string {
  const url = new URL(pgAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

// KANTA_TEST_RUN names one test run, so that several runs on one machine (developers working
// in parallel) never drop each other's databases or files. Default: "main".
export function testRunId(): string {
  const run = process.env.KANTA_TEST_RUN ?? "main";
  if (!/^[a-z0-9]{1,16}$/.test(run)) throw new Error("KANTA_TEST_RUN must be 1-16 lowercase letters/digits");
  return run;
}

/** Prefix of this run's PostgreSQL databases; its template is `${prefix}template`. */
export function pgTestPrefix(): string {
  return `kanta_${testRunId()}_`;
}

/** This run's scratch folder for SQLite files. */
export function testTmpDir(): string {
  return path.join(process.cwd(), "tests", testRunId() === "main" ? ".tmp" : `.tmp-${testRunId()}`);
}
