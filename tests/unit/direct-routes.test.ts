import { readdirSync, readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import compression from "compression";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DIRECT_LOADERS, directRoutes, sendWhole } from "../../scripts/serve.mjs";

// scripts/serve.mjs answers some requests without Remix's router: a POST to any
// routes/webhooks.* path goes straight to the intake (receiveWebhook, exported by
// app/entry.server.tsx), and a GET of a DIRECT_LOADERS route to its loader. That is only the
// same as Remix's answer while every webhook route's action is exactly the intake, and each
// direct loader's route is a resource route (no page, no error boundary) at a fixed path.

const routes = path.join(import.meta.dirname, "..", "..", "app", "routes");
const routeSource = (file: string) => readFileSync(path.join(routes, file), "utf8");

describe("webhook routes", () => {
  const files = readdirSync(routes).filter((f) => f.startsWith("webhooks."));
  it("exist for every topic Kanta subscribes to", () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });
  for (const file of files) {
    it(`${file}: its action is the intake and it has no loader or page`, () => {
      const source = routeSource(file);
      expect(source).toMatch(/export const action = \(\{ request \}: ActionFunctionArgs\) => receiveWebhook\(request\);/);
      expect(source).not.toMatch(/export (const|async function|function) loader|export default/);
    });
  }
});

describe("direct loaders", () => {
  for (const id of DIRECT_LOADERS) {
    const file = `${id.replace(/^routes\//, "")}.tsx`;
    it(`${file}: a resource route at a fixed path, with a loader and no action, page or boundary`, () => {
      expect(file).not.toMatch(/\$/);
      const source = routeSource(file);
      expect(source).toMatch(/export const loader = /);
      expect(source).not.toMatch(/export (const|async function|function) (action|ErrorBoundary)|export default/);
    });
  }
});

describe("directRoutes", () => {
  const receiveWebhook = vi.fn(async () => new Response("ok"));
  const loader = vi.fn(async ({ request }: { request: Request }) => new Response(`read ${new URL(request.url).pathname}`));
  const build = {
    entry: { module: { receiveWebhook } },
    routes: {
      "routes/webhooks.orders.paid": { id: "routes/webhooks.orders.paid", path: "webhooks/orders/paid", module: {} },
      "routes/proxy.customer": { id: "routes/proxy.customer", path: "proxy/customer", module: { loader } },
      "routes/app.members": { id: "routes/app.members", path: "app/members", module: { loader, default: () => null } },
      "routes/proxy.r.$code": { id: "routes/proxy.r.$code", path: "proxy/r/:code", module: { loader } },
    },
  };

  it("sends webhook POSTs to the intake and GETs of the direct loaders to their loader, nothing else", async () => {
    const direct = directRoutes(build);
    expect([...direct.POST.keys()]).toEqual(["/webhooks/orders/paid"]);
    expect([...direct.GET.keys()]).toEqual(["/proxy/customer"]);
    const request = new Request("http://kanta.test/proxy/customer?shop=a");
    expect(await (await direct.GET.get("/proxy/customer")!(request)).text()).toBe("read /proxy/customer");
    expect(loader).toHaveBeenCalledWith({ request, params: {}, context: {} });
  });

  it("answers a thrown Response with it, and any other error with a 500 that discloses nothing", async () => {
    const thrown = new Response(JSON.stringify({ error: "unauthorized" }), { status: 401 });
    loader.mockRejectedValueOnce(thrown);
    const read = directRoutes(build).GET.get("/proxy/customer")!;
    expect(await read(new Request("http://kanta.test/proxy/customer"))).toBe(thrown);
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    loader.mockRejectedValueOnce(new Error("database password is hunter2"));
    const failed = await read(new Request("http://kanta.test/proxy/customer"));
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("Unexpected Server Error");
    expect(consoleError).toHaveBeenCalledOnce();
    consoleError.mockRestore();
  });
});

describe("sendWhole (a direct GET's answer, behind the compression middleware as in serve.mjs)", () => {
  const big = JSON.stringify({ customer: { points: 1234 }, rows: Array.from({ length: 60 }, (_, i) => ({ at: `2026-12-05T10:00:${String(i).padStart(2, "0")}Z`, kind: "order_earned", points: i })) });
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    const app = express();
    app.use(compression());
    app.get("/big", (req, res) => void sendWhole(req, res, new Response(big, { headers: { "Content-Type": "application/json" } })));
    app.get("/small", (req, res) => void sendWhole(req, res, new Response('{"ok":true}', { headers: { "Content-Type": "application/json" } })));
    app.get("/encoded", (req, res) => {
      res.set("Content-Encoding", "br");
      void sendWhole(req, res, new Response("x".repeat(2000)));
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The raw answer: fetch would decode it. */
  const get = (path: string, acceptEncoding?: string) =>
    new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path, headers: acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });

  it("gzips an answer of 1 KB or more once, for a client that takes gzip, with its length", async () => {
    const { headers, body } = await get("/big", "gzip, deflate, br");
    expect(headers["content-encoding"]).toBe("gzip");
    expect(headers["content-length"]).toBe(String(body.length));
    expect(headers.vary).toMatch(/Accept-Encoding/);
    expect(body.length).toBeLessThan(big.length / 3);
    expect(gunzipSync(body).toString()).toBe(big);
  });

  it("sends it as it is to a client that does not take gzip, and a small answer as it is to anyone", async () => {
    const plain = await get("/big", "identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(big);
    const none = await get("/big");
    expect(none.headers["content-encoding"]).toBeUndefined();
    expect(none.body.toString()).toBe(big);
    const small = await get("/small", "gzip");
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.body.toString()).toBe('{"ok":true}');
  });

  it("leaves an answer that names its encoding as it is", async () => {
    const { headers, body } = await get("/encoded", "gzip");
    expect(headers["content-encoding"]).toBe("br");
    expect(body.toString()).toBe("x".repeat(2000));
  });
});
