#!/usr/bin/env node
// `npm start`: the production server (what hosting platforms run). Expects `npm run build`
// and `npm run setup` (migrations) to have run; reads configuration from the environment.
import { serve } from "./serve.mjs";

if (process.env.KANTA_LOCAL === "1") {
  console.error("npm start is the production server; use `npm run local` for local mode.");
  process.exit(1);
}
process.env.NODE_ENV ??= "production";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
await serve({ host, port, onReady: () => console.log(`Kanta listening on http://${host}:${port}`) });
