// Prisma CLI configuration. Prisma 7 takes the connection URL from here, no longer from the
// schema. Its CLI runs migrations only through the native schema engine, which this machine
// cannot download, so scripts/migrate.mjs applies both databases' migrations itself
// (docs/decisions/0001). `prisma generate` (scripts/prisma-offline.mjs) needs no database.
import path from "node:path";
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL ?? "file:./prisma/kanta.db";

export default defineConfig({
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  datasource: { url },
});
