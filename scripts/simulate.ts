// npm run simulate -- <topic> [options]
// Sends a correctly signed webhook, built from Shopify's documented example payload, to a
// running Kanta (local mode by default). Examples:
//   npm run simulate -- orders/paid --customer 7390000001001 --amount 120.00
//   npm run simulate -- refunds/create --order 5550000009001 --amount 20.00
//   npm run simulate -- refunds/create --order 5550000009001 --amount 20.00 --amount-only   (no line items)
//   npm run simulate -- orders/cancelled --order 5550000009001 --customer 7390000001001 --amount 120.00
//   npm run simulate -- customers/create --customer 7390000001009 --email new@example.com
//   npm run simulate -- customers/redact --customer 7390000001009
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { webhookHeaders } from "../app/shopify/signing";
import { customerPayload, documentedExample, lineId, orderPayload, refundPayload, toShopifyJson } from "../tests/fixtures/payloads";
import { loadLocalEnv } from "./env.mjs";

loadLocalEnv();

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    customer: { type: "string" },
    order: { type: "string" },
    refund: { type: "string" },
    // A refund of an amount without line items (an order adjustment, as Shopify records it).
    "amount-only": { type: "boolean", default: false },
    amount: { type: "string", default: "100.00" },
    currency: { type: "string", default: "EUR" },
    email: { type: "string" },
    // A referred order: the kanta_ref cart attribute (the widget's visitor token) and/or a friend's code.
    referral: { type: "string" },
    "discount-code": { type: "string" },
    shop: { type: "string", default: "kanta-demo.myshopify.com" },
    url: { type: "string" },
    "event-id": { type: "string" },
    "updated-at": { type: "string" },
    times: { type: "string", default: "1" },
    help: { type: "boolean", short: "h" },
  },
});

const TOPICS = [
  "orders/paid",
  "orders/updated",
  "orders/cancelled",
  "refunds/create",
  "customers/create",
  "customers/update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
  "app/uninstalled",
];

const topic = positionals[0];
if (values.help || !topic || !TOPICS.includes(topic)) {
  console.log(`usage: npm run simulate -- <topic> [--customer ID] [--order ID] [--refund ID] [--amount 120.00] [--amount-only]
                [--currency EUR] [--email E] [--referral TOKEN] [--discount-code CODE] [--shop DOMAIN] [--event-id ID] [--updated-at ISO] [--times N] [--url BASE]
topics: ${TOPICS.join(", ")}`);
  process.exit(topic ? 1 : 0);
}

const secret = process.env.SHOPIFY_API_SECRET;
if (!secret) throw new Error("SHOPIFY_API_SECRET is not set (see .env.example)");
const base = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const shop = values.shop!;
const now = values["updated-at"] ?? new Date().toISOString();
const orderId = values.order ?? String(5550000000000 + Math.floor(Math.random() * 1e6));
const customerId = values.customer ?? "7390000001001";

function build(): unknown {
  switch (topic) {
    case "orders/paid":
    case "orders/updated":
    case "orders/cancelled":
      return orderPayload({
        id: orderId,
        customerId: customerId === "guest" ? null : customerId,
        currency: values.currency,
        lines: [{ price: values.amount! }],
        updatedAt: now,
        cancelledAt: topic === "orders/cancelled" ? now : null,
        ...(values.referral ? { noteAttributes: { kanta_ref: values.referral } } : {}),
        ...(values["discount-code"] ? { discountCodes: [values["discount-code"]] } : {}),
        ...(values.email ? { email: values.email } : {}),
      });
    case "refunds/create":
      return refundPayload({
        id: values.refund ?? String(6660000000000 + Math.floor(Math.random() * 1e6)),
        orderId,
        currency: values.currency,
        createdAt: now,
        ...(values["amount-only"]
          ? { lines: [], adjustments: [{ amount: `-${values.amount!}` }], transactions: [{ amount: values.amount! }] }
          : { lines: [{ lineItemId: lineId(orderId, 0), quantity: 1, subtotal: values.amount! }] }),
      });
    case "customers/create":
    case "customers/update":
      return customerPayload({ id: customerId, email: values.email, updatedAt: now });
    case "customers/data_request":
    case "customers/redact":
      return {
        ...documentedExample(topic),
        shop_domain: shop,
        customer: { id: customerId, email: values.email ?? null, phone: null },
        orders_to_redact: [],
        orders_requested: [],
      };
    case "shop/redact":
      return { ...documentedExample(topic), shop_domain: shop };
    default:
      return { ...documentedExample(topic!), myshopify_domain: shop };
  }
}

const path = ["customers/data_request", "customers/redact", "shop/redact"].includes(topic)
  ? "/webhooks/compliance"
  : `/webhooks/${topic}`;
const body = toShopifyJson(build());
const eventId = values["event-id"] ?? randomUUID();
for (let i = 0; i < Number(values.times); i++) {
  const response = await fetch(base + path, {
    method: "POST",
    headers: webhookHeaders({ topic, shop, body, secret, eventId }),
    body,
  });
  console.log(`${topic} -> ${base}${path}: HTTP ${response.status} (event ${eventId}${topic.startsWith("orders") || topic.startsWith("refunds") ? `, order ${orderId}` : ""})`);
}
