import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../scripts/seeded-random.mjs";
import { checkWebhookDelivery } from "../../app/shopify/webhook-signature";
import { verifyWebhook } from "../../app/shopify/webhooks.server";
import { webhookHeaders } from "../../app/shopify/signing";
import { getShopifyApi } from "../../app/shopify.server";

// Intake checks a delivery itself (webhook-signature.ts, 0044): it must answer exactly what the
// library's webhooks.validate answers, field for field. Deliveries are generated from a seed:
// webhook and event deliveries, signed or not, with headers missing, empty, repeated or in
// another case, and bodies that are empty, JSON or not.

const SECRET = process.env.SHOPIFY_API_SECRET!;

const sign = (body: string, secret: string) => createHmac("sha256", secret).update(body, "utf8").digest("base64");

function generate(pick: () => number): { headers: [string, string][]; body: string } {
  const one = <T>(list: readonly T[]) => list[Math.floor(pick() * list.length)]!;
  const body = one(["", '{"id":820982911946154508,"note":"ä 🙂"}', "{}", "not json", " ", '{"a":"\\u0000"}']);
  const events = pick() < 0.3;
  const prefix = events ? "shopify-" : one(["X-Shopify-", "x-shopify-", "X-SHOPIFY-"]);
  const headers: [string, string][] = [];
  const add = (name: string, value: string) => {
    const roll = pick();
    if (roll < 0.08) return; // missing
    if (roll < 0.12) return void headers.push([prefix + name, ""]); // empty
    headers.push([prefix + name, value]);
    if (roll > 0.96) headers.push([prefix + name, value]); // sent twice
  };
  const hmacKind = one(["good", "good", "good", "good", "other-secret", "tampered", "missing", "empty", "spaced"]);
  const good = sign(body, SECRET);
  const hmacs: Record<string, string | null> = { good, "other-secret": sign(body, "another"), tampered: good.slice(0, 5) + (good[5] === "A" ? "B" : "A") + good.slice(6), missing: null, empty: "", spaced: ` ${good}` };
  const hmac = hmacs[hmacKind] ?? null;
  if (hmac !== null) headers.push([prefix + "Hmac-Sha256", hmac]);
  add("Topic", one(["orders/paid", "ORDERS_PAID", "app.uninstalled", "customers/data_request", "Orders/Paid"]));
  add("Shop-Domain", "kanta-test.myshopify.com");
  add(events ? "API-Version" : one(["API-Version", "Api-Version"]), "2026-07");
  add("Webhook-Id", `wh-${Math.floor(pick() * 1e6)}`);
  add("Triggered-At", "2026-12-05T10:00:00.000Z");
  if (events) {
    add("Handle", "kanta-orders");
    add("Action", "create");
  } else {
    add("Event-Id", `ev-${Math.floor(pick() * 1e6)}`);
    add("Name", "kanta");
  }
  // Now and then a delivery carries the other kind's HMAC header too.
  if (pick() < 0.05) headers.push([events ? "X-Shopify-Hmac-Sha256" : "shopify-hmac-sha256", good]);
  return { headers, body };
}

describe("a webhook delivery, checked without the library", () => {
  it("answers what the library's webhooks.validate answers, field for field, on 800 generated deliveries", async () => {
    const api = getShopifyApi();
    const pick = seededRandom(1205);
    const seen = new Map<string, number>();
    for (let i = 0; i < 800; i++) {
      const { headers, body } = generate(pick);
      const request = () => new Request("https://kanta.test/webhooks/orders/paid", { method: "POST", headers: new Headers(headers) });
      const library = await api.webhooks.validate({ rawBody: body, rawRequest: request() });
      const ours = checkWebhookDelivery(request().headers, body, SECRET);
      expect({ case: i, headers, body, ours }).toEqual({ case: i, headers, body, ours: library });
      const outcome = ours.valid ? `valid ${ours.webhookType}` : ours.reason;
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }
    // Every answer occurs often enough to mean something.
    for (const outcome of ["valid webhooks", "valid events", "missing_body", "missing_hmac", "invalid_hmac", "missing_headers"]) expect(seen.get(outcome) ?? 0).toBeGreaterThan(15);
  });

  it("gives intake the shop, the topic as the library stores it, and the statuses of authenticate.webhook", async () => {
    const body = '{"id":1}';
    const headers = webhookHeaders({ topic: "orders/paid", shop: "kanta-test.myshopify.com", body, secret: SECRET, eventId: "ev-1", triggeredAt: "2026-12-05T10:00:00.000Z" });
    const post = (h: Record<string, string>, b = body, method = "POST") => verifyWebhook(new Request("https://kanta.test/webhooks/orders/paid", { method, headers: h }), b);
    expect(await post(headers)).toEqual({ valid: true, shop: "kanta-test.myshopify.com", topic: "ORDERS_PAID", webhookId: "wh-ev-1", apiVersion: "2026-07", triggeredAt: "2026-12-05T10:00:00.000Z" });
    expect(await post(headers, '{"id":2}')).toMatchObject({ valid: false, status: 401, reason: "invalid_hmac" });
    expect(await post({ ...headers, "X-Shopify-Topic": "" })).toMatchObject({ valid: false, status: 400, reason: "missing_headers" });
    expect(await post(headers, "")).toMatchObject({ valid: false, status: 400, reason: "missing_body" });
    expect(await post(headers, body, "PUT")).toMatchObject({ valid: false, status: 405 });
  });
});
