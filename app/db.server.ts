import { createHash } from "node:crypto";
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
    const client = new PgPrismaClient({
      adapter: new PrismaPg(pool, {
        disposeExternalPool: true,
        onPoolError: (error) => log.warn("database connection lost while idle", { error: error.message }),
        onConnectionError: (error) => log.warn("database connection lost", { error: error.message }),
      }),
    });
    pgPools.set(client, pool);
    return client;
  }
  return new PrismaClient({ adapter: new PrismaLibSql({ url, timeout: SQLITE_BUSY_MS }) });
}

/**
 * How long a SQLite write waits for another process's write to finish (SQLite's busy
 * timeout). libsql's default is none: a second process writing the same file (a CLI beside
 * `npm run local`, a test beside the local server) failed at once with SQLITE_BUSY. libsql
 * waits synchronously, so the waiting process does nothing else meanwhile; other processes'
 * write transactions are short (one batch, one import slice), and a CLI that failed at once
 * was worse. Kanta's own process has one connection (its writes queue in the adapter).
 */
export const SQLITE_BUSY_MS = 5000;

const pgPools = new WeakMap<PrismaClient, pg.Pool>();

/**
 * One statement, outside any transaction, as a named prepared statement on the PostgreSQL
 * client's own pool: each connection plans `text` once and keeps the plan, where Prisma's raw
 * queries are unnamed and planned on every call. For the hottest single statements: the
 * storefront's member read (loyalty/storefront/member-side.server.ts), whose planning was 1.0
 * of its 1.2 ms, and the webhook inbox's insert. Null when `db` is not a PostgreSQL client
 * made by createPrismaClient (SQLite, or a transaction), or with KANTA_PG_PREPARED=0 (a pooler
 * in transaction mode, which does not keep a connection's prepared statements): the caller
 * goes through Prisma. Values are bound as Prisma binds them: Dates as UTC timestamps without
 * a zone (the columns' type), BigInts as text. Columns come as pg gives them: text as
 * strings, bigint and numeric as strings.
 */
export async function queryPreparedPg(db: Db, text: string, values: readonly unknown[]): Promise<Record<string, unknown>[] | null> {
  const pool = pgPools.get(db);
  if (!pool || getEnv().KANTA_PG_PREPARED === "0") return null;
  const result = await pool.query({ name: statementName(text), text, values: values.map(toPgValue) });
  return result.rows as Record<string, unknown>[];
}

/**
 * Lets the event loop turn. SQLite's driver answers without waiting on I/O, so a long loop of
 * queries (an import, an outbox's hundred deliveries) runs on microtasks alone and starves
 * the HTTP requests the same process serves (the in-process job runner): the
 * acknowledgements waited 250-470 ms behind each run of the email outbox (0045).
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Put first in a raw statement's text (Prisma's `$executeRawUnsafe`/`$queryRawUnsafe`, in a
 * transaction or not): on PostgreSQL the statement runs as a named prepared statement on its
 * connection, planned once per connection instead of on every call. Only for texts that do not
 * vary with the data (arrays as parameters, `unnest`), or each text would be a statement of its
 * own. KANTA_PG_PREPARED=0 sends them unnamed. Harmless on SQLite (a comment). The batch
 * paths' multi-row writes (loyalty/sql.server.ts): see 0044.
 */
export const PREPARED = "/* kanta:prepared */ ";

/** pg's query config with a statement name when its text is marked PREPARED. */
function namedIfMarked<T>(config: T): T {
  const text = (config as { text?: unknown } | null)?.text;
  if (typeof text !== "string" || !text.startsWith(PREPARED) || (config as { name?: unknown }).name || getEnv().KANTA_PG_PREPARED === "0") return config;
  return { ...config, name: statementName(text) };
}

const statementNames = new Map<string, string>();

/** One name per statement text (pg refuses a name reused for another text); texts are few (a shape per shop configuration). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    if (statementNames.size >= 1000) statementNames.clear();
    name = `kanta_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

function toPgValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, -1);
  if (typeof value === "bigint") return value.toString();
  return value;
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
  // Prisma's queries outside transactions come here; a PREPARED text gets its name.
  override query(...args: unknown[]): never {
    args[0] = namedIfMarked(args[0]);
    return (super.query as (...a: unknown[]) => never)(...args);
  }

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
    args[0] = namedIfMarked(args[0]);
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
