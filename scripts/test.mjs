#!/usr/bin/env node
// `npm test`: the whole suite, on SQLite and on PostgreSQL, with Redis for the BullMQ
// tests. A missing service is a failure with instructions, never a silent skip.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { findChromium } from "./chromium.mjs";
import { root } from "./env.mjs";

const pgUrl = new URL(process.env.KANTA_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const redisUrl = new URL(process.env.KANTA_TEST_REDIS_URL ?? "redis://127.0.0.1:6379");

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const missing = [];
if (!(await reachable(pgUrl.hostname, pgUrl.port || 5432))) {
  missing.push(`PostgreSQL at ${pgUrl.host} (set KANTA_TEST_PG_URL, or start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; on a new machine: apt-get install -y postgresql)`);
}
if (!(await reachable(redisUrl.hostname, redisUrl.port || 6379))) {
  missing.push(`Redis at ${redisUrl.host} (set KANTA_TEST_REDIS_URL, or start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; on a new machine: apt-get install -y redis-server)`);
}
// The Redis fault tests start and kill a redis-server of their own (never the one above).
if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) {
  missing.push("redis-server on PATH, for the fault tests (tests/redis-server.ts; on a new machine: apt-get install -y redis-server)");
}
// Chromium for the browser tests: CHROMIUM_PATH, Debian's, or the one in npm's
// @sparticuz/chromium, unpacked here once (before the test workers start).
try {
  await findChromium();
} catch (error) {
  missing.push(`Chromium for the browser tests: ${error instanceof Error ? error.message : error} (npm ci installs @sparticuz/chromium; or set CHROMIUM_PATH)`);
}
if (missing.length) {
  console.error(`npm test needs these and cannot find them:\n  - ${missing.join("\n  - ")}`);
  process.exit(1);
}

const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const extra = process.argv.slice(2);
let failed = false;
for (const db of ["sqlite", "postgres"]) {
  console.log(`\n=== Kanta tests on ${db} ===`);
  const r = spawnSync(process.execPath, [vitest, "run", "--config", "tests/vitest.config.ts", ...extra], {
    stdio: "inherit",
    cwd: root,
    env: {
      ...process.env,
      TZ: "UTC",
      KANTA_TEST_DB: db,
      KANTA_TEST_PG_URL: pgUrl.toString(),
      KANTA_TEST_REDIS_URL: redisUrl.toString(),
    },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
