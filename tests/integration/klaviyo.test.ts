import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "../../app/env.server";
import { KLAVIYO_SEND_INTERVAL_MS, sendDueKlaviyoEvents } from "../../app/jobs/klaviyo.server";
import { KLAVIYO_REVISION } from "../../app/klaviyo/events.server";
import { KlaviyoSettingsError, getKlaviyoSettings, removeKlaviyoKey, saveKlaviyoKey } from "../../app/loyalty/notify/klaviyo-settings.server";
import { occasionKey } from "../../app/loyalty/notify/occasions";
import { recordOccasion } from "../../app/loyalty/notify/occasions.server";
import { inTransaction } from "../../app/loyalty/tx.server";
import type { Clock } from "../../app/shopify/throttle";
import { createTestShop, useTestDatabase } from "../db";
import { createMember } from "../factories";
import { expectLoggedError } from "../logged-errors";

// Occasions as Klaviyo events, against a local HTTP listener standing in for
// https://a.klaviyo.com (KANTA_KLAVIYO_BASE_URL): the request Klaviyo's Create Event
// documents (path, headers, JSON:API body), pacing, 429 with Retry-After, a refused key,
// and no key at all.

const { db } = useTestDatabase();
const KEY = "pk_0123456789abcdef0123456789abcdef01";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}
const seen: Seen[] = [];
let answer: (n: number) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 202 });
let server: Server;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: raw ? JSON.parse(raw) : null });
      const a = answer(seen.length);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.KANTA_KLAVIYO_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  resetEnvCache();
});

afterAll(async () => {
  delete process.env.KANTA_KLAVIYO_BASE_URL;
  resetEnvCache();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  answer = () => ({ status: 202 });
});

function virtualClock(): Clock & { t: number } {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  return clock;
}

async function setup(connected = true) {
  const shop = await createTestShop(db());
  if (connected) await saveKlaviyoKey(shop.domain, KEY, db());
  const gold = await db().tier.findFirstOrThrow({ where: { shopId: shop.id, name: "Gold" } });
  const member = await createMember(db(), shop.id, { email: "ada@example.com", firstName: "Ada", lastName: "L", tierId: gold.id }, { points: 320 });
  return { shop, member };
}

const record = (shopId: string, memberId: string, key: string, points = 40) =>
  inTransaction(db(), (tx) => recordOccasion(tx, { shopId, memberId, kind: "points_earned", key, data: { points, orderName: "#1001" }, occurredAt: new Date("2026-09-01T10:00:00Z") }));

describe("Klaviyo events from occasions", () => {
  it("sends Create Event's documented request: path, headers, JSON:API body with unique_id, metric, profile and its properties", async () => {
    const { shop, member } = await setup();
    const key = occasionKey("points_earned", "gid://shopify/Order/77");
    const recorded = await record(shop.id, member.id, key);
    expect(recorded.channels).toContain("klaviyo");
    expect(await sendDueKlaviyoEvents(db(), { clock: virtualClock() })).toMatchObject({ sent: 1, dead: 0 });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/api/events");
    expect(request?.headers).toMatchObject({ authorization: `Klaviyo-API-Key ${KEY}`, revision: KLAVIYO_REVISION, "content-type": "application/vnd.api+json", accept: "application/vnd.api+json" });
    expect(request?.body).toEqual({
      data: {
        type: "event",
        attributes: {
          properties: { points: 40, orderName: "#1001", balance: 320, tier: "Gold" },
          time: "2026-09-01T10:00:00.000Z",
          unique_id: key,
          metric: { data: { type: "metric", attributes: { name: "Kanta Points Earned" } } },
          profile: {
            data: {
              type: "profile",
              attributes: { email: "ada@example.com", first_name: "Ada", last_name: "L", external_id: member.customerGid, properties: { "Kanta Points Balance": 320, "Kanta Tier": "Gold" } },
            },
          },
        },
      },
    });
    const row = await db().occasionDelivery.findFirstOrThrow({ where: { occasionId: recorded.id, channel: "klaviyo" } });
    expect(row).toMatchObject({ status: "sent", recipient: "ada@example.com" });
  });

  it("paces a batch under Klaviyo's steady limit: one event every 20 ms at most", async () => {
    const { shop, member } = await setup();
    for (let i = 0; i < 5; i++) await record(shop.id, member.id, `points_earned:pace-${i}`);
    const clock = virtualClock();
    expect(await sendDueKlaviyoEvents(db(), { clock })).toMatchObject({ sent: 5 });
    expect(seen).toHaveLength(5);
    expect(clock.t).toBe(4 * KLAVIYO_SEND_INTERVAL_MS);
    expect(KLAVIYO_SEND_INTERVAL_MS).toBe(20);
  });

  it("a 429 stops the shop's run; its rows go again after Retry-After, and are sent then", async () => {
    const { shop, member } = await setup();
    for (let i = 0; i < 3; i++) await record(shop.id, member.id, `points_earned:429-${i}`);
    answer = (n) => (n === 2 ? { status: 429, headers: { "Retry-After": "30", "content-type": "application/vnd.api+json" }, body: JSON.stringify({ errors: [{ detail: "Request was throttled." }] }) } : { status: 202 });
    const now = new Date("2026-09-02T00:00:00Z");
    expect(await sendDueKlaviyoEvents(db(), { now, clock: virtualClock() })).toEqual({ sent: 1, skipped: 0, retrying: 2, dead: 0 });
    expect(seen).toHaveLength(2);
    const waiting = await db().occasionDelivery.findMany({ where: { shopId: shop.id, channel: "klaviyo", status: "pending" } });
    expect(waiting).toHaveLength(2);
    for (const w of waiting) expect(w).toMatchObject({ nextAttemptAt: new Date(now.getTime() + 30_000), lastError: "KlaviyoError: Klaviyo answered 429: Request was throttled." });
    expect(await sendDueKlaviyoEvents(db(), { now: new Date(now.getTime() + 29_999), clock: virtualClock() })).toEqual({ sent: 0, skipped: 0, retrying: 0, dead: 0 });
    expect(await sendDueKlaviyoEvents(db(), { now: new Date(now.getTime() + 30_000), clock: virtualClock() })).toEqual({ sent: 2, skipped: 0, retrying: 0, dead: 0 });
    // The throttled one was sent again with the same unique_id: Klaviyo counts it once.
    expect(new Set(seen.map((s) => (s.body as { data: { attributes: { unique_id: string } } }).data.attributes.unique_id)).size).toBe(3);
  });

  it("a key Klaviyo refuses turns the integration off, with the error for Settings", async () => {
    expectLoggedError(/klaviyo refused the key/);
    const { shop, member } = await setup();
    await record(shop.id, member.id, "points_earned:auth");
    answer = () => ({ status: 401, body: JSON.stringify({ errors: [{ detail: "Incorrect authentication credentials." }] }) });
    expect(await sendDueKlaviyoEvents(db(), { clock: virtualClock() })).toMatchObject({ sent: 0, dead: 1 });
    expect(await getKlaviyoSettings(shop.domain, db())).toEqual({ connected: true, keyHint: "pk_…ef01", enabled: false, lastError: "KlaviyoError: Klaviyo answered 401: Incorrect authentication credentials." });
    // Off: new occasions get no Klaviyo row.
    expect((await record(shop.id, member.id, "points_earned:after-auth")).channels).not.toContain("klaviyo");
  });

  it("without a key nothing is queued for Klaviyo; a key removed after queuing skips the rows", async () => {
    const { shop, member } = await setup(false);
    expect((await record(shop.id, member.id, "points_earned:nokey")).channels).not.toContain("klaviyo");
    const other = await setup();
    await record(other.shop.id, other.member.id, "points_earned:removed");
    await removeKlaviyoKey(other.shop.domain, db());
    expect(await sendDueKlaviyoEvents(db(), { clock: virtualClock() })).toMatchObject({ sent: 0, skipped: 1 });
    expect(seen).toHaveLength(0);
  });

  it("Settings keeps only a key in Klaviyo's format, and never shows it back", async () => {
    const shop = await createTestShop(db());
    await expect(saveKlaviyoKey(shop.domain, "sk_live_whatever", db())).rejects.toThrow(KlaviyoSettingsError);
    await expect(saveKlaviyoKey(shop.domain, "   ", db())).rejects.toThrow(/Enter your Klaviyo private API key/);
    expect(await getKlaviyoSettings(shop.domain, db())).toEqual({ connected: false, keyHint: null, enabled: false, lastError: null });
    const view = await saveKlaviyoKey(shop.domain, `  ${KEY} `, db());
    expect(view).toEqual({ connected: true, keyHint: "pk_…ef01", enabled: true, lastError: null });
    expect(JSON.stringify(view)).not.toContain(KEY);
  });
});
