import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { createTestShop, useTestDatabase } from "../db";
import { lineId, orderPayload, refundPayload, type LineSpec, type RefundSpec } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";
import { seededRandom } from "../../scripts/seeded-random.mjs";

// A few hundred order, refund, edit and cancel events, each delivered 1–3 times, shuffled
// and sent concurrently through the real HTTP routes with real HMACs. Every balance must
// equal an oracle computed here independently of Kanta's code, and the ledger must agree
// with the cached balances.

const { db } = useTestDatabase();
const { server: testServer } = useTestServer();

const cents = (minor: number) => (minor / 100).toFixed(2);

interface PlannedOrder {
  id: string;
  customerId: string;
  lines: { priceMinor: number; quantity: number; discountMinor: number }[];
  refunded: boolean;
  edited: boolean;
  cancelled: boolean;
}

function expectedPoints(order: PlannedOrder): number {
  if (order.cancelled) return 0;
  const net = order.lines.map((l) => l.priceMinor * l.quantity - l.discountMinor);
  let eligible = net.reduce((a, b) => a + b, 0);
  if (order.refunded) eligible -= net[0]!;
  if (order.edited) {
    const last = order.lines.length - 1;
    eligible -= Math.floor(net[last]! / order.lines[last]!.quantity);
  }
  return Math.floor(Math.max(0, eligible) / 100);
}

describe("replay storm", () => {
  it("converges every balance to the oracle under duplicated, shuffled, concurrent delivery", async () => {
    const seed = Number(process.env.KANTA_STORM_SEED ?? 20261123);
    const random = seededRandom(seed);
    const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const shop = await createTestShop(db());
    // An order earns at its member's tier multiplier when it first earns, which depends on
    // which orders arrived first; this oracle is about convergence, so every tier is 1× here
    // (multipliers: tests/integration/tier-engine.test.ts).
    await db().tier.updateMany({ where: { shopId: shop.id }, data: { multiplierPermille: 1000 } });
    const customers = Array.from({ length: 25 }, (_, i) => String(9100000000000000001n + BigInt(i))); // beyond 2^53
    const orders: PlannedOrder[] = [];
    const events: { topic: string; payload: unknown }[] = [];

    for (let i = 0; i < 150; i++) {
      const id = String(8200000000000000001n + BigInt(i));
      const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const priceMinor = 100 + Math.floor(random() * 19900);
        const quantity = 1 + Math.floor(random() * 3);
        const discountMinor = random() < 0.3 ? Math.floor((priceMinor * quantity) / 4) : 0;
        return { priceMinor, quantity, discountMinor };
      });
      const order: PlannedOrder = {
        id,
        customerId: pick(customers),
        lines,
        refunded: random() < 0.3,
        edited: lines.length > 1 && lines[lines.length - 1]!.quantity > 1 && random() < 0.3,
        cancelled: random() < 0.15,
      };
      orders.push(order);
      const day = `2026-11-${String(1 + (i % 20)).padStart(2, "0")}`;
      const refund: RefundSpec = {
        id: String(8300000000000000001n + BigInt(i)),
        orderId: id,
        createdAt: `${day}T12:00:00Z`,
        lines: [{ lineItemId: lineId(id, 0), quantity: lines[0]!.quantity, subtotal: cents(lines[0]!.priceMinor * lines[0]!.quantity - lines[0]!.discountMinor) }],
      };
      const state = (at: string, opts: { refunded?: boolean; edited?: boolean; cancelled?: boolean; status?: string }) =>
        orderPayload({
          id,
          customerId: order.customerId,
          updatedAt: at,
          processedAt: `${day}T10:00:00Z`,
          financialStatus: opts.status ?? (opts.refunded ? "partially_refunded" : "paid"),
          cancelledAt: opts.cancelled ? at : null,
          refunds: opts.refunded ? [refund] : [],
          lines: lines.map((l, index): LineSpec => {
            const last = index === lines.length - 1;
            const removed = (opts.refunded && index === 0 ? l.quantity : 0) + (opts.edited && last ? 1 : 0);
            return { price: cents(l.priceMinor), quantity: l.quantity, currentQuantity: l.quantity - removed, discount: l.discountMinor ? cents(l.discountMinor) : undefined };
          }),
        });
      events.push({ topic: "orders/paid", payload: state(`${day}T10:00:00Z`, {}) });
      if (random() < 0.25) events.push({ topic: "orders/updated", payload: state(`${day}T09:59:00Z`, { status: "pending" }) }); // stale
      if (order.refunded) {
        events.push({ topic: "refunds/create", payload: refundPayload(refund) });
        events.push({ topic: "orders/updated", payload: state(`${day}T12:00:01Z`, { refunded: true }) });
      }
      if (order.edited) events.push({ topic: "orders/updated", payload: state(`${day}T13:00:00Z`, { refunded: order.refunded, edited: true }) });
      if (order.cancelled) {
        events.push({ topic: "orders/cancelled", payload: state(`${day}T14:00:00Z`, { refunded: order.refunded, edited: order.edited, cancelled: true }) });
      }
    }

    const deliveries = events.flatMap((event) => {
      const eventId = randomUUID();
      return Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ ...event, eventId }));
    });
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    expect(events.length).toBeGreaterThan(200);

    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++]!;
          const response = await sendWebhook(testServer().url, d.topic, shop.domain, d.payload, { eventId: d.eventId });
          statuses.push(response.status);
        }
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await getJobRunner().idle();

    const oracle = new Map<string, number>();
    for (const order of orders) {
      const gid = `gid://shopify/Customer/${order.customerId}`;
      oracle.set(gid, (oracle.get(gid) ?? 100) + expectedPoints(order));
    }
    const members = await db().member.findMany({ where: { shopId: shop.id } });
    const actual = new Map(members.map((m) => [m.customerGid, m.points]));
    expect(actual).toEqual(oracle);
    expect(members.every((m) => m.pendingPoints === 0)).toBe(true);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
    // Occasions (0023), once each whatever the deliveries: a welcome per member, and
    // points_earned per order whose points became spendable (pendingDays 0: at its first earning).
    const welcomes = await db().occasion.findMany({ where: { shopId: shop.id, kind: "welcome" }, select: { memberId: true } });
    expect(welcomes.map((o) => o.memberId).sort()).toEqual(members.map((m) => m.id).sort());
    const earningOrders = await db().ledgerEntry.findMany({ where: { shopId: shop.id, kind: "order_earned", delta: { gt: 0 } }, distinct: ["sourceGid"], select: { sourceGid: true } });
    const earned = await db().occasion.findMany({ where: { shopId: shop.id, kind: "points_earned" }, select: { key: true } });
    expect(earned.map((o) => o.key).sort()).toEqual(earningOrders.map((e) => `points_earned:${e.sourceGid}`).sort());
    const inbox = await db().webhookEvent.groupBy({ by: ["status"], where: { shopDomain: shop.domain }, _count: { _all: true } });
    expect(inbox).toEqual([{ status: "done", _count: { _all: events.length } }]);
  }, 240_000); // ~600 deliveries through the real server: about 50 s on an idle 2-core machine, more under load
});
