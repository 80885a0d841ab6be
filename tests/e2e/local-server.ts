import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { Browser, Page } from "playwright";
import { launchChromium } from "../../scripts/chromium.mjs";
import { testTmpDir } from "../db-urls";

// Starts `npm run local` (scripts/local.mjs) on a fresh SQLite file and a free port, and
// Chromium (scripts/chromium.mjs: CHROMIUM_PATH, Debian's, or the npm-shipped one), for one
// test file.

export const root = path.resolve(import.meta.dirname, "..", "..");
export { CHROMIUM_ARGS } from "../../scripts/chromium.mjs";

export interface LocalKanta {
  base: string;
  env: NodeJS.ProcessEnv;
  browser: () => Browser;
}

/** Starts local mode (`scripts/local.mjs --no-build`) with `env`; resolves once it serves. */
export async function startLocalMode(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const server = spawn(process.execPath, ["scripts/local.mjs", "--no-build"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the failed test file.
      server.kill("SIGTERM");
      reject(new Error(`local mode did not start:\n${output}`));
    }, 110_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Kanta is running in local mode")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout!.on("data", onData);
    server.stderr!.on("data", onData);
    server.once("exit", (code) => reject(new Error(`local mode exited with ${code}:\n${output}`)));
  });
  return server;
}

/**
 * Ports the Fetch standard blocks ("bad ports": Chromium answers ERR_UNSAFE_PORT, Node's
 * fetch "bad port") within the range the browser tests pick from.
 */
const BAD_PORTS = new Set([3659, 4045, 4190]);

/** A random port in 3400-4899 that a browser and fetch may use. */
export function testPort(): number {
  for (;;) {
    const port = 3400 + Math.floor(Math.random() * 1500);
    if (!BAD_PORTS.has(port)) return port;
  }
}

/** tests/global-setup.ts has built the app; local mode starts with --no-build. */
export function useLocalKanta(): LocalKanta {
  const port = testPort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development", // as a developer's shell would have it, not the runner's "test"
    PORT: String(port),
    DATABASE_URL: `file:${path.join(testTmpDir(), `e2e-${randomUUID()}.db`)}`,
    SHOPIFY_API_SECRET: "kanta-e2e-secret",
    KANTA_LOG_LEVEL: "warn",
    KANTA_CONFIG_CACHE_MS: "0",
  };
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startLocalMode(env);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
  });
  return {
    base: `http://127.0.0.1:${port}`,
    env,
    browser: () => {
      if (!browser) throw new Error("browser not started");
      return browser;
    },
  };
}

/**
 * What must never happen on a page, collected for a final `expect(problems).toEqual([])`:
 * uncaught errors, console errors, HTTP errors, and (with `onlyHost`) requests to any other
 * host than Kanta's.
 */
export function watchProblems(page: Page, options: { onlyHost?: string } = {}): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  if (options.onlyHost) {
    page.on("request", (request) => {
      if (new URL(request.url()).host !== options.onlyHost) problems.push(`request to another host: ${request.url()}`);
    });
  }
  return problems;
}

/**
 * Waits until local mode's enrolment of the demo shop's existing customers (queued by the
 * seeds, run by the server a few seconds after the start) has finished: a test that writes
 * to the local SQLite file itself would otherwise wait behind its batches for the write lock.
 */
export async function untilDemoEnrolled(db: { enrolmentRun: { count(args: { where: { status: { in: string[] } } }): Promise<number> } }): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if ((await db.enrolmentRun.count({ where: { status: { in: ["queued", "running"] } } })) === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the demo shop's enrolment did not finish within 2 minutes");
}
