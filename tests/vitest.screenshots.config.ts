import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run screenshots:programs`: the widget as each seed program's member sees it
// (docs/screenshots/program-*.png), with the words that prove the program checked on screen.
// Kept out of `npm test`: it drives one local server through eight programs in a row with its
// own writes to the server's SQLite file, which a machine busy with the rest of the suite
// slows past its waits. The programs themselves are tested in tests/integration/programs/.
export default defineConfig({
  root: path.dirname(import.meta.dirname),
  test: {
    include: ["tests/screenshots/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    env: { TZ: "UTC", NODE_ENV: "test", KANTA_TEST_DB: "sqlite" },
  },
});
