// Prisma CLI configuration for the offline JS engine (MACHINE.md): migrations run through
// the libsql driver adapter, so no native schema engine is downloaded or executed.
// PostgreSQL migrations are applied by scripts/migrate.mjs (see docs/decisions/0001).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";

const url = process.env.DATABASE_URL ?? "file:./prisma/kanta.db";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  async adapter() {
    return new PrismaLibSQL({ url });
  },
});
