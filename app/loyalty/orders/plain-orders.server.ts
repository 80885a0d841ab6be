import { randomUUID } from "node:crypto";
import type { Tx } from "../../db.server";
import { applyToDay, contribution, factSegments } from "../analytics/facts.server";
import { localDay } from "../analytics/days";
import { earnsByLine } from "../earn/product-rules";
import { appendNewLedgerEntries } from "../ledger/append.server";
import { ledgerKeys, type LedgerEntryInput } from "../ledger/entries";
import { rewardCrossingOccasion } from "../notify/affordable.server";
import { occasionKey, type OccasionKind } from "../notify/occasions";
import { recordOccasions, type RecordOccasionInput } from "../notify/occasions.server";
import { addDays, isExcludedByTags } from "../program/defaults";
import type { ShopConfig } from "../program/shop-config.server";
import { insertRows, isPostgres, rowId, Sql } from "../sql.server";
import { membershipTierForLine } from "../tiers/paid";
import { entryBonusEntry, tierChangeData, tierReachedOccasion, upgradeMemberTier, type LadderTier } from "../tiers/moves.server";
import { currentTierWindow, inWindow, qualifyingTier, tierEntryKey, toTierBasis, toTierPeriod } from "../tiers/rules";
import { WriteConflictError } from "../tx.server";
import { computeEditRemovedMinor, computeOrderGrossMinor, computeStoredOrderTarget, isPaidStatus, orderMultiplierPermille, type OrderSnapshot } from "./order-points";
import { describeOrderChange } from "./order-effects.server";
import { storedLineData } from "./order-lines.server";

// Plain orders, settled as a set (docs/decisions/0038-plain-orders-as-a-set.md). Most order
// events a shop receives are the first paid state of an order of an existing member with
// no refund, no discount code, no referral, no membership product, in a program without
// milestones, challenges or earning by product. For a run of such events inside one webhook
// batch, this module does what the order path (orders.server.ts applyOrderSnapshot) would
// do event by event, in a few statements for the whole run: it reads the run's members,
// order records, facts, referrals and tier metrics in one query each, computes every
// order's state with the order path's own pure functions, and writes order records, lines,
// ledger rows, balances, facts and the day rollup with multi-row statements.
//
// Anything the set path does not handle stops it at that event: the event and the rest go
// back to the caller, which runs that event through the order path and hands the rest here
// again. So the set path never has to be right about a case it does not know; it only has
// to be exactly the order path where it runs (tests/integration/batch-equivalence.test.ts,
// "plain shop").

type OrderRecordRow = Awaited<ReturnType<Tx["orderRecord"]["findUniqueOrThrow"]>>;

export interface PlainOrder {
  snapshot: OrderSnapshot;
  /** orders/paid (Shopify says it is paid whatever its financial status field says). */
  paidSignal: boolean;
}

/**
 * What the payload and the shop alone tell: the event may be a plain order. Whether it is
 * (no record yet, an active member, no tier move) is settled by settlePlainOrders.
 */
export function mayBePlainOrder(shop: ShopConfig, order: PlainOrder): boolean {
  const { snapshot } = order;
  const rule = shop.purchaseRule;
  return (
    !shop.uninstalled &&
    shop.program.status === "live" &&
    rule !== null &&
    !earnsByLine(rule.terms, shop.campaigns.some((c) => c.collectionGid)) &&
    shop.nthOrderRules.length === 0 &&
    !shop.hasChallenges &&
    shop.program.tierBasis !== "points" &&
    snapshot.customerGid !== null &&
    !snapshot.cancelled &&
    (order.paidSignal || isPaidStatus(snapshot.financialStatus)) &&
    snapshot.refunds.length === 0 &&
    snapshot.discountCodes.length === 0 &&
    snapshot.lines.every((line) => !membershipTierForLine(shop.tiers, line)?.perks.membership)
  );
}

interface MemberState {
  id: string;
  customerGid: string;
  status: string;
  /** The member's tier as this run has it (moves included). */
  tierId: string | null;
  /** The tier the member's row holds: a move's UPDATE is conditional on it (moveMemberTier's rule). */
  storedTierId: string | null;
  tierManual: boolean;
  points: number;
  /** The tier metric in the current window, as memberTierMetric computes it, moved by this run. */
  metric: number;
  /** Earliest processedAt of the customer's counted facts (repeat customers). */
  firstCounted: Date | null;
}

/**
 * Settles the leading plain orders of `orders` (all for `shop`, each passing
 * mayBePlainOrder) and returns how many it settled. `orderPath`: when fewer than all were
 * settled, the event at that index is not plain (its order is known, its customer is no
 * active member or cannot be enrolled here, or the same order came earlier in the run) and
 * the caller runs it through the order path. An order that moves its member's tier is
 * settled and the move made in the run (0042); a move to a tier with an entry gift goes
 * through upgradeMemberTier, and the run goes on with that member read again.
 */
export async function settlePlainOrders(tx: Tx, shop: ShopConfig, orders: readonly PlainOrder[], now: Date): Promise<{ settled: number; orderPath: boolean }> {
  if (orders.length === 0) return { settled: 0, orderPath: false };
  const gids = [...new Set(orders.map((o) => o.snapshot.orderGid))];
  const customers = [...new Set(orders.map((o) => o.snapshot.customerGid!))];
  const known = new Set((await tx.orderRecord.findMany({ where: { shopId: shop.id, orderGid: { in: gids } }, select: { orderGid: true } })).map((r) => r.orderGid));
  const memberRows = await tx.member.findMany({
    where: { shopId: shop.id, customerGid: { in: customers } },
    select: { id: true, customerGid: true, status: true, tierId: true, tierManual: true, points: true },
  });
  // Tier metric of each member in the current window (memberTierMetric's rule, for the run's members at once).
  const basis = toTierBasis(shop.program.tierBasis);
  const window = currentTierWindow(toTierPeriod(shop.program.tierPeriod), now, shop.ianaTimezone);
  const memberIds = memberRows.map((m) => m.id);
  const processedIn = window.start !== null || window.end !== null ? { processedAt: { ...(window.start ? { gte: window.start } : {}), ...(window.end ? { lt: window.end } : {}) } } : {};
  const metrics = new Map<string, number>();
  if (shop.tiers.length >= 2 && memberIds.length > 0) {
    if (basis === "orders") {
      const rows = await tx.orderRecord.groupBy({ by: ["memberId"], where: { shopId: shop.id, memberId: { in: memberIds }, eligibleMinor: { gt: 0n }, ...processedIn }, _count: { _all: true } });
      for (const r of rows) if (r.memberId) metrics.set(r.memberId, r._count._all);
    } else {
      const rows = await tx.orderRecord.groupBy({ by: ["memberId"], where: { shopId: shop.id, memberId: { in: memberIds }, ...processedIn }, _sum: { eligibleMinor: true } });
      for (const r of rows) if (r.memberId) metrics.set(r.memberId, Number(r._sum.eligibleMinor ?? 0n));
    }
  }
  const firstCounted = new Map(
    (await tx.orderFact.groupBy({ by: ["customerGid"], where: { shopId: shop.id, customerGid: { in: customers }, counted: true }, _min: { processedAt: true } })).map((r) => [r.customerGid, r._min.processedAt]),
  );
  const referred = await tx.referral.findMany({
    where: { shopId: shop.id, OR: [{ orderGid: { in: gids } }, { friendCustomerGid: { in: customers } }] },
    select: { orderGid: true, friendCustomerGid: true },
  });
  const referredOrders = new Set(referred.map((r) => r.orderGid));
  const referredCustomers = new Set(referred.map((r) => r.friendCustomerGid));
  const usedCodes = new Map<string, string[]>();
  for (const r of await tx.redemption.findMany({ where: { shopId: shop.id, usedOrderGid: { in: gids } }, select: { code: true, usedOrderGid: true } })) {
    if (r.code && r.usedOrderGid) usedCodes.set(r.usedOrderGid, [...(usedCodes.get(r.usedOrderGid) ?? []), r.code]);
  }
  const members = new Map<string, MemberState>(
    memberRows.map((m) => [
      m.customerGid,
      { id: m.id, customerGid: m.customerGid, status: m.status, tierId: m.tierId, storedTierId: m.tierId, tierManual: m.tierManual, points: m.points, metric: metrics.get(m.id) ?? 0, firstCounted: firstCounted.get(m.customerGid) ?? null },
    ]),
  );
  // Tier entry points already paid this period (payEntryBonuses pays a key once): a move in
  // the run pays only keys not among them.
  const period = toTierPeriod(shop.program.tierPeriod);
  const entryKeys = shop.tiers.some((t) => t.perks.entryPoints > 0) ? memberIds.flatMap((id) => shop.tiers.filter((t) => t.perks.entryPoints > 0).map((t) => tierEntryKey(id, t.id, period, now, shop.ianaTimezone))) : [];
  const entryKeysPaid = new Set(
    entryKeys.length > 0 ? (await tx.ledgerEntry.findMany({ where: { shopId: shop.id, idempotencyKey: { in: entryKeys } }, select: { idempotencyKey: true } })).map((r) => r.idempotencyKey) : [],
  );

  const run: RunState = { members, known, seen: new Set(), window, basis, period, entryKeysPaid, firstCounted, referredOrders, referredCustomers, usedCodes };
  let total = 0;
  for (;;) {
    const { settled, newMembers, moveAfter } = settleUntilMove(shop, orders.slice(total), run, now);
    if (settled.length === 0) return { settled: total, orderPath: true };
    await writeSettled(tx, shop, run, settled, newMembers, now);
    total += settled.length;
    if (!moveAfter) return { settled: total, orderPath: true };
    // A move to a tier with an entry gift is the order path's own (upgradeMemberTier, which
    // grants the gift through the gift outbox), made after the orders before it are written;
    // the run then goes on with the member's tier and balance read again.
    await upgradeMemberTier(tx, shop, moveAfter.member.id, { now, activityAt: moveAfter.activityAt });
    const fresh = await tx.member.findUniqueOrThrow({ where: { id: moveAfter.member.id }, select: { status: true, tierId: true, tierManual: true, points: true } });
    Object.assign(moveAfter.member, fresh, { storedTierId: fresh.tierId });
  }
}

interface RunState {
  members: Map<string, MemberState>;
  known: Set<string>;
  seen: Set<string>;
  window: ReturnType<typeof currentTierWindow>;
  basis: ReturnType<typeof toTierBasis>;
  period: ReturnType<typeof toTierPeriod>;
  entryKeysPaid: Set<string>;
  firstCounted: Map<string | null, Date | null>;
  referredOrders: Set<string | null>;
  referredCustomers: Set<string | null>;
  usedCodes: Map<string, string[]>;
}

interface SettledOrder {
  order: PlainOrder;
  record: OrderRecordRow;
  member: MemberState;
  enrolsNow: boolean;
  bonus: LedgerEntryInput | null;
  entry: LedgerEntryInput | null;
  repeat: boolean;
  tierId: string | null;
  /** The tier move this order made (upgradeMemberTier's), and its entry points when due. */
  move: { from: LadderTier | null; to: LadderTier; bonus: LedgerEntryInput | null } | null;
}

/** The leading plain orders, computed in memory, their tier moves included; up to and including the first that moves its member to a tier with an entry gift. */
function settleUntilMove(shop: ShopConfig, orders: readonly PlainOrder[], run: RunState, now: Date) {
  const { members, known, seen, window, basis, firstCounted } = run;
  const top = shop.tiers[shop.tiers.length - 1];
  const newMembers: { customerGid: string; member: MemberState }[] = [];
  const settled: SettledOrder[] = [];
  let moveAfter: { member: MemberState; activityAt: Date } | null = null;
  for (const order of orders) {
    const s = order.snapshot;
    if (known.has(s.orderGid) || seen.has(s.orderGid)) break;
    let member = members.get(s.customerGid!);
    const enrolsNow = !member;
    if (!member) {
      // A customer first seen on this order is enrolled as enrollMember does (active, the
      // entry tier, the sign-up bonus, the welcome occasion), unless that needs more: a
      // sign-up gift, or tags that exclude (an order carries none, but a rule may match none).
      if (shop.signupRule?.giftRewardId || isExcludedByTags("", shop.program.excludedTags)) break;
      member = { id: randomUUID(), customerGid: s.customerGid!, status: "active", tierId: shop.entryTierId, storedTierId: shop.entryTierId, tierManual: false, points: 0, metric: 0, firstCounted: firstCounted.get(s.customerGid!) ?? null };
    }
    if (member.status !== "active") break;
    // The record the order path would save: a new record merged with the event, then settled at revision 1.
    const record: OrderRecordRow = {
      id: "",
      shopId: shop.id,
      orderGid: s.orderGid,
      memberId: member.id,
      customerGid: s.customerGid,
      name: s.name,
      currencyCode: s.currencyCode,
      stateUpdatedAt: s.updatedAt,
      paid: true,
      cancelled: false,
      taxesIncluded: s.taxesIncluded,
      processedAt: s.processedAt,
      grossMinor: BigInt(computeOrderGrossMinor(s)),
      editRemovedMinor: BigInt(computeEditRemovedMinor(s, new Map())),
      refundedIds: "",
      orderTotalMinor: s.totalMinor !== undefined ? BigInt(s.totalMinor) : 0n,
      earnPoints: shop.purchaseRule!.points,
      earnSpendMinor: shop.purchaseRule!.spendMinor,
      multiplierPermille: orderMultiplierPermille(shop, member.tierId, s.processedAt),
      earnMode: null,
      earnMinSpendMinor: null,
      earnByLine: false,
      pointsTarget: 0,
      pointsCredited: 0,
      pointsPending: 0,
      availableAt: addDays(s.processedAt, shop.program.pendingDays),
      eligibleMinor: 0n,
      revision: 1,
      backfill: null,
      createdAt: now,
      updatedAt: now,
    };
    const target = computeStoredOrderTarget(record, []);
    // Does this order move its member's tier (upgradeMemberTier's rule)? The move is made
    // after the order, in this run; a move to a tier with an entry gift ends the chunk.
    const metricAfter = member.metric + (basis === "orders" ? (target.eligibleMinor > 0 ? 1 : 0) : target.eligibleMinor);
    let move: { from: LadderTier | null; to: LadderTier } | null = null;
    if (target.eligibleMinor > 0 && shop.tiers.length >= 2 && inWindow(s.processedAt, window)) {
      const current = shop.tiers.find((t) => t.id === member.tierId) ?? null;
      if (!current || current.rank < top!.rank) {
        const tier = qualifyingTier(shop.tiers, metricAfter);
        if (tier !== null && (!current || tier.rank > current.rank)) move = { from: current, to: tier };
      }
    }
    seen.add(s.orderGid);
    if (enrolsNow) {
      members.set(s.customerGid!, member);
      newMembers.push({ customerGid: s.customerGid!, member });
    }
    if (inWindow(s.processedAt, window) || (window.start === null && window.end === null)) member.metric = metricAfter;
    const stillPending = record.availableAt !== null && record.availableAt.getTime() > now.getTime();
    // The sign-up bonus of a member enrolled by this order, written with the order's rows (as enrollMember's pendingEntries).
    const bonus: LedgerEntryInput | null =
      enrolsNow && shop.signupRule && shop.signupRule.points > 0
        ? { shopId: shop.id, memberId: member.id, delta: shop.signupRule.points, kind: "signup_bonus", idempotencyKey: ledgerKeys.signup(s.customerGid!), sourceGid: s.customerGid!, note: shop.signupRule.name }
        : null;
    let entry: LedgerEntryInput | null = null;
    if (target.points !== 0) {
      entry = {
        shopId: shop.id,
        memberId: member.id,
        delta: stillPending ? 0 : target.points,
        pendingDelta: stillPending ? target.points : 0,
        kind: "order_earned",
        idempotencyKey: ledgerKeys.order(s.orderGid, 1),
        sourceGid: s.orderGid,
        note: describeOrderChange(record, target.eligibleMinor, "order_earned"),
        availableAt: record.availableAt,
      };
      record.pointsCredited = target.points;
      record.pointsPending = stillPending ? target.points : 0;
    }
    record.pointsTarget = target.points;
    record.eligibleMinor = BigInt(target.eligibleMinor);
    const repeat = member.firstCounted !== null && member.firstCounted.getTime() < s.processedAt.getTime();
    if (member.firstCounted === null || s.processedAt.getTime() < member.firstCounted.getTime()) member.firstCounted = s.processedAt;
    if (move?.to.perks.entryGiftRewardId) {
      settled.push({ order, record, member, enrolsNow, bonus, entry, repeat, tierId: member.tierId, move: null });
      moveAfter = { member, activityAt: s.processedAt };
      break;
    }
    let moveBonus: LedgerEntryInput | null = null;
    if (move && move.to.perks.entryPoints > 0) {
      // payEntryBonuses: once per member, tier and period (program live: mayBePlainOrder).
      const key = tierEntryKey(member.id, move.to.id, run.period, now, shop.ianaTimezone);
      if (!run.entryKeysPaid.has(key)) {
        run.entryKeysPaid.add(key);
        moveBonus = entryBonusEntry(shop, { shopId: shop.id, memberId: member.id, tierId: move.to.id, tierName: move.to.name, points: move.to.perks.entryPoints }, now);
      }
    }
    settled.push({ order, record, member, enrolsNow, bonus, entry, repeat, tierId: member.tierId, move: move ? { ...move, bonus: moveBonus } : null });
    if (move) member.tierId = move.to.id;
  }
  return { settled, newMembers, moveAfter };
}

/** Writes settled orders with multi-row statements: members, records, lines, ledger, occasions, last-order times, facts and the rollup. */
async function writeSettled(tx: Tx, shop: ShopConfig, run: RunState, settled: readonly SettledOrder[], newMembers: readonly { customerGid: string; member: MemberState }[], now: Date): Promise<void> {
  const { referredOrders, referredCustomers, usedCodes } = run;
  // Members first, then order records: a concurrent writer of the same customer or order fails
  // here (unique keys), and the batch runs again.
  if (newMembers.length > 0) {
    await tx.member.createMany({ data: newMembers.map(({ customerGid, member }) => ({ id: member.id, shopId: shop.id, customerGid, tags: "", status: "active", tierId: shop.entryTierId })) });
  }
  // Records, lines and facts as raw multi-row INSERTs (insertRows), the ledger's rows likewise.
  const at = new Date();
  await insertRows(tx, "OrderRecord", settled.map(({ record }) => ({ ...record, id: rowId(), createdAt: at, updatedAt: at })));
  const lines = settled.flatMap(({ order: { snapshot: s } }) =>
    s.lines.map((line) => ({ id: rowId(), shopId: shop.id, orderGid: s.orderGid, lineItemId: line.lineItemId, ...storedLineData(line, s.taxesIncluded) })),
  );
  await insertRows(tx, "OrderLine", lines);
  const entries = settled.flatMap((x) => [...(x.bonus ? [x.bonus] : []), ...(x.entry ? [x.entry] : []), ...(x.move?.bonus ? [x.move.bonus] : [])]);
  // Win-back's "newest paid order" (orders.server.ts), each member's latest, in the same write as the balances.
  const lastOrderAt = new Map<string, Date>();
  for (const { member, record } of settled) {
    const at = record.processedAt ?? now;
    const had = lastOrderAt.get(member.id);
    if (!had || had.getTime() < at.getTime()) lastOrderAt.set(member.id, at);
  }
  await appendNewLedgerEntries(tx, entries, { lastOrderAt });

  // Occasions, in order, with each member's running balance (recordOrderOccasions' rules), in one insert.
  const occasions: RecordOccasionInput<OccasionKind>[] = [];
  for (const { record, member, enrolsNow, bonus, entry, move } of settled) {
    // Welcome (enrollMember's), then the order's (recordOrderOccasions'): points_earned for
    // what became spendable, and the dearest reward the balance crossed with this order's rows.
    if (enrolsNow) occasions.push({ shopId: shop.id, memberId: member.id, kind: "welcome", key: occasionKey("welcome", member.id), data: { points: shop.signupRule?.points ?? 0 } });
    if (entry && entry.delta > 0) {
      occasions.push({
        shopId: shop.id,
        memberId: member.id,
        kind: "points_earned",
        key: occasionKey("points_earned", record.orderGid),
        data: { points: entry.delta, orderGid: record.orderGid, ...(record.name ? { orderName: record.name } : {}) },
      });
    }
    const gained = (bonus?.delta ?? 0) + (entry?.delta ?? 0);
    if (gained > 0) {
      const before = member.points;
      member.points += gained;
      const crossing = await rewardCrossingOccasion(tx, { shopId: shop.id, memberId: member.id, before, after: member.points, cause: `${record.orderGid}:r1` });
      if (crossing) occasions.push(crossing);
    }
    if (move) {
      // moveMemberTier's: tier_reached, then the entry points (no crossing of their own).
      occasions.push(tierReachedOccasion(shop.id, member.id, move.from, move.to, now));
      member.points += move.bonus?.delta ?? 0;
    }
  }
  await recordOccasions(tx, occasions);
  await writeTierMoves(tx, shop, settled, now);

  // Analytics: the facts, then the day rollup (written once at the batch's end, 0038).
  const facts = settled.map(({ order: { snapshot: s }, record, repeat, tierId }) => {
    const kantaCodes = (usedCodes.get(s.orderGid) ?? []).sort();
    return {
      id: rowId(),
      shopId: shop.id,
      orderGid: s.orderGid,
      customerGid: s.customerGid,
      member: true,
      tierId,
      day: localDay(s.processedAt, shop.ianaTimezone),
      processedAt: s.processedAt,
      counted: true,
      grossMinor: record.grossMinor,
      netMinor: record.grossMinor - record.editRemovedMinor > 0n ? record.grossMinor - record.editRemovedMinor : 0n,
      kantaCodes: kantaCodes.join(","),
      kantaDiscountMinor: 0n,
      referred: referredOrders.has(s.orderGid) || referredCustomers.has(s.customerGid),
      repeat,
    };
  });
  await insertRows(tx, "OrderFact", facts.map((fact) => ({ ...fact, updatedAt: at })));
  for (const fact of facts) {
    for (const segment of factSegments(fact)) await applyToDay(tx, shop.id, fact.day, segment, contribution(fact), { customerGid: fact.customerGid!, repeat: fact.repeat });
  }
}

/**
 * The run's tier moves (moveMemberTier's writes): each moved member's tier, conditional on
 * the tier its row held (else WriteConflictError, and the batch runs again), a manual
 * assignment ended, and one TierChange row per move, in order.
 */
async function writeTierMoves(tx: Tx, shop: ShopConfig, settled: readonly SettledOrder[], now: Date): Promise<void> {
  const moved = new Map<string, MemberState>();
  for (const { member, move } of settled) if (move) moved.set(member.id, member);
  if (moved.size === 0) return;
  const postgres = isPostgres(tx);
  const groups = new Map<string, MemberState[]>();
  for (const member of moved.values()) {
    const key = `${member.storedTierId}/${member.tierId}/${member.tierManual}`;
    groups.set(key, [...(groups.get(key) ?? []), member]);
  }
  for (const group of groups.values()) {
    const { storedTierId, tierId, tierManual } = group[0]!;
    const sql = new Sql(postgres);
    const set = [`"tierId" = ${sql.p(tierId)}`, `"tierChangedAt" = ${sql.p(now)}`, `"updatedAt" = ${sql.p(new Date())}`];
    // Earning a tier above a manual one ends the assignment (upgradeMemberTier).
    if (tierManual) set.push(`"tierManual" = FALSE`, `"tierManualUntil" = NULL`);
    const was = storedTierId === null ? `"tierId" IS NULL` : `"tierId" = ${sql.p(storedTierId)}`;
    const count = await tx.$executeRawUnsafe(`UPDATE "Member" SET ${set.join(", ")} WHERE "id" IN (${sql.list(group.map((m) => m.id))}) AND ${was}`, ...sql.params);
    if (count !== group.length) throw new WriteConflictError(`${group.length - count} of ${group.length} members changed tier concurrently`);
  }
  for (const member of moved.values()) Object.assign(member, { storedTierId: member.tierId, tierManual: false });
  await tx.tierChange.createMany({
    data: settled.flatMap(({ member, move }) => (move ? [tierChangeData(shop.id, member, { ...move, reason: "qualified" }, now)] : [])),
  });
}
