// A dedicated BullMQ worker process (`npm run worker`, bundled to build/worker.js by
// `npm run build`). Web processes can then run with KANTA_WORKER=0 and only enqueue.
import "../../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { startJobRunner, stopJobRunner } from "./queue.server";

const env = getEnv();
if (!env.REDIS_URL) {
  log.error("npm run worker needs REDIS_URL; without it, jobs run inside the web process");
  process.exit(1);
}
process.env.KANTA_WORKER = "1";
await startJobRunner();
log.info("kanta worker started", { queue: "kanta-webhooks" });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void stopJobRunner().finally(() => process.exit(0));
  });
}
