// Imported first by every entry point (server, worker, local mode, scripts, benchmarks):
// refuses to start on a Node without JSON.parse source-text access (scripts/node-check.mjs),
// before anything is loaded that could acknowledge a webhook and then lose its ids.
import { unsupportedNodeMessage } from "./node-check.mjs";

const problem = unsupportedNodeMessage();
if (problem) {
  console.error(problem);
  process.exit(1);
}
