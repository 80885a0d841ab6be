import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { hasJsonSourceText, unsupportedNodeMessage } from "../../scripts/node-check.mjs";

// Kanta refuses to start on a Node without JSON.parse source-text access (issue #11, "Refuse
// to run where it would lose data"): there, order and customer ids beyond 2^53 would be
// rounded and every such order marked invalid. docs/decisions/0014-faults.md

const root = path.resolve(import.meta.dirname, "..", "..");

/** A Node 24 that behaves like Node 20: JSON.parse revivers get no source text. */
const WITHOUT_SOURCE_TEXT = `data:text/javascript,${encodeURIComponent(
  "const parse = JSON.parse; JSON.parse = (text, reviver) => parse(text, reviver ? (k, v) => reviver(k, v) : undefined);",
)}`;

/** Every entry point: scripts run by npm or by hand, benchmarks, the worker. Not the libraries they import. */
const LIBRARIES = new Set(["body-limits.mjs", "build-info.mjs", "chromium.mjs", "env.mjs", "import-samples.mjs", "local-mail.mjs", "node-check.mjs", "require-node.mjs", "prisma-offline.mjs", "seed-analytics.ts", "seeded-random.mjs", "seed-earn.ts", "seed-referrals.ts", "seed-rewards.ts", "seed-gifts.ts"]);
/** bench/server.ts is what the HTTP benchmarks share, bench/scale-data.ts the scale benchmark's generator: not benchmarks. */
const BENCH_LIBRARIES = new Set(["server.ts", "scale-data.ts"]);
const ENTRY_POINTS = [
  ...readdirSync(path.join(root, "scripts")).filter((f) => /\.(mjs|ts)$/.test(f) && !LIBRARIES.has(f)).map((f) => `scripts/${f}`),
  ...readdirSync(path.join(root, "bench")).filter((f) => f.endsWith(".ts") && !BENCH_LIBRARIES.has(f)).map((f) => `bench/${f}`),
  "app/jobs/worker.main.ts",
];

function run(args: string[], options: { node?: string; preload?: boolean } = {}) {
  const node = options.node ?? process.execPath;
  // NODE_OPTIONS, so that the Node processes tsx starts get the preload too.
  const r = spawnSync(node, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: "file:/nonexistent/never-opened.db", PORT: "1", NODE_OPTIONS: options.preload ? `--import=${WITHOUT_SOURCE_TEXT}` : "" },
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

/** A Node older than 24 on PATH, outside node_modules (the system's; v20 on the CI image), if any. */
function olderNodeOnPath(): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir || dir.includes("node_modules")) continue;
    const candidate = path.join(dir, "node");
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8" }).stdout.trim();
    const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
    if (major > 0 && major < 24) return candidate;
  }
  return null;
}

const TSX = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");

describe("refusing an unsupported Node", () => {
  it("this Node has source text; the message names the Node to use", () => {
    expect(hasJsonSourceText()).toBe(true);
    expect(unsupportedNodeMessage()).toBeNull();
  });

  it("every entry point imports the check first", () => {
    expect(ENTRY_POINTS).toEqual(expect.arrayContaining(["scripts/start.mjs", "scripts/local.mjs", "scripts/serve.mjs", "scripts/seed.ts", "bench/webhooks.ts", "app/jobs/worker.main.ts"]));
    const missing = ENTRY_POINTS.filter((file) => {
      const firstImport = readFileSync(path.join(root, file), "utf8").split("\n").find((line) => line.startsWith("import "));
      return !firstImport || !/^import "(\.\.\/)*(\.\/)?(scripts\/)?require-node\.mjs";/.test(firstImport);
    });
    expect(missing).toEqual([]);
  });

  it("the server, local mode, the worker, scripts and benchmarks exit non-zero with the message on a Node without source text", () => {
    const cases: string[][] = [["scripts/start.mjs"], ["scripts/local.mjs", "--no-build"], ["scripts/migrate.mjs"], [TSX, "app/jobs/worker.main.ts"], [TSX, "bench/webhooks.ts"], [TSX, "scripts/seed.ts"]];
    for (const args of cases) {
      const r = run(args, { preload: true });
      expect({ args, status: r.status }).toEqual({ args, status: 1 });
      expect(r.stderr).toMatch(/Kanta needs Node\.js 24 \(JSON\.parse with source text/);
      expect(r.stderr).toMatch(/install Node 24/);
    }
  });

  it("the system's older Node is refused too (node_modules/.bin/tsx bench/webhooks.ts finds it through #!/usr/bin/env node)", () => {
    const older = olderNodeOnPath();
    // Not every machine has an older Node; where one is (the CI image's v20), it is refused.
    if (!older) return;
    for (const args of [["scripts/start.mjs"], [TSX, "bench/webhooks.ts"], [TSX, "app/jobs/worker.main.ts"]]) {
      const r = run(args, { node: older });
      expect({ args, status: r.status }).toEqual({ args, status: 1 });
      expect(r.stderr).toMatch(/Kanta needs Node\.js 24 .* this is Node v\d+/);
    }
  });
});
