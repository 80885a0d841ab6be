// What the HTTP benchmarks share: a fresh database per run, the production server started as
// a child process against it, and percentiles. Not a benchmark itself.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import pg from "pg";
import { readBuildInfo } from "../scripts/build-info.mjs";

export type Kind = "sqlite" | "postgres";

export const root = path.dirname(import.meta.dirname);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** An empty database for one run: a file under `tmpDir` (SQLite) or a dropped and re-created database (PostgreSQL). */
export async function freshDatabase(kind: Kind, name: string, options: { pgUrl: string; tmpDir: string }): Promise<string> {
  if (kind === "sqlite") {
    mkdirSync(options.tmpDir, { recursive: true });
    const file = path.join(options.tmpDir, `${name}.db`);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    return `file:${file}`;
  }
  const dbName = name.replace(/[^a-z0-9_]/gi, "_").toLowerCase();
  const admin = new pg.Client({ connectionString: options.pgUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(options.pgUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}

/** `npm start` serves only a production build (build/kanta-build.json, scripts/build.mjs). */
export function ensureProductionBuild(): void {
  if (readBuildInfo(path.join(root, "build"))?.mode !== "production") {
    spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  }
}

function serverEnv(databaseUrl: string, port: number, secret: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    SHOPIFY_API_SECRET: secret,
    SHOPIFY_API_KEY: "bench",
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    KANTA_LOG_LEVEL: "warn",
    REDIS_URL: "",
    // No Shopify to sync tiers or app data with: those jobs would only retry and log.
    KANTA_TIER_JOBS: "0",
    KANTA_APP_DATA_JOBS: "0",
  };
}

/**
 * The production server (scripts/start.mjs) on `port` against `databaseUrl`, resolved once it
 * listens. KANTA_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles it.
 */
export async function startServer(databaseUrl: string, port: number, secret: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const nodeArgs = (process.env.KANTA_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "scripts/start.mjs"], {
    cwd: root,
    env: { ...process.env, ...serverEnv(databaseUrl, port, secret), ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

export interface Servers {
  /** What answers: the web process (with the in-process worker when `workers` is 0). */
  web: ChildProcess;
  workers: ChildProcess[];
  stop(): void;
}

/**
 * The production topology of README "Production topology": with `workers` = 0 one web process
 * that also processes (the embedded default); with `workers` = M > 0 a web process that only
 * acknowledges (KANTA_WORKER=0) and M `npm run worker` processes sharing BullMQ's queue in
 * Redis (`redisUrl`, a queue prefix of its own per call so earlier runs' jobs are not seen).
 */
export async function startTopology(databaseUrl: string, port: number, secret: string, options: { workers: number; redisUrl: string; env?: Record<string, string> }): Promise<Servers> {
  if (options.workers === 0) {
    const web = await startServer(databaseUrl, port, secret, options.env);
    return { web, workers: [], stop: () => web.kill("SIGTERM") };
  }
  const shared = { ...options.env, REDIS_URL: options.redisUrl, KANTA_QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}` };
  const workers = Array.from({ length: options.workers }, () =>
    spawn(process.execPath, ["build/worker.js"], {
      cwd: root,
      env: { ...process.env, ...serverEnv(databaseUrl, port, secret), ...shared, KANTA_WORKER: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  const web = await startServer(databaseUrl, port, secret, { ...shared, KANTA_WORKER: "0" });
  return {
    web,
    workers,
    stop: () => {
      web.kill("SIGTERM");
      for (const w of workers) w.kill("SIGTERM");
    },
  };
}

/** The database's own single-row insert rate, one transaction per row: the ceiling Kanta's writes are compared with. */
export async function rawInsertRate(kind: Kind, url: string, n: number, clients: number): Promise<number> {
  if (kind === "sqlite") {
    const client = createClient({ url });
    await client.execute("PRAGMA journal_mode=WAL");
    await client.execute("CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, v INTEGER)");
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const tx = await client.transaction("write");
      await tx.execute({ sql: "INSERT INTO bench_raw (id, v) VALUES (?, ?)", args: [randomUUID(), i] });
      await tx.commit();
    }
    const rate = n / ((performance.now() - start) / 1000);
    client.close();
    return rate;
  }
  const pool = new pg.Pool({ connectionString: url, max: clients });
  await pool.query("CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, v INTEGER)");
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < n) {
        next++;
        await pool.query("INSERT INTO bench_raw (id, v) VALUES ($1, $2)", [randomUUID(), next]);
      }
    }),
  );
  const rate = n / ((performance.now() - start) / 1000);
  await pool.end();
  return rate;
}


/**
 * Requests/s the server answers with a forged HMAC (401, nothing stored) for `seconds`: the
 * HTTP + HMAC ceiling of this machine with the sender on it, measured in the same run.
 */
export async function forgedRequestRate(port: number, body: string, seconds: number, concurrency: number): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const response = await fetch(`http://127.0.0.1:${port}/webhooks/orders/paid`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/paid",
            "X-Shopify-Shop-Domain": "bench.myshopify.com",
            "X-Shopify-Hmac-Sha256": "Zm9yZ2Vk",
            "X-Shopify-Webhook-Id": randomUUID(),
          },
          body,
        });
        await response.arrayBuffer();
        if (response.status !== 401) throw new Error(`a forged webhook got HTTP ${response.status}`);
        done++;
      }
    }),
  );
  return done / seconds;
}
