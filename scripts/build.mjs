#!/usr/bin/env node
// Builds Kanta. Production and local mode never share an output folder:
//
//   node scripts/build.mjs            `npm run build`: the production server (build/index.js,
//                                     public/build/) and the BullMQ worker (build/worker.js),
//                                     always with NODE_ENV=production compiled in
//   node scripts/build.mjs --local    local mode (build-local/, public/build-local/) with the
//                                     routes of app/local/routes; NODE_ENV=development, or
//                                     test under the test runner
//   --out <dir>                       write under <dir> instead of the project folder
//
// Each build leaves build*/kanta-build.json (scripts/build-info.mjs); `npm start` refuses
// anything but a production build. docs/decisions/0011-local-code-out-of-production.md
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeBuildInfo } from "./build-info.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * @param {{ local?: boolean, out?: string, quiet?: boolean }} [options]
 * @returns {Promise<string>} the folder holding the server bundle
 */
export async function build({ local = false, out = root, quiet = false } = {}) {
  if (local && process.env.NODE_ENV === "production") {
    throw new Error("The local-mode build is never a production build: unset NODE_ENV=production.");
  }
  // The test runner's builds keep NODE_ENV=test (background jobs off by default, see tests/e2e).
  const mode = local ? (process.env.NODE_ENV === "test" ? "test" : "development") : "production";
  const serverDir = path.join(out, local ? "build-local" : "build");
  const env = { ...process.env, NODE_ENV: mode, KANTA_BUILD: local ? "local" : "production", KANTA_BUILD_OUT: out };
  const remix = spawnSync(process.execPath, [path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], {
    cwd: root,
    env,
    stdio: quiet ? "pipe" : "inherit",
    encoding: "utf8",
  });
  if (remix.status !== 0) throw new Error(`remix build failed${quiet ? `:\n${remix.stdout}\n${remix.stderr}` : ""}`);
  if (!local) {
    // The worker and the operators' scripts (node build/worker.js, build/reconcile.js,
    // build/doctor.js) share the server's code and run without devDependencies; the same
    // NODE_ENV=production keeps app/local out of them.
    const { build: esbuild } = await import("esbuild");
    await esbuild({
      absWorkingDir: root,
      entryPoints: { worker: "app/jobs/worker.main.ts", reconcile: "scripts/reconcile.ts", doctor: "scripts/doctor.ts" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node24",
      packages: "external",
      define: { "process.env.NODE_ENV": '"production"' },
      outdir: serverDir,
      logLevel: "warning",
    });
  }
  writeBuildInfo(serverDir, { target: local ? "local" : "production", mode, builtAt: new Date().toISOString() });
  return serverDir;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const out = outIndex >= 0 ? path.resolve(args[outIndex + 1] ?? "") : root;
  build({ local: args.includes("--local"), out }).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
