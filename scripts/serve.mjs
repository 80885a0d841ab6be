// Kanta's HTTP server: the Remix build behind Express. Used by `npm start` (production:
// build/, public/build/) and `npm run local` (local mode, bound to 127.0.0.1: build-local/,
// public/build-local/).
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import express from "express";
import compression from "compression";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import path from "node:path";
import { Transform } from "node:stream";
import { gzipSync } from "node:zlib";
import { bodyLimitFor, bodyTooLargeJson } from "./body-limits.mjs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The longest the start waits for the warm-up (app/entry.server.tsx warmUp). */
const WARM_UP_MS = 5000;

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
  const handler = limitedRemixHandler(build, process.env.NODE_ENV === "production" ? "production" : "development");
  // The direct routes first: no file in public/ is looked for on each webhook or storefront read.
  app.use((req, res, next) => (handler.direct(req) ? handler(req, res, next) : next()));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  app.all("*", handler);
  // The storefront read's cold paths are run once before the first shopper's (0045); a warm-up
  // that has not finished in WARM_UP_MS does not hold the start longer.
  const warmUp = build.entry?.module?.warmUp;
  if (typeof warmUp === "function") await Promise.race([warmUp(), new Promise((resolve) => setTimeout(resolve, WARM_UP_MS).unref())]);
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


// What @remix-run/express's handler does, with request bodies limited (scripts/body-limits.mjs):
// a body over its route's limit is refused with 413 from Content-Length before a byte is
// read, or, without one (chunked), as soon as the bytes streamed pass the limit. Nothing
// beyond the limit is buffered: the app stops getting the body, and the client its answer.
// docs/decisions/0013-abuse-limits.md

// After the answer, what the client still sends is read and dropped (never held) for at most
// two seconds, so its socket is not reset before it reads the 413; a body still unfinished then
// has its connection closed. One that finished keeps its connection (keep-alive).
const CLOSE_AFTER_MS = 2000;

function refuse(req, res, limit) {
  req.unpipe();
  if (res.headersSent) return void res.destroy();
  res.status(413).set({ "Content-Type": "application/json; charset=utf-8" }).end(bodyTooLargeJson(limit));
  req.resume();
  setTimeout(() => !req.complete && req.socket?.destroy(), CLOSE_AFTER_MS).unref();
}

/**
 * The requests answered without Remix's router, which ranks every route of the app again on
 * each request (React Router's matchRoutes: 15 % of a webhook's CPU, 16 % of a storefront
 * read's): a POST to any routes/webhooks.* path goes to the intake (`receiveWebhook`, exported
 * by app/entry.server.tsx; every webhook route's action is exactly it), and a GET of a path in
 * DIRECT_LOADERS to its route's loader, called as Remix calls a resource route's loader
 * (tests/unit/direct-routes.test.ts holds those routes to that shape).
 */
export const DIRECT_LOADERS = ["routes/proxy.customer"];

export function directRoutes(build) {
  const receiveWebhook = build.entry?.module?.receiveWebhook;
  const posts = new Map();
  const gets = new Map();
  for (const route of Object.values(build.routes)) {
    if (!route.path || route.path.includes(":") || route.path.includes("*")) continue;
    if (route.id.startsWith("routes/webhooks.") && typeof receiveWebhook === "function") posts.set(`/${route.path}`, receiveWebhook);
    if (DIRECT_LOADERS.includes(route.id) && typeof route.module.loader === "function" && !route.module.default) {
      gets.set(`/${route.path}`, resourceLoader(route.module.loader));
    }
  }
  return { POST: posts, GET: gets };
}

/** A resource route's loader as Remix answers it: its Response, returned or thrown; any other error a 500 (and logged). */
function resourceLoader(loader) {
  return async (request) => {
    try {
      return await loader({ request, params: {}, context: {} });
    } catch (error) {
      if (error instanceof Response) return error;
      console.error(error);
      return new Response("Unexpected Server Error", { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
  };
}

/** Bodies at least this long are gzipped (the compression middleware's own threshold). */
const GZIP_MIN_BYTES = 1024;

/**
 * A direct GET's answer (the widget's read: a few KB of JSON) in one write, gzipped here in
 * one synchronous call when the client takes gzip: ~20–100 µs of CPU for the widget's 2.7 KB,
 * where the compression middleware's gzip stream (a zlib stream and its thread-pool turns per
 * response) cost ~0.5–0.9 ms, 17 % of the read's server CPU (0044). The middleware leaves an
 * answer that names its encoding, or that is shorter than its threshold, as it is.
 */
export async function sendWhole(req, res, response) {
  let body = Buffer.from(await response.arrayBuffer());
  res.vary("Accept-Encoding");
  if (body.length >= GZIP_MIN_BYTES && !res.get("Content-Encoding") && req.acceptsEncodings("gzip", "identity") === "gzip") {
    body = gzipSync(body);
    res.set("Content-Encoding", "gzip");
  }
  res.set("Content-Length", String(body.length));
  res.end(body);
}

function limitedRemixHandler(build, mode) {
  const remixHandler = createRequestHandler(build, mode);
  const direct = directRoutes(build);
  const directFor = (req) => direct[req.method]?.get(req.path);
  const handler = async (req, res, next) => {
    const handleRequest = directFor(req) ?? remixHandler;
    const { bytes: limit } = bodyLimitFor(req.path);
    if (Number(req.headers["content-length"] ?? 0) > limit) return refuse(req, res, limit);
    const controller = new AbortController();
    res.on("close", () => !res.writableFinished && controller.abort());
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(key, v);
    }
    const init = { method: req.method, headers, signal: controller.signal };
    let over = false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      let seen = 0;
      const counted = new Transform({
        transform(chunk, _encoding, done) {
          seen += chunk.length;
          if (seen <= limit) return done(null, chunk);
          over = true;
          controller.abort();
          refuse(req, res, limit);
          done(new Error(`request body over ${limit} bytes`));
        },
      });
      Object.assign(init, { body: createReadableStreamFromReadable(req.pipe(counted)), duplex: "half" });
    }
    try {
      const response = await handleRequest(new Request(`${req.protocol}://${req.get("host")}${req.originalUrl}`, init), {});
      if (over || res.writableEnded) return;
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of response.headers.entries()) res.append(key, value);
      if (req.method === "GET" && handleRequest !== remixHandler) await sendWhole(req, res, response);
      else if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      if (!over) next(error);
    }
  };
  handler.direct = (req) => directFor(req) !== undefined;
  return handler;
}
