import { createHmac, randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "../../app/env.server";
import { createTestShop, useTestDatabase } from "../db";
import { root } from "./local-server";

// The production build (tests/global-setup.ts builds it) outside local mode: Shopify's
// authenticate.admin on the admin pages' single-fetch data requests (remix.config.js
// future.v3_singleFetch). A request whose session token is bad must still answer 401 with
// the header App Bridge acts on (fetch a new token and retry): Remix only passes a thrown
// response's headers through the `headers` export (boundary.headers) of the route that threw.

const { db } = useTestDatabase();
const SHOP = `auth-${randomUUID().slice(0, 8)}.myshopify.com`;
const RETRY = "X-Shopify-Retry-Invalid-Session-Request";
let handle: (request: Request) => Promise<Response>;

/** Every admin page: its route id and a URL it answers. */
const PAGES = [
  ["routes/app._index", "/app"],
  ["routes/app.members._index", "/app/members"],
  ["routes/app.members.$id", "/app/members/x"],
  ["routes/app.earn._index", "/app/earn"],
  ["routes/app.earn.$id", "/app/earn/x"],
  ["routes/app.earn.campaigns.$id", "/app/earn/campaigns/x"],
  ["routes/app.rewards._index", "/app/rewards"],
  ["routes/app.rewards.$id", "/app/rewards/x"],
  ["routes/app.tiers", "/app/tiers"],
  ["routes/app.referrals._index", "/app/referrals"],
  ["routes/app.referrals.settings", "/app/referrals/settings"],
  ["routes/app.emails", "/app/emails"],
  ["routes/app.settings", "/app/settings"],
  ["routes/app.data-requests.$id", "/app/data-requests/x"],
] as const;

/** A session token as App Bridge sends it: HS256, signed with the app's secret. */
function sessionToken(shop: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: process.env.SHOPIFY_API_KEY,
    sub: "42",
    exp: now + 60,
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
  })}`;
  return `${unsigned}.${createHmac("sha256", process.env.SHOPIFY_API_SECRET!).update(unsigned).digest("base64url")}`;
}

const appUrl = (pathname: string) => new URL(pathname, process.env.SHOPIFY_APP_URL).toString();
const get = (pathname: string, token: string) => handle(new Request(appUrl(pathname), { headers: { Authorization: `Bearer ${token}` } }));
const post = (pathname: string, token: string, fields: Record<string, string>) =>
  handle(new Request(appUrl(pathname), { method: "POST", body: new URLSearchParams(fields), headers: { Authorization: `Bearer ${token}` } }));

beforeAll(async () => {
  process.env.KANTA_LOCAL = "0";
  resetEnvCache();
  await createTestShop(db(), { domain: SHOP });
  // An offline session, so a valid token needs no token exchange with Shopify.
  await db().session.create({
    data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: process.env.SCOPES ?? null, accessToken: "shpat_test", expires: new Date(Date.now() + 86_400_000) },
  });
  const build = (await import(pathToFileURL(path.join(root, "build", "index.js")).href)) as ServerBuild;
  handle = createRequestHandler(build, "production");
});

describe("admin data requests with single fetch", () => {
  it("answers a page's loader with its data as turbo-stream when the session token is valid", async () => {
    const response = await get("/app/settings.data?_routes=routes%2Fapp.settings", sessionToken(SHOP));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/x-script");
    expect(await response.text()).toContain("expiryPolicy");
  });

  it("runs a page's action (a fetcher's submission) when the session token is valid", async () => {
    const response = await post("/app/settings.data", sessionToken(SHOP), { programName: "" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("errors");
  });

  it("keeps App Bridge's retry header on a bad token, for a page's loader alone (a navigation)", async () => {
    for (const [route, pathname] of PAGES) {
      const response = await get(`${pathname}.data?_routes=${encodeURIComponent(route)}`, "not-a-token");
      expect({ route, status: response.status, retry: response.headers.get(RETRY) }).toEqual({ route, status: 401, retry: "1" });
    }
  });

  it("keeps App Bridge's retry header on a bad token, for the layout and the page together", async () => {
    const response = await get("/app/settings.data", "not-a-token");
    expect(response.status).toBe(401);
    expect(response.headers.get(RETRY)).toBe("1");
  });

  it("keeps App Bridge's retry header on a bad token, for an action", async () => {
    const response = await post("/app/settings.data", "not-a-token", { programName: "x" });
    expect(response.status).toBe(401);
    expect(response.headers.get(RETRY)).toBe("1");
  });

  it("sends a document request without a session token to the bounce page, as before", async () => {
    const response = await handle(new Request(appUrl(`/app/settings?embedded=1&shop=${SHOP}&host=${Buffer.from(`${SHOP}/admin`).toString("base64url")}`)));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toMatch(/^\/auth\/session-token\?/);
  });
});
