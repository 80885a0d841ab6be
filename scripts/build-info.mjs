// The note every build leaves beside its server bundle (build/kanta-build.json,
// build-local/kanta-build.json): which build it is, so a server never starts on the wrong
// one. No dependencies: `npm start` reads it on a production install without devDependencies.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const BUILD_INFO_FILE = "kanta-build.json";

/**
 * @typedef {{ target: "production" | "local", mode: "production" | "development" | "test", builtAt: string }} BuildInfo
 */

/** @returns {BuildInfo | null} */
export function readBuildInfo(buildDir) {
  const file = path.join(buildDir, BUILD_INFO_FILE);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** @param {BuildInfo} info */
export function writeBuildInfo(buildDir, info) {
  writeFileSync(path.join(buildDir, BUILD_INFO_FILE), JSON.stringify(info, null, 2) + "\n");
}
