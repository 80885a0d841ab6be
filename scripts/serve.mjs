// Kanta's HTTP server: the Remix build behind Express. Used by `npm start` (production:
// build/, public/build/) and `npm run local` (local mode, bound to 127.0.0.1: build-local/,
// public/build-local/).
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export async function serve({ host, port, local = false, onReady } = {}) {
  const name = local ? "build-local" : "build";
  const build = await import(pathToFileURL(path.join(root, name, "index.js")).href);
  const app = express();
  app.disable("x-powered-by");
  // gzip like any production host or CDN in front of Kanta would (and Shopify's storefront does).
  app.use(compression());
  app.use(`/${name}`, express.static(path.join(root, "public", name), { immutable: true, maxAge: "1y" }));
  // A checkout can hold both builds; the other one's assets are not this server's to serve.
  app.use(local ? "/build" : "/build-local", (_req, res) => res.sendStatus(404));
  // Local mode's stand-ins for Shopify (app/local/routes) are not in a production build. Their
  // paths answer a plain 404 there, as they always have, and leave no "No route matches"
  // error in the log.
  if (!local) app.use(["/local", "/apps/kanta", "/cart/update.js"], (_req, res) => res.status(404).type("text/plain").send("Not found"));
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
