// A dedicated BullMQ worker process (`npm run worker`, bundled to build/worker.js by
// `npm run build`). Web processes can then run with KANTA_WORKER=0 and only enqueue.
import "../../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import os from "node:os";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { startJobRunner, stopJobRunner } from "./queue.server";

const env = getEnv();
if (!env.REDIS_URL) {
  log.error("npm run worker needs REDIS_URL; without it, jobs run inside the web process");
  process.exit(1);
}
process.env.KANTA_WORKER = "1";
// Where the worker shares its host's CPUs with web processes, the acknowledgements come first:
// the kernel runs this process when they leave a core idle (KANTA_WORKER_NICE, 0045).
if (env.KANTA_WORKER_NICE > 0) {
  try {
    os.setPriority(Math.max(os.getPriority(), env.KANTA_WORKER_NICE));
  } catch (error) {
    log.warn("could not lower the worker's CPU priority", { nice: env.KANTA_WORKER_NICE, error: String(error) });
  }
}
await startJobRunner();
log.info("kanta worker started", { queue: "kanta-webhooks" });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void stopJobRunner().finally(() => process.exit(0));
  });
}
