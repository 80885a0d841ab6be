import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { databaseKind, getDb } from "./db.server";
import { getEnv } from "./env.server";
import { isPostgres } from "./loyalty/sql.server";

// Readiness (GET /readyz): can this process do its work? The database answers, every
// migration in this build's prisma folder is applied, and Redis answers when REDIS_URL is
// set. Liveness (GET /healthz) asks nothing of them: a process whose database is down is
// alive and should not be restarted for it. docs/decisions/0017-reconciliation-and-operations.md

export interface Check {
  ok: boolean;
  error?: string;
  pending?: string[];
}

export interface Readiness {
  ok: boolean;
  checks: Record<string, Check>;
}

const TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** An error's last non-empty line (Prisma's messages end with the cause), short. */
const message = (error: unknown) => ((error instanceof Error ? error.message : String(error)).split("\n").filter((l) => l.trim()).pop() ?? "unknown error").trim().slice(0, 300);

/** The migrations this build ships (prisma/migrations or prisma/postgres/migrations, from the working directory). */
export function shippedMigrations(postgres: boolean, root = process.cwd()): string[] | null {
  const dir = postgres ? path.join(root, "prisma", "postgres", "migrations") : path.join(root, "prisma", "migrations");
  if (!existsSync(dir)) return null;
  return readdirSync(dir)
    .filter((name) => existsSync(path.join(dir, name, "migration.sql")))
    .sort();
}

async function checkDatabase(): Promise<{ database: Check; migrations: Check }> {
  const db = getDb();
  try {
    await withTimeout(db.$queryRawUnsafe("SELECT 1"), "the database");
  } catch (error) {
    return { database: { ok: false, error: message(error) }, migrations: { ok: false, error: "database unreachable" } };
  }
  const shipped = shippedMigrations(isPostgres(db));
  if (!shipped) return { database: { ok: true }, migrations: { ok: false, error: "no prisma migrations folder beside the app (run from the project folder)" } };
  try {
    const rows = await withTimeout(
      db.$queryRawUnsafe<{ migration_name: string }[]>(`SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`),
      "the database",
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = shipped.filter((name) => !applied.has(name));
    return { database: { ok: true }, migrations: pending.length === 0 ? { ok: true } : { ok: false, pending, error: "run `npm run setup` to apply them" } };
  } catch (error) {
    return { database: { ok: true }, migrations: { ok: false, error: `no migrations applied (${message(error)}): run \`npm run setup\`` } };
  }
}

declare global {
  var kantaHealthRedis: { url: string; client: Redis } | undefined;
}

/** One connection per process for the check; commands fail at once while it is down. */
function healthRedis(url: string): Redis {
  if (globalThis.kantaHealthRedis?.url !== url) {
    globalThis.kantaHealthRedis?.client.disconnect();
    const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: TIMEOUT_MS, retryStrategy: () => 1_000 });
    client.on("error", () => {}); // reported by the check, not as an unhandled event
    globalThis.kantaHealthRedis = { url, client };
  }
  return globalThis.kantaHealthRedis.client;
}

async function checkRedis(url: string): Promise<Check> {
  const client = healthRedis(url);
  try {
    if (client.status === "wait") await withTimeout(client.connect(), "Redis");
    const pong = await withTimeout(client.ping(), "Redis");
    return pong === "PONG" ? { ok: true } : { ok: false, error: `unexpected answer ${pong}` };
  } catch (error) {
    return { ok: false, error: message(error) };
  }
}

export async function checkReadiness(): Promise<Readiness> {
  const env = getEnv();
  const [db, redis] = await Promise.all([checkDatabase(), env.REDIS_URL ? checkRedis(env.REDIS_URL) : Promise.resolve(null)]);
  const checks: Record<string, Check> = { database: db.database, migrations: db.migrations };
  if (redis) checks.redis = redis;
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

/** Which database this process uses, for /readyz's answer (never the URL: it holds a password). */
export function databaseName(): string {
  return databaseKind(getEnv().DATABASE_URL);
}
