import { describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import { drainWebhookBatches, processWebhookBatch } from "../../app/jobs/webhook-batch.server";
import { processWebhookEvent } from "../../app/jobs/webhook-job.server";
import { appendLedgerEntriesOnce, verifyLedger } from "../../app/loyalty/ledger/append.server";
import { isPostgres } from "../../app/loyalty/sql.server";
import { tierEntryKey } from "../../app/loyalty/tiers/rules";
import { metrics } from "../../app/metrics.server";
import { createTestShop, useTestDatabase } from "../db";
import { lineId, orderPayload, refundPayload, toShopifyJson, type OrderSpec } from "../fixtures/payloads";
import { seededRandom } from "../../scripts/seeded-random.mjs";

// The batch path (app/jobs/webhook-batch.server.ts) against the per-event path
// (processWebhookEvent): the same random event stream (paid, updated, edited, refunded,
// cancelled; replays under new event ids, local reorders, stale updates, guests, a poison
// body and a payload that can never be processed; several members in two shops, one with a
// pending period and a milestone rule) goes into the inbox of two pairs of fresh shops, one
// pair drained event by event, the other in batches of random sizes. Ledgers, balances,
// order records, occasions, analytics facts and the day rollup with its sketches, challenge progress
// and the events' outcomes must be identical.

const { db } = useTestDatabase();

const NOW = new Date("2026-12-01T12:00:00Z");
const cents = (minor: number) => (minor / 100).toFixed(2);

interface StreamEvent {
  shop: 0 | 1 | 2;
  topic: string;
  body: string;
}

function generateStream(seed: number): StreamEvent[] {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const events: StreamEvent[] = [];
  for (let i = 0; i < 33; i++) {
    const shop = (i % 3) as 0 | 1 | 2;
    const id = String(7100000000000000001n + BigInt(seed % 1000) * 1000n + BigInt(i));
    const customerId = random() < 0.1 ? null : String(9200000000000000001n + BigInt(int(5)));
    const lines = Array.from({ length: 1 + int(3) }, () => {
      const priceMinor = 500 + int(15000);
      const quantity = 1 + int(3);
      // Products 1-3 carry shop 0's product rules (2x, +5 per item, earns nothing); 0 = a custom item.
      return { priceMinor, quantity, discountMinor: random() < 0.3 ? Math.floor((priceMinor * quantity) / 5) : 0, product: int(4) };
    });
    const day = 1 + int(29);
    const at = (hour: number) => `2026-11-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00Z`;
    const refunded = random() < 0.35;
    const edited = lines.length > 1 && lines[lines.length - 1]!.quantity > 1 && random() < 0.4;
    // No cancellations where the milestone rule runs: a later order that takes the number of a
    // cancelled order's milestone fails its insert on both paths alike (reported on issue 12).
    const cancelled = shop === 0 && random() < 0.3;
    const refund = { id: String(7300000000000000001n + BigInt(seed % 1000) * 1000n + BigInt(i)), orderId: id, createdAt: at(12), lines: [{ lineItemId: lineId(id, 0), quantity: lines[0]!.quantity, subtotal: cents(lines[0]!.priceMinor * lines[0]!.quantity - lines[0]!.discountMinor) }] };
    const state = (hour: number, opts: { edited?: boolean; refunded?: boolean; cancelled?: boolean; status?: string }): OrderSpec => ({
      id,
      customerId,
      updatedAt: at(hour),
      processedAt: at(9),
      financialStatus: opts.status ?? "paid",
      ...(opts.cancelled ? { cancelledAt: at(hour) } : {}),
      lines: lines.map((l, index) => ({
        price: cents(l.priceMinor),
        quantity: l.quantity,
        ...(opts.edited && index === lines.length - 1 ? { currentQuantity: l.quantity - 1 } : {}),
        ...(l.discountMinor ? { discount: cents(l.discountMinor) } : {}),
        ...(l.product ? { productId: String(8800000000000 + l.product) } : {}),
      })),
      refunds: opts.refunded ? [refund] : [],
    });
    const own: StreamEvent[] = [];
    const push = (topic: string, payload: unknown) => own.push({ shop, topic, body: toShopifyJson(payload) });
    if (random() < 0.3) push("orders/updated", orderPayload(state(9, { status: "pending" })));
    push("orders/paid", orderPayload(state(10, {})));
    if (edited) push("orders/updated", orderPayload(state(11, { edited: true })));
    if (refunded) {
      push("refunds/create", refundPayload(refund));
      push("orders/updated", orderPayload(state(13, { edited, refunded: true })));
    }
    if (cancelled) push("orders/cancelled", orderPayload(state(15, { edited, refunded, cancelled: true })));
    // A stale state delivered late.
    if (random() < 0.3) push("orders/updated", orderPayload(state(10, {})));
    // Replays: Shopify delivers again under a new event id.
    for (const e of [...own]) if (random() < 0.25) own.push({ ...e });
    // Local reorders.
    for (let k = 1; k < own.length; k++) if (random() < 0.3) [own[k - 1], own[k]] = [own[k]!, own[k - 1]!];
    // Interleave with earlier orders' events.
    for (const e of own) events.splice(events.length - int(Math.min(events.length, 6)), 0, e);
  }
  // Poison: a body that is not JSON, and an order payload Kanta can never read.
  events.splice(int(events.length), 0, { shop: 0, topic: "orders/paid", body: "{not json" });
  events.splice(int(events.length), 0, { shop: 1, topic: "orders/updated", body: JSON.stringify({ id: "x", line_items: "nope" }) });
  return events;
}

async function fillInbox(db: Db, domains: readonly string[], stream: readonly StreamEvent[], tag: string): Promise<string[]> {
  const ids: string[] = [];
  let n = 0;
  for (const e of stream) {
    n++;
    const row = await db.webhookEvent.create({
      data: {
        shopDomain: domains[e.shop]!,
        topic: e.topic,
        eventId: `${tag}-${n}`,
        payload: e.body,
        receivedAt: new Date(NOW.getTime() - 3_600_000 + n),
        nextAttemptAt: new Date(NOW.getTime() - 3_600_000),
      },
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}

/** What a shop's processing produced, with shop-local ids replaced by stable names. */
async function snapshotShop(db: Db, shopId: string, domain: string) {
  const members = await db.member.findMany({ where: { shopId }, include: { tier: { select: { name: true } } } });
  const tierNames = new Map((await db.tier.findMany({ where: { shopId } })).map((t) => [t.id, t.name]));
  const ruleNames = (await db.earningRule.findMany({ where: { shopId } })).map((r) => [r.id, `rule:${r.name}`] as [string, string]);
  const challengeNames = (await db.challenge.findMany({ where: { shopId } })).map((c) => [c.id, `challenge:${c.name}`] as [string, string]);
  const rewardNames = (await db.reward.findMany({ where: { shopId } })).map((r) => [r.id, `reward:${r.name}`] as [string, string]);
  const nameOf = new Map<string, string>([...members.map((m) => [m.id, m.customerGid] as [string, string]), ...tierNames, ...ruleNames, ...challengeNames, ...rewardNames]);
  const rename = (text: string | null) => {
    if (text === null) return null;
    let out = text;
    for (const [id, name] of nameOf) out = out.split(id).join(name);
    return out;
  };
  const ledger = await db.ledgerEntry.findMany({ where: { shopId } });
  const orders = await db.orderRecord.findMany({ where: { shopId } });
  const lines = await db.orderLine.findMany({ where: { shopId }, orderBy: [{ orderGid: "asc" }, { lineItemId: "asc" }] });
  const occasions = await db.occasion.findMany({ where: { shopId } });
  const facts = await db.orderFact.findMany({ where: { shopId } });
  const inbox = await db.webhookEvent.findMany({ where: { shopDomain: domain } });
  const progress = await db.challengeProgress.findMany({ where: { shopId } });
  // The rollup the batch writes once per row at its end (0038) must equal the per-event path's.
  const days = await db.analyticsDay.findMany({ where: { shopId } });
  const sketches = await db.analyticsSketch.findMany({ where: { shopId } });
  const tierChanges = await db.tierChange.findMany({ where: { shopId } });
  const sortBy = <T,>(rows: T[], key: (row: T) => string) => rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    members: sortBy(
      members.map((m) => ({ customer: m.customerGid, status: m.status, tier: m.tier?.name ?? null, points: m.points, pending: m.pendingPoints, lifetime: m.lifetimePoints, lastOrderAt: m.lastOrderAt?.toISOString() ?? null, dirty: m.pointsDirty })),
      (m) => m.customer ?? "",
    ),
    ledger: sortBy(
      ledger.map((e) => ({ member: rename(e.memberId), kind: e.kind, delta: e.delta, pendingDelta: e.pendingDelta, key: rename(e.idempotencyKey), source: e.sourceGid, note: e.note, availableAt: e.availableAt?.toISOString() ?? null, expiresAt: e.expiresAt?.toISOString() ?? null })),
      (e) => `${e.key}`,
    ),
    orders: sortBy(
      orders.map(({ id: _id, shopId: _shop, createdAt: _c, updatedAt: _u, memberId, ...rest }) => ({ ...rest, member: rename(memberId), grossMinor: String(rest.grossMinor), editRemovedMinor: String(rest.editRemovedMinor), eligibleMinor: String(rest.eligibleMinor), orderTotalMinor: String(rest.orderTotalMinor), earnSpendMinor: String(rest.earnSpendMinor) })),
      (o) => o.orderGid,
    ),
    lines: lines.map(({ id: _id, shopId: _shop, ...rest }) => ({ ...rest, amountMinor: String(rest.amountMinor), taxMinor: String(rest.taxMinor) })),
    occasions: sortBy(
      occasions.map((o) => ({ member: rename(o.memberId), kind: o.kind, key: rename(o.key), data: rename(o.data) })),
      (o) => `${o.kind}/${o.key}`,
    ),
    facts: sortBy(
      facts.map(({ id: _id, shopId: _shop, updatedAt: _u, tierId, ...rest }) => JSON.parse(JSON.stringify({ ...rest, tier: tierNames.get(tierId ?? "") ?? null }, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))) as Record<string, unknown>),
      (f) => JSON.stringify(f),
    ),
    challenges: sortBy(
      progress.map((p) => ({ challenge: rename(p.challengeId), member: rename(p.memberId), progress: p.progress, joinedAt: p.joinedAt.toISOString(), completedAt: p.completedAt?.toISOString() ?? null })),
      (p) => `${p.challenge}/${p.member}`,
    ),
    days: sortBy(
      days.map(({ id: _id, shopId: _shop, segment, ...rest }) => JSON.parse(JSON.stringify({ ...rest, segment: rename(segment) }, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))) as Record<string, unknown>),
      (d) => `${String(d.day)}/${String(d.segment)}`,
    ),
    sketches: sortBy(
      sketches.map((k) => ({ kind: k.kind, period: k.period, segment: rename(k.segment), customers: k.customers, repeatCustomers: k.repeatCustomers })),
      (k) => `${k.kind}/${k.period}/${k.segment}`,
    ),
    // The tier history and its sync outbox (orders only move members up, so a member reaches a tier once).
    tierChanges: sortBy(
      tierChanges.map((c) => ({ customer: c.customerGid, member: rename(c.memberId), from: c.fromTier, to: c.toTier, reason: c.reason, actor: c.actor, note: c.note, syncStatus: c.syncStatus })),
      (c) => `${c.customer}/${c.from}/${c.to}`,
    ),
    inbox: sortBy(
      inbox.map((e) => ({ event: e.eventId.replace(/^[a-z]-/, ""), status: e.status, attempts: e.attempts, lastError: e.lastError, payload: e.payload })),
      (e) => e.event.padStart(6, "0"),
    ),
  };
}

async function makeShops(db: Db) {
  // Shop 2 is plain: no milestone, challenge or product rule, so most of its orders are settled as a set (0038).
  const shops = [await createTestShop(db), await createTestShop(db, { pendingDays: 14 }), await createTestShop(db)];
  await db.earningRule.create({ data: { shopId: shops[1]!.id, type: "nth_order", name: "Every 2nd order", points: 40, limit: "unlimited", config: JSON.stringify({ every: 2 }) } });
  // Shop 0 earns by line (0033): refunds and edits reverse by the lines, on both paths alike.
  const product = (n: number) => `gid://shopify/Product/${8800000000000 + n}`;
  await db.earningRule.updateMany({
    where: { shopId: shops[0]!.id, type: "purchase" },
    data: {
      config: JSON.stringify({
        productRules: [
          { targetType: "product", targetGid: product(1), title: "One", effect: "multiplier", value: 2000 },
          { targetType: "product", targetGid: product(2), title: "Two", effect: "extra", value: 5 },
          { targetType: "product", targetGid: product(3), title: "Three", effect: "exclude", value: 0 },
        ],
      }),
    },
  });
  // Challenges move on the order path in the batch's transaction too (0035): orders within 10 days of a member's first, and spend.
  const start = new Date("2026-11-01T00:00:00Z");
  await db.challenge.create({ data: { shopId: shops[0]!.id, name: "Two in ten", kind: "orders_count", target: 2, windowKind: "from_join", windowDays: 10, startsAt: start, rewardPoints: 50 } });
  await db.challenge.create({ data: { shopId: shops[1]!.id, name: "Spend 300", kind: "spend", target: 30_000, windowKind: "fixed", startsAt: start, endsAt: new Date("2027-01-01T00:00:00Z"), rewardPoints: 75 } });
  return shops;
}

async function settledAsSet(): Promise<number> {
  const metric = await metrics().ordersSettledAsSet.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

describe("batched accrual", () => {
  for (const seed of [11, 29]) {
    it(`gives exactly what the per-event path gives (seed ${seed})`, async () => {
      const stream = generateStream(seed);
      const perEvent = await makeShops(db());
      const batched = await makeShops(db());

      const perEventIds = await fillInbox(db(), perEvent.map((s) => s.domain), stream, "a");
      for (const id of perEventIds) await processWebhookEvent(db(), id, NOW);

      const batchedIds = await fillInbox(db(), batched.map((s) => s.domain), stream, "b");
      const random = seededRandom(seed + 1);
      const asSetBefore = await settledAsSet();
      let outcomes = 0;
      for (let i = 0; i < batchedIds.length; ) {
        const size = 1 + Math.floor(random() * 40);
        const result = await processWebhookBatch(db(), { ids: batchedIds.slice(i, i + size), now: NOW });
        outcomes += result.size;
        i += size;
      }
      expect(outcomes).toBe(batchedIds.length);

      // The plain shop's later orders went the set path (the first order of a customer enrols it, through the order path).
      expect((await settledAsSet()) - asSetBefore).toBeGreaterThan(0);
      for (const k of [0, 1, 2]) {
        const a = await snapshotShop(db(), perEvent[k]!.id, perEvent[k]!.domain);
        const b = await snapshotShop(db(), batched[k]!.id, batched[k]!.domain);
        expect(a.ledger.length).toBeGreaterThan(0);
        // Shop 0 earns by line: its orders' lines carry the product rules' terms.
        if (k === 0) expect(a.lines.filter((l) => l.earnPermille === 2000).length).toBeGreaterThan(0);
        if (k < 2) expect(a.challenges.length).toBeGreaterThan(0);
        expect(a.days.length).toBeGreaterThan(0);
        expect(a.sketches.some((k) => k.customers)).toBe(true);
        expect(b).toEqual(a);
        expect(await verifyLedger(db(), batched[k]!.id)).toEqual([]);
      }
      // The poison events failed alone, as the per-event path records them.
      const invalid = await db().webhookEvent.count({ where: { id: { in: batchedIds }, status: "invalid" } });
      expect(invalid).toBe(2);
      expect(await db().webhookEvent.count({ where: { id: { in: batchedIds }, status: "done" } })).toBe(batchedIds.length - 2);
    }, 300_000);
  }

  it("drains batch after batch, the next claimed while one is applied on PostgreSQL, to exactly the per-event path's end", async () => {
    const stream = generateStream(47);
    const perEvent = await makeShops(db());
    const drained = await makeShops(db());
    for (const id of await fillInbox(db(), perEvent.map((s) => s.domain), stream, "c")) await processWebhookEvent(db(), id, NOW);
    const ids = await fillInbox(db(), drained.map((s) => s.domain), stream, "d");

    // After each batch is applied and before the next: how many events are claimed (the one claimed ahead).
    const claimedBetween: number[] = [];
    const processed = await drainWebhookBatches(db(), {
      size: 6,
      now: NOW,
      onOutcomes: async () => {
        claimedBetween.push(await db().webhookEvent.count({ where: { id: { in: ids }, status: "processing" } }));
      },
    });
    expect(processed).toBe(ids.length);
    expect(claimedBetween.length).toBe(Math.ceil(ids.length / 6));
    expect(claimedBetween.pop()).toBe(0);
    // After batch k, the next (the rest, up to 6) is claimed, or not yet (its one statement raced the batch's commit); on SQLite, never.
    const next = claimedBetween.map((_, k) => Math.min(6, ids.length - 6 * (k + 1)));
    expect(claimedBetween.every((n, k) => n === 0 || n === next[k])).toBe(true);
    if (isPostgres(db())) expect(claimedBetween.filter((n, k) => n === next[k]).length).toBeGreaterThan(claimedBetween.length / 2);
    else expect(claimedBetween.every((n) => n === 0)).toBe(true);

    for (const k of [0, 1, 2]) {
      const a = await snapshotShop(db(), perEvent[k]!.id, perEvent[k]!.domain);
      expect(a.ledger.length).toBeGreaterThan(0);
      expect(await snapshotShop(db(), drained[k]!.id, drained[k]!.domain)).toEqual(a);
    }
    expect(await db().webhookEvent.count({ where: { id: { in: ids }, status: "invalid" } })).toBe(2);
    expect(await db().webhookEvent.count({ where: { id: { in: ids }, status: "done" } })).toBe(ids.length - 2);
  }, 300_000);

  it("stops at a batch whose follow-up fails, with that error; the batch claimed ahead waits for its lease", async () => {
    const shops = await makeShops(db());
    const ids = await fillInbox(db(), shops.map((s) => s.domain), generateStream(53).slice(0, 12), "e");
    const failure = new Error("the follow-up failed");
    await expect(drainWebhookBatches(db(), { size: 4, now: NOW, onOutcomes: () => Promise.reject(failure) })).rejects.toBe(failure);
    const count = (status: string) => db().webhookEvent.count({ where: { id: { in: ids }, status } });
    const applied = (await count("done")) + (await count("invalid"));
    expect(applied).toBe(4);
    // PostgreSQL: the next 4 were claimed while the first were applied, and are leased, not lost; SQLite claims nothing ahead.
    expect(await count("processing")).toBe(isPostgres(db()) ? 4 : 0);
    expect(await count("pending")).toBe(isPostgres(db()) ? 4 : 8);
  });

  it("settles plain orders as a set across tier moves: each move made in its place, later orders at the new tier's rate", async () => {
    // A plain shop whose tiers are near and pay differently (1x, 1.5x, 2x, 3x; entry points
    // on each move): three members, each crossing every tier within one batch.
    const ladder = async (db: Db) => {
      const shop = await createTestShop(db);
      const tiers = await db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
      expect(tiers).toHaveLength(4);
      for (const [i, t] of tiers.entries()) {
        await db.tier.update({ where: { id: t.id }, data: { thresholdMinor: BigInt(i * 15_000), multiplierPermille: [1000, 1500, 2000, 3000][i]!, perks: JSON.stringify({ entryPoints: i * 25 }) } });
      }
      // Rewards every 15 points: which one a balance crossed tells where it was, entry points included.
      await db.reward.createMany({ data: Array.from({ length: 60 }, (_, k) => ({ shopId: shop.id, type: "amount_off", name: `Reward ${k}`, pointsCost: 15 * (k + 1), valueMinor: 100n })) });
      // A fourth customer is already a member: put in Silver by staff until March (earning
      // Gold ends that), and paid Gold's entry points this year already (moved down and back
      // up: the move pays nothing more).
      const member = await db.member.create({
        data: { shopId: shop.id, customerGid: "gid://shopify/Customer/9300000000000000004", status: "active", tierId: tiers[1]!.id, tierManual: true, tierManualUntil: new Date("2027-03-01T00:00:00Z") },
      });
      await db.$transaction((tx) =>
        appendLedgerEntriesOnce(tx, [{ shopId: shop.id, memberId: member.id, delta: 50, kind: "action_bonus", idempotencyKey: tierEntryKey(member.id, tiers[2]!.id, "calendar_year", NOW, shop.ianaTimezone), note: "Gold tier welcome bonus" }], NOW),
      );
      return shop;
    };
    const stream: StreamEvent[] = [];
    for (let i = 0; i < 48; i++) {
      const spec: OrderSpec = { id: String(7400000000000000001n + BigInt(i)), customerId: String(9300000000000000001n + BigInt(i % 4)), processedAt: "2026-11-20T09:00:00Z", updatedAt: "2026-11-20T10:00:00Z", lines: [{ price: `${40 + i}.00` }] };
      stream.push({ shop: 0, topic: "orders/paid", body: toShopifyJson(orderPayload(spec)) });
    }
    const perEvent = await ladder(db());
    for (const id of await fillInbox(db(), [perEvent.domain], stream, "a")) await processWebhookEvent(db(), id, NOW);
    const batched = await ladder(db());
    const ids = await fillInbox(db(), [batched.domain], stream, "b");
    const before = await settledAsSet();
    await processWebhookBatch(db(), { ids, now: NOW });
    // Only the first order of each new member (its enrolment) is not settled as a set.
    expect((await settledAsSet()) - before).toBeGreaterThanOrEqual(45);
    const a = await snapshotShop(db(), perEvent.id, perEvent.domain);
    expect(a.members.map((m) => m.tier)).toEqual(["Platinum", "Platinum", "Platinum", "Platinum"]);
    // Three new members paid Silver, Gold and Platinum; the staff-placed one only Platinum (Gold's was paid before).
    expect(a.ledger.filter((e) => e.kind === "action_bonus")).toHaveLength(9 + 1 + 1);
    expect(a.occasions.filter((o) => o.kind === "reward_affordable").length).toBeGreaterThan(20);
    expect(a.tierChanges.filter((c) => c.customer.endsWith("9300000000000000004")).map((c) => `${c.from}>${c.to}`)).toEqual(["Gold>Platinum", "Silver>Gold"]);
    const manual = await db().member.findFirstOrThrow({ where: { shopId: batched.id, customerGid: "gid://shopify/Customer/9300000000000000004" } });
    expect([manual.tierManual, manual.tierManualUntil]).toEqual([false, null]);
    expect(await snapshotShop(db(), batched.id, batched.domain)).toEqual(a);
    expect(await verifyLedger(db(), batched.id)).toEqual([]);
  }, 120_000);
});
