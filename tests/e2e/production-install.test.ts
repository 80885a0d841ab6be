import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookHeaders } from "../../app/shopify/signing";
import { root } from "./local-server";
import { ownRedis } from "../redis-server";

// What a deployment runs, away from this checkout: `npm run build`'s output, package.json,
// package-lock.json, prisma/ and the scripts `npm run setup` and `npm start` use, copied to a
// folder under the system's temp dir (no node_modules above it to fall back on), installed
// with `npm ci --omit=dev --ignore-scripts` from npm's cache, migrated with `npm run setup`
// on SQLite and started with Node 24. It proves that the production server and worker
// bundles need no devDependency (graphql, @shopify/dev-mcp, liquidjs, …), that they answer,
// and that local mode's routes (docs/decisions/0011) are not in them: /local/* is 404 even
// with KANTA_LOCAL=1 in the environment. About 1.5 minutes alone (4 on a busy machine), most of
// it npm ci.

const node = existsSync(path.join(root, "node_modules", "node", "bin", "node")) ? path.join(root, "node_modules", "node", "bin", "node") : process.execPath;
const secret = "kanta-production-install-secret";
let dir = "";
type Env = NodeJS.ProcessEnv;
let env: Env = { NODE_ENV: "production" };
const servers: ChildProcess[] = [];

/** The environment of a deployment: no npm_* variables of the `npm test` that runs this. */
function deploymentEnv(extra: Record<string, string> & { NODE_ENV: Env["NODE_ENV"] }): Env {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...clean, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ""}`, ...extra };
}

function run(command: string, args: string[], options: { cwd: string; env: Env }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`))));
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `node <args>` in the install (stopped after the tests) and resolves with it once its output says `ready`. */
async function startProcess(args: string[], extraEnv: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawn(node, args, { cwd: dir, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  servers.push(child);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${args.join(" ")} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`node ${args.join(" ")} exited with ${code}:\n${output}`)));
  });
  return child;
}

/** Starts `node <args>` in the install and resolves with its base URL once it listens. */
async function startServer(args: string[], extraEnv: Record<string, string>): Promise<string> {
  const port = await freePort();
  await startProcess(args, { PORT: String(port), ...extraEnv }, "listening");
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kanta-production-"));
  // Build straight into the install (as `npm run build` would in the checkout) while npm ci runs.
  mkdirSync(path.join(dir, "prisma", "postgres"), { recursive: true });
  mkdirSync(path.join(dir, "scripts"));
  mkdirSync(path.join(dir, "public"));
  for (const file of ["package.json", "package-lock.json", ".npmrc", "shopify.app.toml"]) cpSync(path.join(root, file), path.join(dir, file));
  for (const file of ["schema.prisma", "prisma.config.ts", "migrations"]) cpSync(path.join(root, "prisma", file), path.join(dir, "prisma", file), { recursive: true });
  cpSync(path.join(root, "prisma", "postgres", "migrations"), path.join(dir, "prisma", "postgres", "migrations"), { recursive: true });
  for (const file of ["start.mjs", "serve.mjs", "body-limits.mjs", "build-info.mjs", "migrate.mjs", "prisma-offline.mjs", "require-node.mjs", "node-check.mjs"]) {
    cpSync(path.join(root, "scripts", file), path.join(dir, "scripts", file));
  }
  cpSync(path.join(root, "public", "favicon.svg"), path.join(dir, "public", "favicon.svg"));
  env = deploymentEnv({ NODE_ENV: "production", DATABASE_URL: `file:${path.join(dir, "kanta.db")}`, SHOPIFY_API_SECRET: secret, HOST: "127.0.0.1", KANTA_LOG_LEVEL: "warn" });
  const buildEnv = deploymentEnv({ NODE_ENV: "test" }); // scripts/build.mjs compiles NODE_ENV=production whatever this says
  await Promise.all([
    run(node, [path.join(root, "scripts", "build.mjs"), "--out", dir], { cwd: root, env: buildEnv }),
    run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--prefix", dir], { cwd: dir, env: deploymentEnv({ NODE_ENV: "production" }) }),
  ]);
  // `npm run setup`: both Prisma clients (the prisma CLI is a dependency), then migrations.
  await run("npm", ["run", "setup", "--prefix", dir], { cwd: dir, env });
}, 600_000);

afterAll(async () => {
  for (const server of servers) server.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a production install of `npm run build`", () => {
  it("has no devDependency installed, and its bundles import none and hold no local-mode code", () => {
    for (const name of ["graphql", "liquidjs", "@shopify/dev-mcp", "@remix-run/dev", "esbuild", "node"]) {
      expect(existsSync(path.join(dir, "node_modules", name)), name).toBe(false);
    }
    for (const bundle of ["build/index.js", "build/worker.js", "build/reconcile.js", "build/doctor.js"]) {
      const source = readFileSync(path.join(dir, bundle), "utf8");
      const imported = [
        ...[...source.matchAll(/^(?:import|export)\b[^;]*?from\s*"([^"]+)"/gms)].map((m) => m[1]!),
        ...[...source.matchAll(/\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g)].map((m) => m[1]!),
      ];
      expect(imported.length, bundle).toBeGreaterThan(3);
      for (const specifier of imported) {
        // Every bare import is a dependency of package.json (or Node's own).
        if (specifier.startsWith("node:")) continue;
        const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
        expect(existsSync(path.join(dir, "node_modules", name)), `${bundle} imports ${specifier}`).toBe(true);
      }
      expect(source, bundle).not.toMatch(/AdminEmulator|dev-mcp|liquidjs|from "graphql"|local\/routes|renderStorefrontPage/);
    }
    expect(JSON.parse(readFileSync(path.join(dir, "build", "kanta-build.json"), "utf8"))).toMatchObject({ target: "production", mode: "production" });
  });

  it("starts with npm start's script: signed webhooks are answered, /local/* is 404", async () => {
    const base = await startServer(["scripts/start.mjs"], {});
    const body = JSON.stringify({ id: 1, name: "Nobody", myshopify_domain: "nobody.myshopify.com" });
    const headers = (key: string) => webhookHeaders({ topic: "app/uninstalled", shop: "nobody.myshopify.com", body, secret: key, eventId: randomUUID() });
    expect((await fetch(`${base}/webhooks/app/uninstalled`, { method: "POST", headers: headers(secret), body })).status).toBe(200);
    expect((await fetch(`${base}/webhooks/app/uninstalled`, { method: "POST", headers: headers("forged"), body })).status).toBe(401);
    // Remix answers (the root redirects to the admin) and serves the production assets.
    const home = await fetch(`${base}/?shop=nobody.myshopify.com`, { redirect: "manual" });
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe("/app?shop=nobody.myshopify.com");
    const manifest = readdirSync(path.join(dir, "public", "build")).find((f) => /^manifest-.*\.js$/.test(f));
    expect((await fetch(`${base}/build/${manifest}`)).status).toBe(200);
    // Operations: alive, ready (SQLite reachable, every migration applied), no /metrics without METRICS_TOKEN.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { database: { ok: true }, migrations: { ok: true } } });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    for (const url of ["/local/storefront", "/local/app-bridge.js", "/local/emulator", "/apps/kanta/customer", "/cart/update.js", "/build-local/x.js"]) {
      expect((await fetch(`${base}${url}`)).status, url).toBe(404);
    }
  });

  it("stays production with KANTA_LOCAL=1 in the environment", async () => {
    // npm start refuses it outright…
    const refused = spawnSync(node, ["scripts/start.mjs"], { cwd: dir, env: { ...env, KANTA_LOCAL: "1" }, encoding: "utf8" });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/use `npm run local` for local mode/);
    // …and the same build served without that check is no local mode either: no demo shop
    // signed in, no emulator loaded, no local routes.
    const base = await startServer(["--input-type=module", "-e", 'const { serve } = await import("./scripts/serve.mjs"); await serve({ host: "127.0.0.1", port: Number(process.env.PORT), onReady: () => console.log("listening") });'], {
      NODE_ENV: "development",
      KANTA_LOCAL: "1",
    });
    const admin = await fetch(`${base}/app`, { redirect: "manual" });
    expect(admin.status).not.toBe(200);
    expect(admin.status).toBeLessThan(500);
    expect(await admin.text()).not.toContain("Kanta Demo");
    expect((await fetch(`${base}/local/storefront`)).status).toBe(404);
  });

  it("npm start refuses a build that is not a production build", () => {
    writeFileSync(path.join(dir, "build", "kanta-build.json"), JSON.stringify({ target: "local", mode: "development", builtAt: new Date().toISOString() }));
    const r = spawnSync(node, ["scripts/start.mjs"], { cwd: dir, env, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/build\/ holds no production build \(a development build for local\)\. Run `npm run build`/);
  });

  it("the operators' scripts run from the build: node build/reconcile.js, node build/doctor.js", () => {
    const reconcile = spawnSync(node, ["build/reconcile.js"], { cwd: dir, env, encoding: "utf8" });
    expect(reconcile.stdout + reconcile.stderr).toMatch(/No installed shop to reconcile\./);
    expect(reconcile.status).toBe(0);
    const doctor = spawnSync(node, ["build/doctor.js"], { cwd: dir, env, encoding: "utf8" });
    expect(doctor.stdout + doctor.stderr).toMatch(/No shop has installed this deployment yet\./);
    expect(doctor.status).toBe(2);
  });

  it("the BullMQ worker runs below the web processes' CPU priority: nice KANTA_WORKER_NICE, 10 unless set", async () => {
    const redis = await ownRedis();
    try {
      for (const [extra, expected] of [
        [{}, Math.max(os.getPriority(), 10)],
        [{ KANTA_WORKER_NICE: "0" }, os.getPriority()],
      ] as const) {
        const worker = await startProcess(["build/worker.js"], { REDIS_URL: redis.url, KANTA_LOG_LEVEL: "info", ...extra }, "kanta worker started");
        // /proc/<pid>/stat: the 19th field is the niceness.
        const nice = Number(readFileSync(`/proc/${worker.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);
        expect(nice, JSON.stringify(extra)).toBe(expected);
        worker.kill("SIGTERM");
      }
    } finally {
      await redis.kill();
    }
  });

  it("the BullMQ worker bundle loads (it stops only for want of REDIS_URL)", () => {
    const r = spawnSync(node, ["build/worker.js"], { cwd: dir, env, encoding: "utf8" });
    expect(r.stdout + r.stderr).toMatch(/npm run worker needs REDIS_URL/);
    expect(r.status).toBe(1);
  });
});
