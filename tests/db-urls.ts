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
