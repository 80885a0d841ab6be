import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { getEnv } from "./env.server";

// One Prisma client per process, on the adapter DATABASE_URL names. The SQLite client is
// generated from prisma/schema.prisma; the PostgreSQL client from the derived
// prisma/postgres/schema.prisma (same models), into node_modules/.prisma/client-pg.
// See docs/decisions/0001-stack-and-offline-prisma.md.

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function databaseKind(url: string): "sqlite" | "postgres" {
  return /^postgres(ql)?:/.test(url) ? "postgres" : "sqlite";
}

export function createPrismaClient(url: string): PrismaClient {
  if (databaseKind(url) === "postgres") {
    const require = createRequire(import.meta.url);
    const { PrismaClient: PgPrismaClient } = require(".prisma/client-pg") as {
      PrismaClient: new (options: { adapter: PrismaPg }) => PrismaClient;
    };
    return new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  }
  return new PrismaClient({ adapter: new PrismaLibSQL({ url }) });
}

declare global {
   
  var kantaPrisma: PrismaClient | undefined;
}

export function getDb(): PrismaClient {
  if (!globalThis.kantaPrisma) {
    globalThis.kantaPrisma = createPrismaClient(getEnv().DATABASE_URL);
  }
  return globalThis.kantaPrisma;
}

/** Tests and scripts point the process at another database. */
export function setDb(client: PrismaClient | undefined): void {
  globalThis.kantaPrisma = client;
}

/**
 * The Prisma error code (P2002 …) of an error from either generated client. `instanceof
 * Prisma.PrismaClientKnownRequestError` is not enough: the PostgreSQL client has its own
 * runtime and error classes.
 */
export function prismaErrorCode(error: unknown): string | null {
  if (error && typeof error === "object" && "code" in error && (error as { name?: string }).name === "PrismaClientKnownRequestError") {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : null;
  }
  return null;
}
