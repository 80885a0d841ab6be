// Kanta's HTTP server: the Remix build behind Express. Used by `npm start` (production)
// and `npm run local` (local mode, bound to 127.0.0.1).
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export async function serve({ host, port, onReady } = {}) {
  const build = await import(pathToFileURL(path.join(root, "build", "index.js")).href);
  const app = express();
  app.disable("x-powered-by");
  // gzip like any production host or CDN in front of Kanta would (and Shopify's storefront does).
  app.use(compression());
  app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV === "production" ? "production" : "development" }));
  return new Promise((resolve) => {
    const server = app.listen(port, host, () => {
      onReady?.(server);
      resolve(server);
    });
    const shutdown = () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 5000).unref();
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
}
