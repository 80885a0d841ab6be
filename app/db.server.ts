import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaLibSql } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { getEnv } from "./env.server";
import { log } from "./log.server";

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
    const pool = new ReleasingPool({ connectionString: url, max: 10 });
    return new PgPrismaClient({
      adapter: new PrismaPg(pool, {
        disposeExternalPool: true,
        onPoolError: (error) => log.warn("database connection lost while idle", { error: error.message }),
        onConnectionError: (error) => log.warn("database connection lost", { error: error.message }),
      }),
    });
  }
  return new PrismaClient({ adapter: new PrismaLibSql({ url }) });
}

/**
 * PostgreSQL's pool, for a database that can go away (a restart, pg_terminate_backend, a
 * failover): a connection that dies while checked out (in a transaction) goes back to the
 * pool at once, marked broken, so the pool drops it. Without this, a transaction whose
 * connection was cut may never release it; ten of them and every query waits forever (and
 * $disconnect with them). Idle connections that die are dropped by the pool itself; the
 * listeners above keep either from crashing the process. docs/decisions/0014-faults.md
 */
class ReleasingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    // The callback form is pool.query's own, which releases on error itself.
    if (callback) return super.connect(callback);
    return super.connect().then((client) => {
      const release = client.release.bind(client);
      let released = false;
      const releaseOnce = (error?: Error | boolean) => {
        if (released) return;
        released = true;
        client.removeListener("error", onError);
        release(error);
      };
      const onError = (error: Error) => releaseOnce(error);
      client.on("error", onError);
      client.release = releaseOnce;
      oneQueryAtATime(client);
      return client;
    });
  }
}

const SEQUENTIAL = Symbol("kanta.oneQueryAtATime");

/**
 * A checked-out connection (a transaction's) runs one query at a time: a query asked for
 * while another runs is sent when that one has finished. Prisma's query interpreter sends
 * the relations of an `include` concurrently (Promise.all over a join's children), which pg
 * 8 queues with a deprecation warning ("Calling client.query() when the client is already
 * executing a query") and pg 9 will refuse. Same order, same results: pg 8 queued them the
 * same way. docs/decisions/0030-batched-accrual.md
 */
function oneQueryAtATime(client: pg.PoolClient): void {
  const marked = client as pg.PoolClient & { [SEQUENTIAL]?: true };
  if (marked[SEQUENTIAL]) return;
  marked[SEQUENTIAL] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let tail: Promise<unknown> = Promise.resolve();
  client.query = ((...args: unknown[]) => {
    // The callback and submittable forms return no promise to chain: pg's own behaviour.
    const first = args[0] as { submit?: unknown } | undefined;
    if (typeof args[args.length - 1] === "function" || typeof first?.submit === "function") return query(...args);
    const run = tail.then(() => query(...args));
    tail = run.catch(() => undefined);
    return run;
  }) as typeof client.query;
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
