import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { webhookHeaders } from "../app/shopify/signing";
import { action as compliance } from "../app/routes/webhooks.compliance";
import { action as ordersPaid } from "../app/routes/webhooks.orders.paid";
import { action as ordersUpdated } from "../app/routes/webhooks.orders.updated";
import { action as ordersCancelled } from "../app/routes/webhooks.orders.cancelled";
import { action as refundsCreate } from "../app/routes/webhooks.refunds.create";
import { action as productsUpdate } from "../app/routes/webhooks.products.update";
import { action as productsDelete } from "../app/routes/webhooks.products.delete";
import { action as collectionsUpdate } from "../app/routes/webhooks.collections.update";
import { action as collectionsDelete } from "../app/routes/webhooks.collections.delete";
import { action as customersCreate } from "../app/routes/webhooks.customers.create";
import { action as customersUpdate } from "../app/routes/webhooks.customers.update";
import { action as appUninstalled } from "../app/routes/webhooks.app.uninstalled";
import { loader as proxyCustomer } from "../app/routes/proxy.customer";
import { action as proxyRedeem } from "../app/routes/proxy.redeem";
import { action as proxyActions } from "../app/routes/proxy.actions.$action";
import { action as proxyBirthday } from "../app/routes/proxy.birthday";
import { action as proxyDonate } from "../app/routes/proxy.donate";
import { action as proxySurpriseSeen } from "../app/routes/proxy.surprise-seen";
import { loader as proxyReferralVisit } from "../app/routes/proxy.r.$code";
import { loader as proxyReferral } from "../app/routes/proxy.referral._index";
import { action as proxyReferralClaim } from "../app/routes/proxy.referral.claim";
import { action as proxyLeaderboardPost, loader as proxyLeaderboard } from "../app/routes/proxy.leaderboard";
import { EARNING_RULE_TYPES } from "../app/loyalty/earn/actions";
import { afterAll, beforeAll } from "vitest";
import { toShopifyJson } from "./fixtures/payloads";

// A real HTTP server in front of Kanta's route modules (the same `action`/`loader`
// functions Remix calls), so tests exercise real requests, headers, bodies and HMACs.

type RouteFn = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response;

const ROUTES: Record<string, RouteFn> = {
  "POST /webhooks/compliance": compliance,
  "POST /webhooks/orders/paid": ordersPaid,
  "POST /webhooks/orders/updated": ordersUpdated,
  "POST /webhooks/orders/cancelled": ordersCancelled,
  "POST /webhooks/refunds/create": refundsCreate,
  "POST /webhooks/products/update": productsUpdate,
  "POST /webhooks/products/delete": productsDelete,
  "POST /webhooks/collections/update": collectionsUpdate,
  "POST /webhooks/collections/delete": collectionsDelete,
  "POST /webhooks/customers/create": customersCreate,
  "POST /webhooks/customers/update": customersUpdate,
  "POST /webhooks/app/uninstalled": appUninstalled,
  "GET /proxy/customer": proxyCustomer as RouteFn,
  "POST /proxy/redeem": proxyRedeem as RouteFn,
  "POST /proxy/birthday": proxyBirthday as RouteFn,
  "POST /proxy/donate": proxyDonate as RouteFn,
  "POST /proxy/surprise-seen": proxySurpriseSeen as RouteFn,
  "GET /proxy/referral": proxyReferral as RouteFn,
  "POST /proxy/referral/claim": proxyReferralClaim as RouteFn,
  "GET /proxy/leaderboard": proxyLeaderboard as RouteFn,
  "POST /proxy/leaderboard": proxyLeaderboardPost as RouteFn,
  // /proxy/actions/:action, one entry per rule type, with the params Remix would pass.
  ...Object.fromEntries(
    EARNING_RULE_TYPES.map((type): [string, RouteFn] => [`POST /proxy/actions/${type}`, (args) => proxyActions({ ...args, params: { action: type } } as Parameters<typeof proxyActions>[0])]),
  ),
};

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = `http://${req.headers.host}${req.url}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(url, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      const pathname = new URL(url).pathname;
      // /proxy/r/:code (a member's referral link), with the param Remix would pass.
      const referralLink = req.method === "GET" && /^\/proxy\/r\/([^/]+)$/.exec(pathname);
      const route: RouteFn | undefined = referralLink
        ? (args) => proxyReferralVisit({ ...args, params: { code: decodeURIComponent(referralLink[1]!) } } as Parameters<typeof proxyReferralVisit>[0])
        : ROUTES[`${req.method} ${pathname}`];
      let response: Response;
      try {
        response = route ? await route({ request, params: {}, context: {} }) : new Response("not found", { status: 404 });
      } catch (thrown) {
        if (thrown instanceof Response) response = thrown;
        else throw thrown;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  });
  // A loaded machine can stall this process for seconds: with Node's 5 s keep-alive the server
  // may close a socket just as fetch reuses it (ECONNRESET). Tests close the server themselves.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A test server for this test file: `server().url` inside tests. */
export function useTestServer(): { server: () => TestServer } {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    server: () => {
      if (!server) throw new Error("test server not started");
      return server;
    },
  };
}

/** Proxy calls in this file reach the Admin API emulator, as in local mode. */
export function useLocalModeEnv(): void {
  beforeAll(async () => {
    process.env.KANTA_LOCAL = "1";
    (await import("../app/env.server")).resetEnvCache();
  });
  afterAll(async () => {
    delete process.env.KANTA_LOCAL;
    (await import("../app/env.server")).resetEnvCache();
  });
}

export const TEST_SECRET = "kanta-test-secret";

export interface SendOptions {
  eventId?: string;
  secret?: string;
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function sendWebhook(base: string, topic: string, shop: string, payload: unknown, options: SendOptions = {}) {
  const body = options.rawBody ?? toShopifyJson(payload);
  const path = ["customers/data_request", "customers/redact", "shop/redact"].includes(topic) ? "/webhooks/compliance" : `/webhooks/${topic}`;
  const headers = {
    ...webhookHeaders({ topic, shop, body, secret: options.secret ?? TEST_SECRET, eventId: options.eventId ?? randomUUID() }),
    ...options.headers,
  };
  return fetch(base + path, { method: "POST", headers, body });
}
