// npm run fixtures:import: writes tests/fixtures/import/<layout>.csv, the sample files of
// each vendor's layout the import tests read (scripts/import-samples.mjs, fixed seeds).
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURE_SAMPLES, makeSample } from "./import-samples.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = path.join(root, "tests", "fixtures", "import");
mkdirSync(dir, { recursive: true });
for (const [layout, options] of Object.entries(FIXTURE_SAMPLES)) {
  const { text } = makeSample(layout, options);
  writeFileSync(path.join(dir, `${layout}.csv`), text);
  console.log(`tests/fixtures/import/${layout}.csv: ${text.length} bytes`);
}
